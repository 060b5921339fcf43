import { describe, expect, it } from 'vitest';
import { classifySeverity } from '../../tasks/domain/classifySeverity.js';
import { Outcome } from '../../tasks/domain/constants.js';
import { DEFAULT_POLICY, parsePolicy, PolicySchema } from '../../tasks/domain/policy.js';
import { decidePolicy } from '../../tasks/handlers/loadPolicy.js';
import { requestFor } from '../support/request.js';

const sg = requestFor({ resourceType: 'AwsEc2SecurityGroup', resourceId: 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-1', controlId: 'EC2.19' });

describe('policy', () => {
  it('defaults to dry-run for a new deployment', () => {
    expect(DEFAULT_POLICY.mode).toBe('dry-run');
    expect(decidePolicy(sg, DEFAULT_POLICY)).toMatchObject({ proceed: true, dryRun: true, approvalForced: false });
  });

  it('rejects a bad stored policy with the field named', () => {
    expect(() => parsePolicy('{"mode":"yolo"}')).toThrow(/mode/);
    expect(() => parsePolicy('not json')).toThrow(/not JSON/);
  });

  it('skips on the kill switch, a control set off, accounts outside the allow list, and unknown controls', () => {
    const policy = (p: object) => PolicySchema.parse({ mode: 'auto', ...p });
    expect(decidePolicy(sg, policy({ mode: 'off' }))).toMatchObject({ proceed: false, outcome: Outcome.POLICY_SKIPPED });
    expect(decidePolicy(sg, policy({ controls: { 'EC2.19': 'off' } }))).toMatchObject({ proceed: false, outcome: Outcome.POLICY_SKIPPED });
    expect(decidePolicy(sg, policy({ allowedAccounts: ['999999999999'] }))).toMatchObject({ proceed: false, outcome: Outcome.POLICY_SKIPPED });
    expect(decidePolicy({ ...sg, controlIds: ['EC2.999'] }, policy({}))).toMatchObject({ proceed: false, outcome: Outcome.NO_PLAYBOOK });
    expect(decidePolicy({ ...sg, complianceStatus: 'PASSED' }, policy({}))).toMatchObject({ proceed: false, outcome: Outcome.POLICY_SKIPPED });
  });

  it('matches per-control settings without regard to case; the strictest of several wins', () => {
    // Prepare: keys as an operator might type them into the parameter by hand
    const policy = (controls: Record<string, string>) => PolicySchema.parse({ mode: 'auto', controls });
    // Act, Assess
    expect(decidePolicy(sg, policy({ 'ec2.19': 'off' }))).toMatchObject({ proceed: false, outcome: Outcome.POLICY_SKIPPED, controlSetting: 'off' });
    expect(decidePolicy(sg, policy({ 'Ec2.19': 'approve' }))).toMatchObject({ proceed: true, approvalForced: true, controlSetting: 'approve' });
    expect(decidePolicy(sg, policy({ 'EC2.19': 'auto', 'ec2.19': 'off', 'eC2.19': 'approve' }))).toMatchObject({ proceed: false, controlSetting: 'off' });
    expect(decidePolicy(sg, policy({ 'ec2.19': 'auto', 'EC2.19': 'approve' }))).toMatchObject({ proceed: true, approvalForced: true });
    expect(decidePolicy(sg, policy({ 'ec2.1': 'off' }))).toMatchObject({ proceed: true, controlSetting: 'auto' });
  });

  it('forces approval in approve-all mode and for controls set to approve', () => {
    expect(decidePolicy(sg, PolicySchema.parse({ mode: 'approve-all' })).approvalForced).toBe(true);
    expect(decidePolicy(sg, PolicySchema.parse({ mode: 'auto', controls: { 'EC2.19': 'approve' } })).approvalForced).toBe(true);
  });
});

describe('classifySeverity', () => {
  it('reads the risk matrix: production and disruption raise the risk to approval', () => {
    const policy = PolicySchema.parse({ mode: 'auto', productionAccounts: ['210987654321'] });
    expect(classifySeverity(sg, { level: 'non-disruptive', why: 'test' }, {}, policy)).toMatchObject({ level: 'LOW', approvalRequired: false });
    expect(classifySeverity(sg, { level: 'non-disruptive', why: 'test' }, { Environment: 'Production' }, policy)).toMatchObject({ level: 'HIGH', criticality: 'production', approvalRequired: true });
    expect(classifySeverity(sg, { level: 'disruptive', why: 'test' }, {}, policy)).toMatchObject({ level: 'HIGH', approvalRequired: true });
    expect(classifySeverity({ ...sg, account: '210987654321' }, { level: 'disruptive', why: 'test' }, {}, policy)).toMatchObject({ level: 'CRITICAL' });
  });

  it('raises one level for the severities the policy lists', () => {
    const policy = PolicySchema.parse({ severityRaisesRisk: ['CRITICAL'] });
    expect(classifySeverity({ ...sg, severity: 'CRITICAL' }, { level: 'non-disruptive', why: 'test' }, {}, policy).level).toBe('MEDIUM');
  });
});
