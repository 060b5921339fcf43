import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  Validations,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The plugin's name: CDK prefixes the rules it reports with it (`cdk-validator-cfnguard::<rule>`). */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

/**
 * The AWS Control Tower proactive-control rules Rectify acknowledges somewhere, by their Guard
 * rule name. Everything else in the bundled rule set must pass.
 */
export const ControlTowerRule = {
  /** CT.LAMBDA.PR.3: a function runs in a customer-managed VPC. */
  lambdaInsideVpc: 'lambda_inside_vpc_check',
  /** CT.LAMBDA.PR.2: a service principal's invoke permission names its source by a literal account or a local reference. */
  lambdaPublicAccess: 'lambda_function_public_access_prohibited_check',
  /** CT.APIGATEWAY.PR.2: a REST API stage has X-Ray tracing on. */
  apiGatewayXray: 'api_gw_xray_enabled_check',
} as const;
export type ControlTowerRule = (typeof ControlTowerRule)[keyof typeof ControlTowerRule];

/**
 * Acknowledge one Control Tower rule for `scope` and everything under it, with the reason a
 * reader of the code and of the validation report sees.
 *
 * @example
 * acknowledgeControl(fn, ControlTowerRule.lambdaInsideVpc, 'It calls only AWS APIs, ...');
 */
export function acknowledgeControl(scope: IConstruct, rule: ControlTowerRule, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${CONTROL_TOWER_PLUGIN}::${rule}`, reason });
}

/** The Control Tower rule files `@cdklabs/cdk-validator-cfnguard` bundles. */
export const CONTROL_TOWER_RULES_DIR = join(dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules/control-tower/cfn-guard');

/** A CloudFormation resource type written out in a rule (`"AWS::SQS::Queue"`). */
const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** Every rule file under `dir`, with the resource types it names. */
function ruleFiles(dir: string): { file: string; types: string[] }[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = join(dir, entry);
    if (statSync(file).isDirectory()) return ruleFiles(file);
    const text = readFileSync(file, 'utf8');
    // A rule that picks resources by a pattern (`Type == /…/`) could pick any type: it always runs.
    const types = /Type\s*(?:==|IN|!=)\s*\//.test(text) ? [] : [...new Set(text.match(RESOURCE_TYPE) ?? [])];
    return [{ file, types }];
  });
}

/**
 * The rule files that can report anything on templates holding `types`. Each bundled rule selects
 * resources by a type it names (`Resources.*[ Type == %QUEUE_TYPE ]`, `let QUEUE_TYPE = "AWS::SQS::Queue"`),
 * so a rule naming none of the templates' types has nothing to check and Guard would skip it; a
 * rule that names no type, or picks types by a pattern, is always kept. Evaluating only these is
 * what makes a synth take 1.5 s of Guard instead of 10 s (237 rules, 35 of which apply to Rectify's
 * two stacks); `test/infra/controlTowerRules.slow.test.ts` shows both give the same report.
 */
export function applicableRuleFiles(types: ReadonlySet<string>, dir = CONTROL_TOWER_RULES_DIR): string[] {
  return ruleFiles(dir)
    .filter((rule) => rule.types.length === 0 || rule.types.some((type) => types.has(type)))
    .map((rule) => rule.file)
    .sort();
}

/**
 * CloudFormation Guard 3 with the AWS Control Tower proactive-control rules bundled by
 * `@cdklabs/cdk-validator-cfnguard` (no download), as a CDK validation plugin: synth fails on any
 * violation not acknowledged with {@link acknowledgeControl}.
 *
 * Every violation is reported as an error. The bundled plugin leaves the severity unset, and once
 * any of a report's violations is acknowledged CDK recomputes the report's success from the
 * severities of the rest, so an unset one would let a new violation through as a success.
 *
 * @example
 * Validations.of(app).addPlugins(new ControlTowerRules());
 */
export class ControlTowerRules implements IPolicyValidationPlugin {
  readonly name = CONTROL_TOWER_PLUGIN;
  readonly version: string | undefined;
  /** The bundled rules' ids (file names without `ct-` and dashes, e.g. `sqspr1`). */
  readonly ruleIds: string[];

  /** @param options.everyRule evaluate all bundled rules, not only those naming a type the templates hold (the slow test's reference run) */
  constructor(private readonly options: { readonly everyRule?: boolean } = {}) {
    const all = ControlTowerRules.validator();
    this.version = all.version;
    this.ruleIds = [...(all.ruleIds ?? [])];
  }

  /**
   * Guard's JSON answer details every failing check: about 0.5 MB for today's admin template with its
   * acknowledged violations, too close to Node's 1 MB default (beyond it the plugin fails with ENOBUFS).
   */
  private static validator(rules?: string[]): CfnGuardValidator {
    return new CfnGuardValidator({ maxBuffer: 16 * 1024 * 1024, ...(rules ? { controlTowerRulesEnabled: false, rules } : {}) });
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const types = new Set(
      context.templatePaths.flatMap((template) => Object.values((JSON.parse(readFileSync(template, 'utf8')) as { Resources?: Record<string, { Type: string }> }).Resources ?? {}).map((r) => r.Type)),
    );
    const guard = this.options.everyRule ? ControlTowerRules.validator() : ControlTowerRules.validator(applicableRuleFiles(types));
    const report = guard.validate(context);
    return { ...report, violations: report.violations.map((violation) => ({ ...violation, severity: violation.severity ?? 'error' })) };
  }
}
