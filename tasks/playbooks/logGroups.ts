import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CREATED_BY_TAG, createdByTags, isCreatedBy } from './createdResources.js';
import type { PlaybookContext } from './definePlaybook.js';

// The log groups playbooks create for a service to deliver logs to (Step Functions, RDS, Redshift,
// VPC Flow Logs, CloudTrail): found by exact name, created tagged and with a retention, and removed
// only while still tagged with the playbook's id (docs/decisions/034).

/** A log group's ARN as services take it as a destination (`…:log-group:<name>:*`). */
export const logGroupArnFor = (ctx: PlaybookContext<unknown>, name: string) =>
  `arn:${ctx.resource.partition}:logs:${ctx.resource.region}:${ctx.resource.account}:log-group:${name}:*`;

/** Whether the log group exists (DescribeLogGroups by exact name). */
export async function logGroupExists(ctx: PlaybookContext<unknown>, name: string): Promise<boolean> {
  const { logGroups = [] } = await ctx.aws.client(CloudWatchLogsClient).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return logGroups.some((g) => g.logGroupName === name);
}

/**
 * Create the log group, tagged {@link CREATED_BY_TAG}, with a retention, encrypted with the KMS
 * key given or else by CloudWatch Logs' own keys (every log group is encrypted at rest).
 */
export async function createLogGroup(ctx: PlaybookContext<unknown>, name: string, options: { playbookId: string; retentionInDays: number; kmsKeyId?: string }): Promise<void> {
  const logs = ctx.aws.client(CloudWatchLogsClient);
  await logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: createdByTags(options.playbookId), ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}) }));
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: options.retentionInDays }));
}

/** Delete the log group Rectify created, and only such a one: it must carry {@link CREATED_BY_TAG} with the playbook id. */
export async function deleteCreatedLogGroup(ctx: PlaybookContext<unknown>, name: string, playbookId: string): Promise<void> {
  const logs = ctx.aws.client(CloudWatchLogsClient);
  const resourceArn = logGroupArnFor(ctx, name).replace(/:\*$/, '');
  const { tags = {} } = await logs.send(new ListTagsForResourceCommand({ resourceArn }));
  if (!isCreatedBy(tags, playbookId)) return;
  await logs.send(new DeleteLogGroupCommand({ logGroupName: name }));
}

/** How the plan words a created log group's encryption: the KMS key named in settings, else CloudWatch Logs' own keys. */
export const logGroupEncryption = (kmsKeyId: string | undefined) =>
  kmsKeyId ? `encrypted with KMS key ${kmsKeyId}` : "encrypted at rest with CloudWatch Logs' own keys";
