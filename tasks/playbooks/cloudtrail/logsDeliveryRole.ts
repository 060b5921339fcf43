import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand, type Role } from '@aws-sdk/client-iam';
import { RemediationFailedError } from '../../domain/errors.js';
import { createdByTagList, isCreatedBy, type CreatedResource } from '../createdResources.js';
import type { PlaybookContext } from '../definePlaybook.js';

/**
 * The IAM role CloudTrail assumes to deliver a trail's events to CloudWatch Logs (CloudTrail.5),
 * one per account (IAM is global): it trusts only cloudtrail.amazonaws.com, for this account's
 * trails, and may only create log streams and put events in Rectify's CloudTrail log group.
 */
export const LOGS_ROLE_NAME = 'rectify-cloudtrail-logs';
const POLICY_NAME = 'deliver-to-rectify-cloudtrail-log-group';

export const LOGS_ROLE: CreatedResource = {
  type: 'AWS::IAM::Role',
  monthlyCost: '< $1',
  costBasis: 'IAM roles are free',
};

export const roleArnOf = (ctx: PlaybookContext<unknown, unknown>): string => `arn:${ctx.resource.partition}:iam::${ctx.resource.account}:role/${LOGS_ROLE_NAME}`;

/** The role, or undefined when it does not exist. */
export async function readLogsRole(ctx: PlaybookContext<unknown, unknown>): Promise<Role | undefined> {
  try {
    return (await ctx.aws.client(IAMClient).send(new GetRoleCommand({ RoleName: LOGS_ROLE_NAME }))).Role;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') return undefined;
    throw error;
  }
}

/** Trust: CloudTrail only, acting for a trail of this account (confused-deputy conditions of the CloudTrail guide). */
export function trustPolicy(ctx: PlaybookContext<unknown, unknown>): string {
  const { partition, account } = ctx.resource;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudtrail:*:${account}:trail/*` } },
      },
    ],
  });
}

/** What the role may do: create streams in and put events to the one log group, in any Region (the role is global, the group regional). */
export function deliveryPolicy(ctx: PlaybookContext<unknown, unknown>, logGroupName: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:${ctx.resource.partition}:logs:*:${ctx.resource.account}:log-group:${logGroupName}:log-stream:*`,
      },
    ],
  });
}

/** Create the role (tagged first, with its trust) unless it exists; a role of that name that is not ours is refused. */
export async function ensureLogsRole(ctx: PlaybookContext<unknown, unknown>, playbookId: string, logGroupName: string): Promise<string> {
  const iam = ctx.aws.client(IAMClient);
  const existing = await readLogsRole(ctx);
  if (existing && !isCreatedBy(existing.Tags, playbookId)) {
    throw new RemediationFailedError(
      `IAM role ${LOGS_ROLE_NAME} exists and was not created by ${playbookId}: Rectify does not take over a role it did not make. Name a role in the playbook's settings, or remove that role. Nothing was changed.`,
    );
  }
  if (!existing) {
    await iam.send(
      new CreateRoleCommand({
        RoleName: LOGS_ROLE_NAME,
        AssumeRolePolicyDocument: trustPolicy(ctx),
        Description: 'Lets CloudTrail deliver this account\'s trails to CloudWatch Logs (created by Rectify for CloudTrail.5)',
        Tags: createdByTagList(playbookId),
      }),
    );
  }
  await iam.send(new PutRolePolicyCommand({ RoleName: LOGS_ROLE_NAME, PolicyName: POLICY_NAME, PolicyDocument: deliveryPolicy(ctx, logGroupName) }));
  return roleArnOf(ctx);
}

/** Names of the trails visible here (own and other Regions' multi-Region trails), other than `except`, whose CloudWatch Logs settings match. */
export async function trailsDeliveringWith(ctx: PlaybookContext<unknown, unknown>, match: { roleArn?: string; logGroupArn?: string }, except: string): Promise<string[]> {
  const { trailList = [] } = await ctx.aws.client(CloudTrailClient).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  return trailList
    .filter((t) => t.TrailARN !== except && t.Name !== except)
    .filter((t) => (match.roleArn && t.CloudWatchLogsRoleArn === match.roleArn) || (match.logGroupArn && t.CloudWatchLogsLogGroupArn === match.logGroupArn))
    .map((t) => t.TrailARN ?? t.Name ?? '');
}

/** Delete the role (its inline policy first) when its live tags say `playbookId` made it; otherwise leave it. */
export async function deleteCreatedLogsRole(ctx: PlaybookContext<unknown, unknown>, playbookId: string): Promise<boolean> {
  const role = await readLogsRole(ctx);
  if (!role || !isCreatedBy(role.Tags, playbookId)) return false;
  const iam = ctx.aws.client(IAMClient);
  await iam.send(new DeleteRolePolicyCommand({ RoleName: LOGS_ROLE_NAME, PolicyName: POLICY_NAME })).catch((error: Error) => {
    if (error.name !== 'NoSuchEntityException' && error.name !== 'NoSuchEntity') throw error;
  });
  await iam.send(new DeleteRoleCommand({ RoleName: LOGS_ROLE_NAME }));
  return true;
}
