import type { PolicyViolation } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_CONFIGURATIONS, removeOutdirs, testApp } from './testApp.js';

/** `rule @ construct path` for every finding, so a failure shows what to fix. */
function describeViolations(violations: readonly PolicyViolation[]): string[] {
  return violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath ?? r.resourceLogicalId}`));
}

describe('cdk-nag AwsSolutions', () => {
  afterAll(removeOutdirs);

  for (const [name, rectify] of Object.entries(APP_CONFIGURATIONS)) {
    it(`reports no unacknowledged findings on either stack with ${name}`, () => {
      // Prepare
      const { app, admin, member } = testApp(rectify);

      // Act
      const reports = [admin, member].map((stack) => new AwsSolutionsChecks(app).validateScope(stack));

      // Assess
      expect(reports.flatMap((r) => describeViolations(r.violations))).toEqual([]);
      expect(reports.every((r) => r.success)).toBe(true);
    });
  }

  it('fails synth through the registered plugin when a finding is not acknowledged', () => {
    // Prepare: the app as the CLI builds it (plugin registered), plus one unjustified wildcard
    const { app, admin } = testApp({}, { nag: true });
    admin.taskFunctions.roles.validateFinding.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::some-bucket/*'] }),
    );

    // Act + Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::arn:aws:s3:::some-bucket\/\*\]/);
  });

  it('synthesizes with the plugin registered and every finding acknowledged', () => {
    // Prepare
    const { app } = testApp({}, { nag: true });

    // Act + Assess
    expect(() => app.synth()).not.toThrow();
  });
});
