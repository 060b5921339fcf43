import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outcome } from '../../tasks/domain/constants.js';
import { InvalidFindingError } from '../../tasks/domain/errors.js';
import { RemediationRequestSchema, toRemediationRequest } from '../../tasks/domain/finding.js';
import { asffResourceType } from '../../tasks/domain/ocsfResourceTypes.js';
import { findingStateOf, requestFromExecutionInput } from '../../tasks/domain/ocsfRequest.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { decidePolicy } from '../../tasks/handlers/loadPolicy.js';

const event = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/ocsf/sqs1-failed.event.json'), 'utf8')) as { detail: { findings: Record<string, unknown>[] } };
const sample = () => structuredClone(event.detail.findings[0]!) as Record<string, any>;
const parse = (finding: unknown) => requestFromExecutionInput({ finding, source: 'automatic' });
const invalid = (finding: unknown) => {
  try {
    parse(finding);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFindingError);
    return (error as Error).message;
  }
  throw new Error('expected InvalidFinding');
};

describe('an OCSF Compliance Finding becomes the same RemediationRequest as ASFF', () => {
  it('reads identity, control, severity, state and the canonical resource from a Findings Imported V2 event', () => {
    // Act
    const request = parse(sample());
    // Assess
    expect(request).toEqual({
      findingId: 'arn:aws:securityhub:eu-west-1:222233334444:security-control/SQS.1/finding/0b9e4f12-6c3d-4a58-9e71-2d5c8a0f3b64',
      productArn: 'arn:aws:securityhub:eu-west-1::productv2/aws/securityhub',
      format: 'OCSF',
      metadataUid: '7c2a9e41b0d35f68a1c4e7b29d0f3a5c8e1b4d7a0c3f6e9b2d5a8c1f4e7b0a3d',
      controlIds: ['SQS.1'],
      title: 'Amazon SQS queues should be encrypted at rest',
      severity: 'MEDIUM',
      complianceStatus: 'FAILED',
      recordState: 'ACTIVE',
      workflowStatus: 'NEW',
      account: '222233334444',
      region: 'eu-west-1',
      partition: 'aws',
      // The ARN from uid_alt: the queue URL in uid is not an identity Rectify resolves.
      resource: { type: 'AwsSqsQueue', id: 'arn:aws:sqs:eu-west-1:222233334444:orders-intake' },
      updatedAt: '2026-10-14T08:20:07.512Z',
      source: 'automatic',
      controlParameters: {},
    });
  });

  it('names the same resource and control as the ASFF finding of the same failure', () => {
    // Prepare
    const ocsf = parse(sample());
    const asff = toRemediationRequest({
      source: 'automatic',
      finding: {
        SchemaVersion: '2018-10-08',
        Id: ocsf.findingId,
        ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
        GeneratorId: 'security-control/SQS.1',
        AwsAccountId: '222233334444',
        UpdatedAt: '2026-10-14T08:20:07.512Z',
        Severity: { Label: 'MEDIUM' },
        Compliance: { Status: 'FAILED', SecurityControlId: 'SQS.1' },
        Resources: [{ Type: 'AwsSqsQueue', Id: 'arn:aws:sqs:eu-west-1:222233334444:orders-intake', Region: 'eu-west-1' }],
      },
    });
    // Assess
    expect(ocsf.resource.id).toBe(asff.resource.id);
    expect(ocsf.controlIds[0]).toBe(asff.controlIds[0]);
    expect(ocsf.findingId).toBe(asff.findingId);
  });

  it('takes a bare uid in the finding\'s scope, control parameters, and a global resource in the finding\'s region', () => {
    // Prepare
    const finding = sample();
    finding.resources = [{ type: 'AWS::EC2::SecurityGroup', uid: 'sg-0123456789abcdef0', region: 'global', cloud_partition: 'aws' }];
    finding.compliance = { control: 'EC2.18', status_id: 3, control_parameters: [{ name: 'authorizedTcpPorts', values: ['80', '443'] }, { name: 'authorizedUdpPorts', value: '53, 123' }] };
    // Act
    const request = parse(finding);
    // Assess
    expect(request.resource).toEqual({ type: 'AwsEc2SecurityGroup', id: 'arn:aws:ec2:eu-west-1:222233334444:security-group/sg-0123456789abcdef0', findingId: 'sg-0123456789abcdef0' });
    expect(request.controlParameters).toEqual({ authorizedTcpPorts: ['80', '443'], authorizedUdpPorts: ['53', '123'] });
  });
});

describe('a malformed OCSF finding is INVALID with the field named, never a crash', () => {
  it.each([
    ['no resources', (f: Record<string, any>) => delete f.resources, 'resources'],
    ['an account that is not 12 digits', (f: Record<string, any>) => (f.cloud.account.uid = '2222'), 'cloud.account.uid'],
    ['no metadata.uid', (f: Record<string, any>) => delete f.metadata.uid, 'metadata.uid'],
    ['a string severity_id', (f: Record<string, any>) => (f.severity_id = 'High'), 'severity_id'],
    ['severity Unknown (0)', (f: Record<string, any>) => (f.severity_id = 0), 'severity_id 0'],
    ['another OCSF class', (f: Record<string, any>) => (f.class_uid = 2004), 'class_uid is 2004'],
    // The control id is also read from a control finding's uid (…/security-control/SQS.1/finding/…): neither here.
    ['no control', (f: Record<string, any>) => (delete f.compliance.control, (f.finding_info.uid = 'finding-1')), 'compliance.control'],
    ['a resource owned by another account', (f: Record<string, any>) => (f.resources[0].owner.account.uid = '999999999999'), 'resources[0].owner.account.uid'],
    ['uid and uid_alt naming two resources', (f: Record<string, any>) => (f.resources[0].uid = 'arn:aws:sqs:eu-west-1:222233334444:other'), 'name different resources'],
    ['an ARN in another account', (f: Record<string, any>) => ((f.resources[0].uid_alt = 'arn:aws:sqs:eu-west-1:999999999999:orders-intake'), delete f.resources[0].owner), 'not the finding\'s account'],
    ['a path with ..', (f: Record<string, any>) => (f.resources[0].uid_alt = 'arn:aws:sqs:eu-west-1:222233334444:a/../b'), '".." path segments'],
  ])('%s', (_what, mutate, named) => {
    // Prepare
    const finding = sample();
    mutate(finding);
    // Act / Assess
    expect(invalid(finding)).toContain(named);
  });

  it.each([null, 7, 'x', [], { class_uid: 2003 }, { metadata: null }, { finding_info: { uid: 5 } }, { class_uid: '2003', resources: 'all' }])('%j is refused, not thrown as anything else', (value) => {
    expect(() => parse(value)).toThrow(InvalidFindingError);
  });

  it('any value in any field of a real-shaped finding gives a valid request or InvalidFinding, nothing else', () => {
    // Prepare: replace one field, at any depth, with anything (200 cases)
    const paths = ['class_uid', 'severity_id', 'status_id', 'activity_id', 'metadata', 'metadata.uid', 'metadata.product.uid', 'cloud.account.uid', 'cloud.region', 'finding_info.uid',
      'finding_info.title', 'finding_info.modified_time_dt', 'compliance', 'compliance.control', 'compliance.status_id', 'compliance.control_parameters', 'resources',
      'resources.0', 'resources.0.type', 'resources.0.uid', 'resources.0.uid_alt', 'resources.0.region', 'resources.0.cloud_partition', 'resources.0.owner'];
    let checked = 0;
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.anything(), (at, value) => {
        const finding = sample();
        const keys = at.split('.');
        const parent = keys.slice(0, -1).reduce((o, k) => o[k], finding as Record<string, any>);
        parent[keys.at(-1)!] = value;
        checked++;
        try {
          RemediationRequestSchema.parse(parse(finding));
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidFindingError);
        }
      }),
      { numRuns: 200 },
    );
    expect(checked).toBe(200);
  });

  it('an oversized OCSF finding is named by its finding_info.uid', () => {
    expect(() => requestFromExecutionInput({ finding: { finding_info: { uid: 'big-one' } }, source: 'automatic', oversizedBytes: 300_000 })).toThrow(/finding big-one is 300,000 bytes/);
  });
});

describe('a V2 finding that is not failed, active and open is not remediated', () => {
  const policy = PolicySchema.parse({ mode: 'auto' });
  it.each([
    ['passed', (f: Record<string, any>) => (f.compliance = { control: 'SQS.1', status: 'Pass', status_id: 1 }), 'PASSED/ACTIVE'],
    ['closed (activity Close)', (f: Record<string, any>) => ((f.activity_id = 3), (f.activity_name = 'Close')), 'FAILED/ARCHIVED'],
    ['suppressed', (f: Record<string, any>) => ((f.status_id = 3), (f.status = 'Suppressed')), 'SUPPRESSED'],
    ['resolved', (f: Record<string, any>) => ((f.status_id = 4), (f.status = 'Resolved')), 'RESOLVED'],
    ['status Other (99)', (f: Record<string, any>) => ((f.status_id = 99), (f.status = 'Other')), 'UNKNOWN'],
  ])('%s: POLICY_SKIPPED', (_what, mutate, says) => {
    // Prepare
    const finding = sample();
    mutate(finding);
    // Act
    const decision = decidePolicy(parse(finding), policy);
    // Assess
    expect(decision).toMatchObject({ proceed: false, outcome: Outcome.POLICY_SKIPPED });
    expect(decision.reason).toContain(says);
  });

  it('the same finding, failed, active and New or In Progress, proceeds (the default policy trusts aws/securityhub in either hub)', () => {
    const finding = sample();
    expect(decidePolicy(parse(finding), policy)).toMatchObject({ proceed: true });
    finding.status_id = 2;
    expect(decidePolicy(parse(finding), policy)).toMatchObject({ proceed: true });
  });

  it('reads the state again from a hub copy (the re-check at the moment of change)', () => {
    expect(findingStateOf('OCSF', { ...sample(), status_id: 3 })).toEqual({ complianceStatus: 'FAILED', recordState: 'ACTIVE', workflowStatus: 'SUPPRESSED' });
    expect(findingStateOf(undefined, { Compliance: { Status: 'PASSED' } })).toEqual({ complianceStatus: 'PASSED', recordState: 'ACTIVE', workflowStatus: 'NEW' });
  });
});

describe('asffResourceType', () => {
  it.each([
    ['AWS::EC2::SecurityGroup', 'AwsEc2SecurityGroup'],
    ['AWS::S3::Bucket', 'AwsS3Bucket'],
    ['AWS::IAM::User', 'AwsIamUser'],
    ['AWS::KMS::Key', 'AwsKmsKey'],
    ['AWS::SQS::Queue', 'AwsSqsQueue'],
    ['AWS::Lambda::Function', 'AwsLambdaFunction'],
    ['AWS::RDS::DBInstance', 'AwsRdsDbInstance'],
    ['AWS::DynamoDB::Table', 'AwsDynamoDbTable'],
    ['AWS::CloudTrail::Trail', 'AwsCloudTrailTrail'],
    ['AWS::::Account', 'AwsAccount'],
    ['AwsS3Bucket', 'AwsS3Bucket'],
  ])('%s → %s', (ocsf, asff) => expect(asffResourceType(ocsf)).toBe(asff));
});
