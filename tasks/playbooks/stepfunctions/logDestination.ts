import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { RemediationFailedError } from '../../domain/errors.js';
import { CREATED_BY_TAG, createdByTags, isCreatedBy, type CreatedResource } from '../createdResources.js';
import type { PlaybookContext } from '../definePlaybook.js';

/** The log group the playbook creates when the state machine has none, and what it costs. */
export const LOG_GROUP: CreatedResource = {
  type: 'AWS::Logs::LogGroup',
  monthlyCost: '< $1',
  costBasis: 'CloudWatch Logs ingestion ($0.50/GB) and storage of the execution history events; most state machines log well under 1 GB a month',
};

/**
 * What a role needs for Step Functions to deliver a state machine's logs to CloudWatch Logs
 * ("IAM policies for logging to CloudWatch Logs", Step Functions Developer Guide). The caller
 * configuring the logging needs the same (see test/permissions/sdkActions.ts).
 */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
] as const;

/** The log group Rectify would create for a state machine: the name the Step Functions console gives it. */
export const logGroupNameFor = (stateMachineName: string) => `/aws/vendedlogs/states/${stateMachineName}-Logs`;

/** The ARN Step Functions takes as a logging destination (`…:log-group:<name>:*`). */
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

/**
 * Refuse, before any change, a state machine whose role cannot deliver logs: IAM's policy
 * simulation of the role for {@link LOG_DELIVERY_ACTIONS}. Rectify does not edit a customer's
 * role; the message names the actions to grant.
 */
export async function requireLogDeliveryRole(ctx: PlaybookContext<unknown>, roleArn: string): Promise<void> {
  const { EvaluationResults = [] } = await ctx.aws
    .client(IAMClient)
    .send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [...LOG_DELIVERY_ACTIONS], ResourceArns: ['*'] }));
  const allowed = new Set(EvaluationResults.filter((r) => r.EvalDecision === 'allowed').map((r) => r.EvalActionName));
  const missing = LOG_DELIVERY_ACTIONS.filter((action) => !allowed.has(action));
  if (missing.length > 0) {
    throw new RemediationFailedError(
      `Cannot turn on logging for state machine ${ctx.resource.id} (finding ${ctx.request.findingId}): its role ${roleArn} is not allowed ` +
        `${missing.join(', ')}, which Step Functions needs to deliver logs to CloudWatch Logs. Rectify does not edit the state machine's role: ` +
        'grant these actions on "*" to the role, then run the remediation again. Nothing was changed.',
    );
  }
}
