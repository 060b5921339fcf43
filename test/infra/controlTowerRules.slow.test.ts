import { Validations } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { ControlTowerRules } from '../../infra/controlTowerRules.js';
import { bundledRules, expectOnlyAcknowledgedViolations, readReport, SYNTH_WITH_GUARD_TIMEOUT_MS } from './controlTowerCheck.js';
import { APP_CONFIGURATIONS, removeOutdirs, testApp } from './testApp.js';

/**
 * The Control Tower rules over every configuration but the defaults (which the fast tier's
 * controlTowerRules.test.ts synthesizes): ~5 s of one fast-tier worker each (decision 018); and the
 * proof that running only the rules that apply reports what all of them do.
 */
describe('AWS Control Tower proactive controls (CloudFormation Guard), every other configuration', () => {
  afterAll(removeOutdirs);
  const rules = bundledRules();

  for (const [name, rectify] of Object.entries(APP_CONFIGURATIONS).filter(([name]) => name !== 'the cdk.json defaults')) {
    it(`synthesizes both stacks with no unacknowledged violation, each acknowledgement with a reason, with ${name}`, () => {
      expectOnlyAcknowledgedViolations(rectify, rules);
    }, SYNTH_WITH_GUARD_TIMEOUT_MS);
  }

  it('reports exactly what all 237 rules report when it runs only those naming a type the templates hold', () => {
    // Prepare: the same app twice, with every rule and with the rules that apply
    const reportWith = (plugin: ControlTowerRules) => {
      const { app } = testApp(APP_CONFIGURATIONS['the cdk.json defaults']!, { controlTowerRules: false });
      Validations.of(app).addPlugins(plugin);
      const report = readReport(app.synth().directory)!;
      // Rule and construct, not the file paths of this synth's output directory.
      const where = (v: { ruleName: string; violatingConstructs?: readonly { constructPath?: string }[] }) =>
        (v.violatingConstructs ?? []).map((c) => `${v.ruleName} @ ${c.constructPath}`);
      return { violations: report.violations.flatMap(where).sort(), suppressed: (report.suppressedViolations ?? []).flatMap(where).sort() };
    };

    // Act
    const every = reportWith(new ControlTowerRules({ everyRule: true }));
    const applicable = reportWith(new ControlTowerRules());

    // Assess: the same (acknowledged) violations, construct by construct
    expect(every.suppressed.length).toBeGreaterThan(0);
    expect(applicable).toEqual(every);
  }, 2 * SYNTH_WITH_GUARD_TIMEOUT_MS);
});
