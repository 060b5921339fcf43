import { Outcome } from '../../../tasks/domain/constants.js';
import type { AwsCall } from '../awsCall.js';
import { LOCAL_ADMIN_ACCOUNT, LOCAL_MEMBER_ACCOUNT } from '../awsEnv.js';

/** One non-compliant resource of the sandbox estate, its finding, and what must be true afterwards. */
export interface EstateItem {
  readonly key: string;
  readonly controlId: string;
  readonly resourceType: string;
  /** ASFF resource id; `${name}` is replaced by values saved during setup. */
  readonly resourceId: string;
  readonly account: string;
  readonly severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  readonly story: string;
  readonly setup: readonly (AwsCall & { save?: Record<string, string> })[];
  readonly expected: Outcome;
  /** When set, the finding arrives from Security Hub in OCSF (`Findings Imported V2`) with this resource type; otherwise ASFF (Security Hub CSPM). */
  readonly ocsfResourceType?: string;
  readonly checks: readonly (AwsCall & { match?: unknown; absent?: unknown })[];
}

const A = LOCAL_ADMIN_ACCOUNT;
const M = LOCAL_MEMBER_ACCOUNT;
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/** The DynamoDB table whose fix the sandbox makes fail verification (an injected fault). */
export const FAILING_TABLE_ARN = `arn:aws:dynamodb:us-east-1:${A}:table/sandbox-orders`;
/** The bucket with an expired exemption register entry. */
export const EXPIRED_REGISTER_BUCKET = 'sandbox-ledger';

/**
 * A small two-account estate across six services: what a newcomer sees fixed, exempted,
 * approved, refused and rolled back. Every row says what must be true in moto afterwards.
 */
export const ESTATE: readonly EstateItem[] = [
  {
    key: 'open-ssh', controlId: 'EC2.19', resourceType: 'AwsEc2SecurityGroup', account: A, severity: 'CRITICAL',
    resourceId: `arn:aws:ec2:us-east-1:${A}:security-group/\${sg}`,
    story: 'SSH open to the world: the rule is revoked, HTTPS beside it stays',
    setup: [
      { service: 'EC2', command: 'CreateSecurityGroup', params: { GroupName: 'sandbox-web', Description: 'web tier' }, save: { sg: 'GroupId' } },
      { service: 'EC2', command: 'AuthorizeSecurityGroupIngress', params: { GroupId: '${sg}', IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh from anywhere' }] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }] },
      ] } },
    ],
    expected: Outcome.REMEDIATED,
    checks: [{ service: 'EC2', command: 'DescribeSecurityGroupRules', params: { Filters: [{ Name: 'group-id', Values: ['${sg}'] }] },
      match: { SecurityGroupRules: [{ IsEgress: false, FromPort: 443, CidrIpv4: '0.0.0.0/0' }, { IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }] },
      absent: { SecurityGroupRules: [{ IsEgress: false, FromPort: 22, CidrIpv4: '0.0.0.0/0' }] } }],
  },
  {
    key: 'public-bucket', controlId: 'S3.8', resourceType: 'AwsS3Bucket', account: A, severity: 'HIGH',
    resourceId: 'arn:aws:s3:::sandbox-assets', story: 'A bucket without Block Public Access gets all four settings',
    setup: [{ service: 'S3', command: 'CreateBucket', params: { Bucket: 'sandbox-assets' } }],
    expected: Outcome.REMEDIATED,
    checks: [{ service: 'S3', command: 'GetPublicAccessBlock', params: { Bucket: 'sandbox-assets' }, match: { PublicAccessBlockConfiguration: ALL_ON } }],
  },
  {
    key: 'prod-bucket', controlId: 'S3.8', resourceType: 'AwsS3Bucket', account: A, severity: 'HIGH',
    resourceId: 'arn:aws:s3:::sandbox-prod-exports', story: 'A production bucket (environment=prod): waits for a person, then is fixed',
    setup: [
      { service: 'S3', command: 'CreateBucket', params: { Bucket: 'sandbox-prod-exports' } },
      { service: 'S3', command: 'PutBucketTagging', params: { Bucket: 'sandbox-prod-exports', Tagging: { TagSet: [{ Key: 'environment', Value: 'prod' }] } } },
    ],
    expected: Outcome.REMEDIATED,
    checks: [{ service: 'S3', command: 'GetPublicAccessBlock', params: { Bucket: 'sandbox-prod-exports' }, match: { PublicAccessBlockConfiguration: ALL_ON } }],
  },
  {
    key: 'exempt-key', controlId: 'KMS.4', resourceType: 'AwsKmsKey', account: A, severity: 'MEDIUM',
    resourceId: '${key}', story: 'A key tagged rectify:exempt for KMS.4 is left alone, and the note says why',
    setup: [{ service: 'KMS', command: 'CreateKey', params: { Description: 'partner-shared key', Tags: [{ TagKey: 'rectify:exempt', TagValue: 'KMS.4 until:2099-12-31' }] }, save: { key: 'KeyMetadata.Arn', keyId: 'KeyMetadata.KeyId' } }],
    expected: Outcome.EXEMPT,
    checks: [{ service: 'KMS', command: 'GetKeyRotationStatus', params: { KeyId: '${keyId}' }, match: { KeyRotationEnabled: false } }],
  },
  {
    key: 'expired-waiver', controlId: 'S3.14', resourceType: 'AwsS3Bucket', account: A, severity: 'MEDIUM',
    resourceId: `arn:aws:s3:::${EXPIRED_REGISTER_BUCKET}`, story: 'Its register exemption expired last year: ignored (the note says so), versioning is enabled',
    setup: [{ service: 'S3', command: 'CreateBucket', params: { Bucket: EXPIRED_REGISTER_BUCKET } }],
    expected: Outcome.REMEDIATED,
    checks: [{ service: 'S3', command: 'GetBucketVersioning', params: { Bucket: EXPIRED_REGISTER_BUCKET }, match: { Status: 'Enabled' } }],
  },
  {
    key: 'failing-table', controlId: 'DynamoDB.2', resourceType: 'AwsDynamoDbTable', account: A, severity: 'MEDIUM',
    resourceId: FAILING_TABLE_ARN, story: 'The fix silently does nothing (injected fault); the real verify finds PITR still off: rolled back to its snapshot, people are told',
    setup: [{ service: 'DynamoDB', command: 'CreateTable', params: { TableName: 'sandbox-orders', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] } }],
    expected: Outcome.FAILED_ROLLED_BACK,
    checks: [{ service: 'DynamoDB', command: 'DescribeContinuousBackups', params: { TableName: 'sandbox-orders' }, match: { ContinuousBackupsDescription: { PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } } } }],
  },
  {
    key: 'member-queue', controlId: 'SQS.1', resourceType: 'AwsSqsQueue', account: M, severity: 'MEDIUM',
    resourceId: `arn:aws:sqs:us-east-1:${M}:sandbox-payments`, story: 'A queue in the member account is encrypted through the assumed member role (its finding arrives from Security Hub in OCSF)',
    ocsfResourceType: 'AWS::SQS::Queue',
    setup: [{ service: 'SQS', command: 'CreateQueue', account: M, params: { QueueName: 'sandbox-payments', Attributes: { SqsManagedSseEnabled: 'false' } }, save: { queue: 'QueueUrl' } }],
    expected: Outcome.REMEDIATED,
    checks: [{ service: 'SQS', command: 'GetQueueAttributes', account: M, params: { QueueUrl: '${queue}', AttributeNames: ['All'] }, match: { Attributes: { SqsManagedSseEnabled: 'true' } } }],
  },
  {
    key: 'member-trail', controlId: 'CloudTrail.4', resourceType: 'AwsCloudTrailTrail', account: M, severity: 'LOW',
    resourceId: `arn:aws:cloudtrail:us-east-1:${M}:trail/sandbox-audit`, story: 'A member-account trail gets log file validation',
    setup: [
      { service: 'S3', command: 'CreateBucket', account: M, params: { Bucket: 'sandbox-audit-logs' } },
      { service: 'CloudTrail', command: 'CreateTrail', account: M, params: { Name: 'sandbox-audit', S3BucketName: 'sandbox-audit-logs' } },
    ],
    expected: Outcome.REMEDIATED,
    checks: [{ service: 'CloudTrail', command: 'GetTrail', account: M, params: { Name: 'sandbox-audit' }, match: { Trail: { LogFileValidationEnabled: true } } }],
  },
  {
    key: 'no-playbook', controlId: 'EC2.10', resourceType: 'AwsEc2Vpc', account: A, severity: 'MEDIUM',
    resourceId: `arn:aws:ec2:us-east-1:${A}:vpc/vpc-0a1b2c3d4e5f60718`, story: 'A control without a playbook is recorded for people, nothing is touched',
    setup: [],
    expected: Outcome.NO_PLAYBOOK,
    checks: [],
  },
];
