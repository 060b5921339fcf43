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
  Resources: [{ Type: 'AwsEc2SecurityGroup', Id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0', Tags: { environment: 'dev' } }],
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
      resource: { type: 'AwsEc2SecurityGroup', id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0' },
    });
    // The finding's copy of the tags is not evidence: the request does not carry it.
    expect(request.resource).not.toHaveProperty('tags');
  });

  it('rejects bad input with a typed error that names the finding and the field', () => {
    const bad = () => toRemediationRequest({ finding: finding({ AwsAccountId: '12' }) });
    expect(bad).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
    expect(bad).toThrow(/security-control\/EC2.19\/finding\/1.*AwsAccountId/s);
    expect(() => toRemediationRequest('not an object')).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
  });
});

describe('one canonical resource identity', () => {
  const SG = 'sg-0123456789abcdef0';
  const identityOf = (resource: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
    toRemediationRequest({ finding: finding({ Resources: [{ Type: 'AwsEc2SecurityGroup', Region: 'eu-west-1', Partition: 'aws', ...resource }], ...overrides }) }).resource;

  it('resolves a bare id in the finding\'s own account, region and partition, and keeps what the finding said', () => {
    // Act
    const resource = identityOf({ Id: SG });
    // Assess
    expect(resource).toEqual({ type: 'AwsEc2SecurityGroup', id: `arn:aws:ec2:eu-west-1:111122223333:security-group/${SG}`, findingId: SG });
  });

  it('resolves bare bucket, table, key and account ids; refuses a bare IAM user name (the ARN holds the path)', () => {
    // Act
    const of = (Type: string, Id: string) => identityOf({ Type, Id }).id;
    // Assess
    expect(of('AwsS3Bucket', 'my-bucket')).toBe('arn:aws:s3:::my-bucket');
    expect(of('AwsDynamoDbTable', 'orders')).toBe('arn:aws:dynamodb:eu-west-1:111122223333:table/orders');
    expect(of('AwsKmsKey', '1234abcd-12ab-34cd-56ef-1234567890ab')).toBe('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(of('AwsAccount', '111122223333')).toBe('AWS::::Account:111122223333');
    expect(() => of('AwsIamUser', 'alice')).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
  });

  it("takes a customer managed IAM policy by its ARN, path included, and refuses an AWS managed one or another account's", () => {
    // Act
    const of = (Id: string) => identityOf({ Type: 'AwsIamPolicy', Id, Region: 'us-east-1' }).id;
    // Assess
    expect(of('arn:aws:iam::111122223333:policy/team/admin-all')).toBe('arn:aws:iam::111122223333:policy/team/admin-all');
    expect(() => of('arn:aws:iam::aws:policy/AdministratorAccess')).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
    expect(() => of('arn:aws:iam::999999999999:policy/admin-all')).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
    expect(() => of('admin-all')).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
  });

  it('refuses ids that disagree with the finding or are not of the type: wrong partition, region, account, service, case, encoding', () => {
    // Prepare
    const bad = [
      `arn:aws-cn:ec2:eu-west-1:111122223333:security-group/${SG}`,
      `arn:aws:ec2:us-east-1:111122223333:security-group/${SG}`,
      `arn:aws:ec2:eu-west-1:999999999999:security-group/${SG}`,
      `arn:aws:s3:::${SG}`,
      `arn:aws:ec2:eu-west-1:111122223333:security-group/SG-0123456789ABCDEF0`,
      `arn:aws:ec2:eu-west-1:111122223333:security-group%2F${SG}`,
      `arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0`,
      'sg-1',
      'my-bucket',
    ];
    // Act & Assess
    for (const Id of bad) expect(() => identityOf({ Id }), Id).toThrow(expect.objectContaining({ name: ErrorName.InvalidFinding }));
    expect(() => identityOf({ Id: SG, Partition: 'aws-cn' }), 'resource partition other than the product\'s').toThrow(/partition/);
    expect(() => identityOf({ Id: SG, Region: undefined }, { Region: undefined, ProductArn: 'arn:aws:securityhub:::product/aws/securityhub' }), 'no region anywhere').toThrow(/region/);
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
