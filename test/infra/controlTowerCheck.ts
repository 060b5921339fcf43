import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { expect } from 'vitest';
import { CONTROL_TOWER_PLUGIN, CONTROL_TOWER_RULES_DIR as RULES_DIR, ControlTowerRule } from '../../infra/controlTowerRules.js';
import { testApp } from './testApp.js';

/**
 * A synth with all 237 Guard rules evaluated (and, for the first in a process, the CDK library's
 * warm-up) took over a minute on the loaded 2-core machine. A safety net, not a speed check.
 */
export const SYNTH_WITH_GUARD_TIMEOUT_MS = 300_000;

export interface GuardRule {
  /** Its file. */
  readonly file: string;
  /** The Guard rule name violations are reported under, e.g. `sqs_dlq_check`. */
  readonly name: string;
  /** The resource types it reports on (its header's "Reports on"). */
  readonly types: readonly string[];
}

/** The bundled rule files, read from their headers. */
export function bundledRules(dir = RULES_DIR): GuardRule[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return bundledRules(path);
    const header = readFileSync(path, 'utf8').split('\n').map((line) => line.replace(/^#\s*/, '').trim());
    const name = header[header.findIndex((line) => /^Rule (Identifier|Name):$/.test(line)) + 1]!;
    const reportsOn = header.indexOf('Reports on:');
    const types = header
      .slice(reportsOn + 1, header.indexOf('', reportsOn))
      .flatMap((line) => line.split(','))
      .map((type) => type.trim())
      .filter((type) => type.startsWith('AWS::'));
    return [{ file: path, name, types }];
  });
}

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly { readonly ruleName: string }[];
    readonly suppressedViolations?: readonly {
      readonly ruleName: string;
      readonly reason?: string;
      readonly violatingConstructs: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

export function readReport(assemblyDir: string): ValidationReport['pluginReports'][number] | undefined {
  const report = JSON.parse(readFileSync(join(assemblyDir, cxapi.VALIDATION_REPORT_FILE), 'utf8')) as ValidationReport;
  return report.pluginReports.find((r) => r.pluginName === CONTROL_TOWER_PLUGIN);
}

/** Rule names of the bundled rules that report on a resource type the template has. */
function applicableRules(rules: readonly GuardRule[], template: { Resources: Record<string, { Type: string }> }): string[] {
  const types = new Set(Object.values(template.Resources).map((r) => r.Type));
  return rules.filter((rule) => rule.types.some((t) => types.has(t))).map((rule) => rule.name).sort();
}

/**
 * Synthesize both stacks of `rectify` with every Control Tower rule evaluated, and prove no violation
 * is unacknowledged and each acknowledgement is the expected one, with a reason. Synth throws on a
 * violation nobody acknowledged.
 */
export function expectOnlyAcknowledgedViolations(rectify: Record<string, unknown>, rules: readonly GuardRule[]): void {
  // Prepare
  const { app, admin, member } = testApp(rectify, { controlTowerRules: true });

  // Act: synth throws on any violation nobody acknowledged
  const assembly = app.synth();

  // Assess
  const report = readReport(assembly.directory);
  expect(report?.violations ?? []).toEqual([]);
  const acknowledged = report?.suppressedViolations ?? [];
  // The literal account of rectify.adminAccount lets the rule read the invoke permissions' SourceAccount.
  const expected = [
    ControlTowerRule.apiGatewayXray,
    ControlTowerRule.lambdaInsideVpc,
    ...(rectify.adminAccount ? [] : [ControlTowerRule.lambdaPublicAccess]),
  ].sort();
  expect([...new Set(acknowledged.map((v) => v.ruleName))].sort()).toEqual(expected);
  expect(acknowledged.filter((v) => !v.reason?.trim())).toEqual([]);

  const summary = [admin, member].map((stack) => {
    const applicable = applicableRules(rules, assembly.getStackArtifact(stack.artifactId).template);
    return `${stack.stackName}: ${applicable.length} of ${rules.length} rules apply (${applicable.join(', ')})`;
  });
  const counts = acknowledged.reduce<Record<string, number>>((n, v) => ({ ...n, [v.ruleName]: (n[v.ruleName] ?? 0) + v.violatingConstructs.length }), {});
  console.info([...summary, `0 unacknowledged; acknowledged: ${JSON.stringify(counts)}`].join('\n'));
}
