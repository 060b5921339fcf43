import type { AwsClients } from '../aws/clientFactory.js';
import type { ReadTags, TaggedResource, Tags } from './tagReaders/common.js';

export type { TaggedResource } from './tagReaders/common.js';

/**
 * How the live tags of one resource type are read, with that service's own API. A reader must
 * vouch for the resource: when the resource does not exist (or is not the finding's account's), it
 * throws, and the caller fails closed. (The Resource Groups Tagging API cannot do this: it
 * answers nothing for a resource that was never tagged, exactly as for one that does not exist.)
 * The readers live in `./tagReaders/<service>.ts` and are imported when first used, so a function
 * bundle loads only the SDK client of the service whose resource it looks at (docs/decisions/014).
 */
interface TagReader {
  /** IAM actions the reader calls (the member read role is generated from these). */
  readonly permissions: readonly string[];
  readonly load: () => Promise<ReadTags>;
}

const ec2 = (type: string, action: string): TagReader => ({
  permissions: [`ec2:${action}`],
  load: async () => (await import('./tagReaders/ec2.js')).ec2TagReaders[type]!,
});
const rds: TagReader = { permissions: ['rds:ListTagsForResource'], load: async () => (await import('./tagReaders/rds.js')).readRdsTags };

const READERS: Readonly<Record<string, TagReader>> = {
  AwsEc2SecurityGroup: ec2('AwsEc2SecurityGroup', 'DescribeSecurityGroups'),
  AwsEc2Instance: ec2('AwsEc2Instance', 'DescribeInstances'),
  AwsEc2Subnet: ec2('AwsEc2Subnet', 'DescribeSubnets'),
  AwsEc2Vpc: ec2('AwsEc2Vpc', 'DescribeVpcs'),
  AwsEc2Volume: ec2('AwsEc2Volume', 'DescribeVolumes'),
  AwsEc2TransitGateway: ec2('AwsEc2TransitGateway', 'DescribeTransitGateways'),
  AwsEc2NetworkAcl: ec2('AwsEc2NetworkAcl', 'DescribeNetworkAcls'),
  AwsEc2LaunchTemplate: ec2('AwsEc2LaunchTemplate', 'DescribeLaunchTemplates'),
  AwsAutoScalingAutoScalingGroup: {
    permissions: ['autoscaling:DescribeAutoScalingGroups'],
    load: async () => (await import('./tagReaders/autoscaling.js')).readAutoScalingGroupTags,
  },
  // Launch configurations have no tags: the reader vouches that it exists; exempt one in the register.
  AwsAutoScalingLaunchConfiguration: {
    permissions: ['autoscaling:DescribeLaunchConfigurations'],
    load: async () => (await import('./tagReaders/autoscaling.js')).readLaunchConfigurationTags,
  },
  AwsKmsKey: { permissions: ['kms:ListResourceTags'], load: async () => (await import('./tagReaders/kms.js')).readKmsKeyTags },
  AwsSqsQueue: { permissions: ['sqs:GetQueueUrl', 'sqs:ListQueueTags'], load: async () => (await import('./tagReaders/sqs.js')).readQueueTags },
  AwsSsmDocument: { permissions: ['ssm:ListTagsForResource'], load: async () => (await import('./tagReaders/ssm.js')).readDocumentTags },
  AwsSnsTopic: { permissions: ['sns:ListTagsForResource'], load: async () => (await import('./tagReaders/sns.js')).readTopicTags },
  AwsDynamoDbTable: { permissions: ['dynamodb:ListTagsOfResource'], load: async () => (await import('./tagReaders/dynamodb.js')).readTableTags },
  AwsCloudTrailTrail: { permissions: ['cloudtrail:ListTags'], load: async () => (await import('./tagReaders/cloudtrail.js')).readTrailTags },
  AwsLambdaFunction: { permissions: ['lambda:ListTags'], load: async () => (await import('./tagReaders/lambda.js')).readFunctionTags },
  AwsIamUser: { permissions: ['iam:ListUserTags'], load: async () => (await import('./tagReaders/iam.js')).readUserTags },
  AwsGuardDutyDetector: { permissions: ['guardduty:GetDetector'], load: async () => (await import('./tagReaders/guardduty.js')).readDetectorTags },
  AwsIamPolicy: { permissions: ['iam:ListPolicyTags'], load: async () => (await import('./tagReaders/iam.js')).readPolicyTags },
  AwsS3Bucket: { permissions: ['s3:ListAllMyBuckets', 's3:GetBucketTagging'], load: async () => (await import('./tagReaders/s3.js')).readBucketTags },
  AwsRdsDbInstance: rds,
  AwsRdsDbSnapshot: rds,
  AwsRdsDbClusterSnapshot: rds,
  AwsRdsDbCluster: rds,
  AwsRedshiftCluster: {
    permissions: ['redshift:DescribeClusters'],
    load: async () => (await import('./tagReaders/redshift.js')).readRedshiftClusterTags,
  },
  AwsApiGatewayStage: { permissions: ['apigateway:GET'], load: async () => (await import('./tagReaders/apigateway.js')).readStageTags },
  AwsCloudFormationStack: { permissions: ['cloudformation:DescribeStacks'], load: async () => (await import('./tagReaders/cloudformation.js')).readStackTags },
  AwsEcsCluster: { permissions: ['ecs:DescribeClusters'], load: async () => (await import('./tagReaders/ecs.js')).readEcsClusterTags },
  AwsEksCluster: { permissions: ['eks:DescribeCluster'], load: async () => (await import('./tagReaders/eks.js')).readEksClusterTags },
  AwsKinesisStream: { permissions: ['kinesis:ListTagsForStream'], load: async () => (await import('./tagReaders/kinesis.js')).readStreamTags },
  AwsCloudWatchAlarm: {
    permissions: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    load: async () => (await import('./tagReaders/cloudwatch.js')).readAlarmTags,
  },
  AwsLogsLogGroup: {
    permissions: ['logs:DescribeLogGroups', 'logs:ListTagsForResource'],
    load: async () => (await import('./tagReaders/logs.js')).readLogGroupTags,
  },
  AwsStepFunctionStateMachine: {
    permissions: ['states:DescribeStateMachine', 'states:ListTagsForResource'],
    load: async () => (await import('./tagReaders/stepfunctions.js')).readStateMachineTags,
  },
  AwsEcrRepository: { permissions: ['ecr:ListTagsForResource'], load: async () => (await import('./tagReaders/ecr.js')).readRepositoryTags },
  AwsElbv2LoadBalancer: {
    permissions: ['elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTags'],
    load: async () => (await import('./tagReaders/elbv2.js')).readLoadBalancerTags,
  },
  AwsSecretsManagerSecret: {
    permissions: ['secretsmanager:DescribeSecret'],
    load: async () => (await import('./tagReaders/secretsmanager.js')).readSecretTags,
  },
  // An account has no resource tags: exempt it in the register, mark it production with `productionAccounts`.
  AwsAccount: { permissions: [], load: async () => async () => ({}) },
};

/** Resource types whose live tags Rectify can read (a test keeps every playbook's type here). */
export const TAG_READABLE_TYPES: readonly string[] = Object.keys(READERS);

/** IAM actions that read the tags of these resource types (all types when none are given). */
export function tagReadPermissions(types: readonly string[] = TAG_READABLE_TYPES): string[] {
  return [...new Set(types.flatMap((type) => READERS[type]?.permissions ?? []))].sort();
}

/** A resource type has no tag reader: its tags cannot vouch for anything, so the check fails closed. */
export class NoTagReaderError extends Error {
  constructor(type: string) {
    super(`Rectify has no way to read the live tags of a ${type}; it will not decide exemption or criticality without them`);
    this.name = 'NoTagReader';
  }
}

/**
 * Live tags of a resource, read with its own service's API. Throws when they cannot be read
 * (denied, throttled, not found, or no reader for the type): callers fail closed.
 */
export async function readResourceTags(aws: AwsClients, type: string, resource: TaggedResource): Promise<Tags> {
  const reader = Object.hasOwn(READERS, type) ? READERS[type] : undefined;
  if (!reader) throw new NoTagReaderError(type);
  return (await reader.load())(aws, resource);
}

/**
 * The values of every tag whose key equals `key` ignoring case. AWS tag keys are case-sensitive,
 * so `Environment` and `environment` can both exist; every check looks at all of them.
 */
export function tagValues(tags: Tags, key: string): string[] {
  const wanted = key.toLowerCase();
  return Object.entries(tags)
    .filter(([k]) => k.toLowerCase() === wanted)
    .map(([, value]) => value);
}

/** The tag-read actions for the resource types these playbooks act on. */
export function tagReadPermissionsFor(playbooks: readonly { readonly resourceType: string }[]): string[] {
  return tagReadPermissions([...new Set(playbooks.map((p) => p.resourceType))]);
}

/**
 * Live tags of a playbook's resource: the playbook's own reader when it declares one, else the
 * reader of its resource type. Throws when they cannot be read.
 */
export async function liveTagsOf(
  playbook: { readTags?(ctx: never): Promise<Tags> },
  ctx: { readonly aws: AwsClients; readonly resource: { readonly id: string; readonly type: string; readonly account: string } },
): Promise<Tags> {
  if (playbook.readTags) return (playbook.readTags as (c: typeof ctx) => Promise<Tags>)(ctx);
  return readResourceTags(ctx.aws, ctx.resource.type, { arn: ctx.resource.id, account: ctx.resource.account });
}
