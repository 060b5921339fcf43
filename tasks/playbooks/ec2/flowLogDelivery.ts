import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListRoleTagsCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { RemediationFailedError } from '../../domain/errors.js';
import { createdByTagList, isCreatedBy, type CreatedResource } from '../createdResources.js';
import type { PlaybookContext } from '../definePlaybook.js';

/**
 * Where a VPC's flow log is delivered when Rectify creates it: a CloudWatch Logs group of its own
 * per VPC, written by a delivery role per region that VPC Flow Logs alone may assume, and only for
 * this account's flow logs of this region (the confused-deputy conditions `aws:SourceAccount` and
 * `aws:SourceArn`, VPC User Guide "IAM role for publishing flow logs to CloudWatch Logs").
 */
export const FLOW_LOG_GROUP: CreatedResource = {
  type: 'AWS::Logs::LogGroup',
  monthlyCost: '$1–10',
  costBasis: 'CloudWatch Logs vended-log ingestion ($0.50/GB, less above 10 TB) and storage ($0.03/GB-month) of the flow log records; rejected traffic alone is usually well under 10 GB a month, all traffic can be far more',
};
export const FLOW_LOG_ROLE: CreatedResource = { type: 'AWS::IAM::Role', monthlyCost: '< $1', costBasis: 'IAM roles are free' };
export const FLOW_LOG: CreatedResource = {
  type: 'AWS::EC2::FlowLog',
  monthlyCost: '< $1',
  costBasis: 'the flow log itself is free; what it delivers is billed on the log group',
};

/** The log group a VPC's flow log is delivered to; the delivery role may write only under this prefix. */
export const FLOW_LOG_GROUP_PREFIX = '/aws/vpc/flow-logs/rectify/';
export const flowLogGroupName = (vpcId: string) => `${FLOW_LOG_GROUP_PREFIX}${vpcId}`;

/** The delivery role of the finding's region: one per region, so rollback in one region never removes another region's role. */
export const flowLogRoleName = (ctx: PlaybookContext<unknown>) => `rectify-vpc-flow-logs-${ctx.resource.region}`;
export const flowLogRoleArn = (ctx: PlaybookContext<unknown>) => `arn:${ctx.resource.partition}:iam::${ctx.resource.account}:role/${flowLogRoleName(ctx)}`;

/** The IAM actions the role helpers call (iam:PassRole is CreateFlowLogs', on the role). */
export const FLOW_LOG_ROLE_PERMISSIONS = ['iam:CreateRole', 'iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:GetRole', 'iam:ListRoleTags', 'iam:PassRole', 'iam:PutRolePolicy', 'iam:TagRole'] as const;

const POLICY_NAME = 'deliver-flow-logs';

/** Trust VPC Flow Logs only, and only for flow logs of this account in this region. */
function trustPolicy(ctx: PlaybookContext<unknown>): string {
  const { partition, region, account } = ctx.resource;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:ec2:${region}:${account}:vpc-flow-log/*` },
        },
      },
    ],
  });
}

/** Write flow log records, only into Rectify's flow log groups of this region. */
function deliveryPolicy(ctx: PlaybookContext<unknown>): string {
  const { partition, region, account } = ctx.resource;
  const groups = `arn:${partition}:logs:${region}:${account}:log-group:${FLOW_LOG_GROUP_PREFIX}*`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
        Resource: [groups, `${groups}:*`],
      },
    ],
  });
}

/** Whether the region's delivery role exists: `undefined` when it does not, its `created-by` ownership when it does. */
export async function existingFlowLogRole(ctx: PlaybookContext<unknown>, playbookId: string): Promise<{ ours: boolean } | undefined> {
  const iam = ctx.aws.client(IAMClient);
  try {
    await iam.send(new GetRoleCommand({ RoleName: flowLogRoleName(ctx) }));
  } catch (error) {
    if (error instanceof NoSuchEntityException || (error as Error).name === 'NoSuchEntity' || (error as Error).name === 'NoSuchEntityException') return undefined;
    throw error;
  }
  const { Tags = [] } = await iam.send(new ListRoleTagsCommand({ RoleName: flowLogRoleName(ctx) }));
  return { ours: isCreatedBy(Tags, playbookId) };
}

/**
 * Create the delivery role, or bring the one Rectify created earlier back to its policies. A role
 * of that name that is not ours is never taken over: the call fails and nothing is changed.
 */
export async function ensureFlowLogRole(ctx: PlaybookContext<unknown>, playbookId: string): Promise<void> {
  const iam = ctx.aws.client(IAMClient);
  const RoleName = flowLogRoleName(ctx);
  const existing = await existingFlowLogRole(ctx, playbookId);
  if (existing && !existing.ours) refuseForeignRole(ctx, playbookId);
  if (!existing) {
    await iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: trustPolicy(ctx),
        Description: 'Rectify: lets VPC Flow Logs of this account and region deliver to Rectify-created log groups (EC2.6)',
        Tags: createdByTagList(playbookId),
      }),
    );
  }
  await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: POLICY_NAME, PolicyDocument: deliveryPolicy(ctx) }));
}

/** Stop, before any change, where a role of the delivery role's name exists that Rectify did not create. */
export function refuseForeignRole(ctx: PlaybookContext<unknown>, playbookId: string): never {
  throw new RemediationFailedError(
    `IAM role ${flowLogRoleName(ctx)} exists and was not created by ${playbookId} (no rectify:created-by tag with that value): Rectify does not take over a role it did not make. Remove or rename it, then run the remediation again. Nothing was changed.`,
  );
}

/** Remove the delivery role Rectify created (its inline policy first), only while its live tags still say so. */
export async function deleteCreatedFlowLogRole(ctx: PlaybookContext<unknown>, playbookId: string): Promise<void> {
  const existing = await existingFlowLogRole(ctx, playbookId);
  if (!existing?.ours) return;
  const iam = ctx.aws.client(IAMClient);
  const RoleName = flowLogRoleName(ctx);
  try {
    await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: POLICY_NAME }));
  } catch (error) {
    if ((error as Error).name !== 'NoSuchEntity' && (error as Error).name !== 'NoSuchEntityException') throw error;
  }
  await iam.send(new DeleteRoleCommand({ RoleName }));
}
