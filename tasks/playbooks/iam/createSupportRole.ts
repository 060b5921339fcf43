import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  paginateListEntitiesForPolicy,
  type Role,
} from '@aws-sdk/client-iam';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The role Rectify creates, and the tag that says Rectify created it (rollback deletes only such a role). */
export const SUPPORT_ROLE_NAME = 'rectify-aws-support';
const CREATED_BY = { Key: 'rectify:created-by', Value: 'iam-create-support-role' } as const;

/**
 * Who holds AWSSupportAccess (`Role:name`, `User:name`, `Group:name`, sorted), and whether the role
 * Rectify would create exists: `absent`, `rectify` (tagged as Rectify's) or `other` (someone else's).
 */
type SupportRoleSnapshot = { holders: string[]; supportRole: 'absent' | 'rectify' | 'other' };

const policyArn = (ctx: PlaybookContext<unknown>) => `arn:${ctx.resource.partition}:iam::aws:policy/AWSSupportAccess`;

async function holdersOf(ctx: PlaybookContext<unknown>): Promise<string[]> {
  const holders: string[] = [];
  for await (const page of paginateListEntitiesForPolicy({ client: ctx.aws.client(IAMClient) }, { PolicyArn: policyArn(ctx) })) {
    holders.push(...(page.PolicyRoles ?? []).map((r) => `Role:${r.RoleName}`));
    holders.push(...(page.PolicyUsers ?? []).map((u) => `User:${u.UserName}`));
    holders.push(...(page.PolicyGroups ?? []).map((g) => `Group:${g.GroupName}`));
  }
  return holders.sort();
}

async function supportRole(ctx: PlaybookContext<unknown>): Promise<Role | undefined> {
  try {
    return (await ctx.aws.client(IAMClient).send(new GetRoleCommand({ RoleName: SUPPORT_ROLE_NAME }))).Role;
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchEntityException') return undefined;
    throw error;
  }
}

const isRectifys = (role: Role) => (role.Tags ?? []).some((tag) => tag.Key === CREATED_BY.Key && tag.Value === CREATED_BY.Value);
const roleState = (role: Role | undefined): SupportRoleSnapshot['supportRole'] => (!role ? 'absent' : isRectifys(role) ? 'rectify' : 'other');

/** Trust the account itself: its own IAM policies then decide who may assume the role. */
function trustPolicy(ctx: PlaybookContext<unknown>): string {
  const root = `arn:${ctx.resource.partition}:iam::${ctx.resource.account}:root`;
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole' }] });
}

/** Why creating the role is disruptive, though nothing running changes: it opens a new way in, and a person should decide who uses it. */
const IMPACT = {
  level: 'disruptive',
  why:
    `it creates the IAM role ${SUPPORT_ROLE_NAME} with AWSSupportAccess, trusted by the account: every principal of the account whose own ` +
    'policies allow sts:AssumeRole on it (a policy allowing sts:AssumeRole on "*" does) can then open, read and close AWS Support cases. IAM roles cost nothing',
} as const;

/**
 * Makes sure someone can manage incidents with AWS Support (IAM.18,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-18; AWS Config rule
 * `iam-policy-in-use`, https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-in-use.html,
 * with `policyARN` AWSSupportAccess and `policyUsageType` ANY): the account passes when the AWS
 * managed policy AWSSupportAccess is attached to any user, group or role, and `verify` reads exactly
 * that with ListEntitiesForPolicy.
 *
 * When nothing holds it, creates the role `rectify-aws-support`, trusted by the account's root (the
 * account's IAM policies decide who may assume it), tagged `rectify:created-by`, and attaches
 * AWSSupportAccess to it. Nothing else is created or changed. A role of that name Rectify did not
 * create is refused, never adopted. Rollback detaches the policy when nothing held it before, and
 * deletes the role when this run created it (it is tagged as Rectify's). Disruptive ({@link IMPACT}).
 */
export const createSupportRole = definePlaybook<SupportRoleSnapshot, { description: string }>({
  id: 'iam-create-support-role',
  title: 'Create a role for managing incidents with AWS Support',
  controls: [
    'IAM.18',
    'cis-aws-foundations-benchmark/v/1.2.0/1.20',
    'cis-aws-foundations-benchmark/v/1.4.0/1.17',
    'cis-aws-foundations-benchmark/v/3.0.0/1.17',
    'cis-aws-foundations-benchmark/v/5.0.0/1.16',
  ],
  resourceType: 'AwsAccount',
  impact: IMPACT.level,
  notEmulated:
    'moto 5.2.1 holds no AWS managed policies unless started with MOTO_IAM_LOAD_MANAGED_POLICIES=true (AttachRolePolicy of ' +
    'AWSSupportAccess answers NoSuchEntity), and the local runtime does not start it so',
  permissions: [
    'iam:ListEntitiesForPolicy',
    'iam:GetRole',
    'iam:CreateRole',
    // CreateRole with Tags: IAM authorizes the tags with iam:TagRole.
    'iam:TagRole',
    'iam:AttachRolePolicy',
    'iam:DetachRolePolicy',
    'iam:DeleteRole',
  ],
  // The account itself carries no tags.
  readTags: async () => ({}),

  snapshot: async (ctx) => ({ holders: await holdersOf(ctx), supportRole: roleState(await supportRole(ctx)) }),

  plan(ctx, current) {
    if (current.holders.length > 0) {
      return { summary: `AWSSupportAccess is attached to ${current.holders.join(', ')} in account ${ctx.resource.account}`, changes: [] };
    }
    if (current.supportRole === 'other') {
      throw new RemediationFailedError(
        `account ${ctx.resource.account} already has a role named ${SUPPORT_ROLE_NAME} that Rectify did not create (finding ${ctx.request.findingId}): ` +
          'Rectify changed nothing; attach AWSSupportAccess to a role of your choice by hand, or rename that role.',
      );
    }
    const create = current.supportRole === 'absent' ? [{ description: `Create the IAM role ${SUPPORT_ROLE_NAME}, trusted by account ${ctx.resource.account}, tagged ${CREATED_BY.Key}` }] : [];
    return {
      summary: `Give account ${ctx.resource.account} a role for AWS Support: ${SUPPORT_ROLE_NAME} with AWSSupportAccess (${IMPACT.level}: ${IMPACT.why})`,
      changes: [...create, { description: `Attach the AWS managed policy AWSSupportAccess to ${SUPPORT_ROLE_NAME}` }],
      impact: IMPACT,
    };
  },

  async apply(ctx) {
    if ((await holdersOf(ctx)).length > 0) return;
    const iam = ctx.aws.client(IAMClient);
    const role = await supportRole(ctx);
    if (role && !isRectifys(role)) throw new RemediationFailedError(`a role named ${SUPPORT_ROLE_NAME} that Rectify did not create appeared in account ${ctx.resource.account}; Rectify left it alone`);
    if (!role) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: SUPPORT_ROLE_NAME,
          AssumeRolePolicyDocument: trustPolicy(ctx),
          Description: 'Manages incidents with AWS Support (Security Hub IAM.18); created by Rectify',
          Tags: [CREATED_BY],
        }),
      );
    }
    await iam.send(new AttachRolePolicyCommand({ RoleName: SUPPORT_ROLE_NAME, PolicyArn: policyArn(ctx) }));
  },

  async verify(ctx) {
    const holders = await holdersOf(ctx);
    return {
      compliant: holders.length > 0,
      detail: holders.length > 0 ? `AWSSupportAccess is attached to ${holders.join(', ')} (IAM.18)` : `Nothing in account ${ctx.resource.account} holds AWSSupportAccess (IAM.18)`,
    };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.holders.length > 0 || snapshot.supportRole === 'other') return;
    const role = await supportRole(ctx);
    if (!role || !isRectifys(role)) return;
    const iam = ctx.aws.client(IAMClient);
    try {
      await iam.send(new DetachRolePolicyCommand({ RoleName: SUPPORT_ROLE_NAME, PolicyArn: policyArn(ctx) }));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'NoSuchEntityException')) throw error;
    }
    // A role of Rectify's that was there before (from an earlier run) stays, without the policy, as it was.
    if (snapshot.supportRole === 'absent') await iam.send(new DeleteRoleCommand({ RoleName: SUPPORT_ROLE_NAME }));
  },
});
