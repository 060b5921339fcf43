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
  private readonly guard: CfnGuardValidator;

  constructor() {
    // Guard's JSON answer details every failing check: about 0.5 MB for today's admin template with its
    // acknowledged violations, too close to Node's 1 MB default (beyond it the plugin fails with ENOBUFS).
    this.guard = new CfnGuardValidator({ maxBuffer: 16 * 1024 * 1024 });
    this.version = this.guard.version;
    this.ruleIds = [...(this.guard.ruleIds ?? [])];
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.guard.validate(context);
    return { ...report, violations: report.violations.map((violation) => ({ ...violation, severity: violation.severity ?? 'error' })) };
  }
}
