import { describe, expect, it } from 'vitest';
import { ErrorName } from '../../tasks/domain/constants.js';
import { controlIdsOf, toRemediationRequest, type AsffFinding } from '../../tasks/domain/finding.js';

const finding = (overrides: Record<string, unknown> = {}) => ({
  Id: 'arn:aws:securityhub:eu-west-1:111122223333:security-control/EC2.19/finding/1',
  ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
  GeneratorId: 'security-control/EC2.19',
  AwsAccountId: '111122223333',
  UpdatedAt: '2026-11-01T00:00:00Z',
  Severity: { Label: 'HIGH' },
  Title: 'open ports',
  Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.19' },
  Resources: [{ Type: 'AwsEc2SecurityGroup', Id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1', Tags: { team: 'web' } }],
  ...overrides,
});

describe('toRemediationRequest', () => {
  it('normalises a consolidated control finding', () => {
    // Act
    const request = toRemediationRequest({ finding: finding(), source: 'manual' });
    // Assess
    expect(request).toMatchObject({
      controlIds: ['EC2.19'],
      account: '111122223333',
      region: 'eu-west-1',
      severity: 'HIGH',
      source: 'manual',
      resource: { type: 'AwsEc2SecurityGroup', tags: { team: 'web' } },
    });
  });

  it('rejects bad input with a typed error that names the finding and the field', () => {
    const bad = () => toRemediationRequest({ finding: finding({ AwsAccountId: '12' }) });
    expect(bad).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
    expect(bad).toThrow(/security-control\/EC2.19\/finding\/1.*AwsAccountId/s);
    expect(() => toRemediationRequest('not an object')).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
  });
});

describe('controlIdsOf', () => {
  it('derives aliases from per-standard generator ids', () => {
    const cis = controlIdsOf({
      GeneratorId: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/4.1',
      ProductFields: { ControlId: '4.1' },
    } as unknown as AsffFinding);
    const afsbp = controlIdsOf({ GeneratorId: 'aws-foundational-security-best-practices/v/1.0.0/EC2.19' } as unknown as AsffFinding);
    expect(cis).toEqual(['cis-aws-foundations-benchmark/v/1.2.0/4.1', '4.1']);
    expect(afsbp).toEqual(['EC2.19', 'aws-foundational-security-best-practices/v/1.0.0/EC2.19']);
  });
});
