import { Impact } from '../../domain/constants.js';
import { definePlaybook } from '../definePlaybook.js';
import { readUserTags, userNameOf } from './accessKeys.js';
import { attachedPolicyArns, attachPolicy, detachPolicy, IdentityKind } from './attachedPolicies.js';

/**
 * The Config rule's `policyArns` for IAM.27, one per partition, exactly as Security Hub sets them
 * (not customizable): an identity with any of them attached fails the control.
 */
export const CLOUDSHELL_FULL_ACCESS_ARNS = [
  'arn:aws:iam::aws:policy/AWSCloudShellFullAccess',
  'arn:aws-cn:iam::aws:policy/AWSCloudShellFullAccess',
  'arn:aws-us-gov:iam::aws:policy/AWSCloudShellFullAccess',
] as const;

const isCloudShellFullAccess = (arn: string) => (CLOUDSHELL_FULL_ACCESS_ARNS as readonly string[]).includes(arn);

/** The user and which of the blocked policies are attached to it (sorted ARNs). */
type CloudShellSnapshot = { userName: string; attached: string[] };
type DetachChange = { description: string; policyArn: string };

async function attachedCloudShell(ctx: Parameters<typeof userNameOf>[0], userName: string): Promise<string[]> {
  return (await attachedPolicyArns(ctx, IdentityKind.USER, userName)).filter(isCloudShellFullAccess);
}

/**
 * Detaches the AWS managed policy `AWSCloudShellFullAccess` from an IAM user, as Security Hub
 * IAM.27 checks it (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-27;
 * AWS Config rule iam-policy-blacklisted-check,
 * https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-blacklisted-check.html, with
 * `policyArns` the policy's ARN in the aws, aws-cn and aws-us-gov partitions): the control fails
 * while an identity has the policy attached, so `verify` reads the user's attached managed policies
 * and fails on any of those ARNs.
 *
 * Only that attachment is removed: the user's other policies, groups, credentials and tags stay,
 * and the policy itself (AWS managed) is never edited. Rollback re-attaches exactly what was
 * detached. Disruptive: the user can no longer open CloudShell, and someone may be using it.
 *
 * IAM.27 also names roles and groups (AWS::IAM::Role, AWS::IAM::Group); a playbook handles one
 * ASFF resource type, so findings on a role or a group end NO_PLAYBOOK and are left to a person.
 */
export const detachCloudShellFullAccess = definePlaybook<CloudShellSnapshot, DetachChange>({
  id: 'iam-detach-cloudshell-full-access',
  title: 'Detach the AWSCloudShellFullAccess managed policy from an IAM user',
  controls: ['IAM.27', 'cis-aws-foundations-benchmark/v/3.0.0/1.22', 'cis-aws-foundations-benchmark/v/5.0.0/1.21'],
  resourceType: 'AwsIamUser',
  impact: Impact.DISRUPTIVE,
  notEmulated:
    'moto 5.2.1 holds no AWS managed policies unless started with MOTO_IAM_LOAD_MANAGED_POLICIES=true (AttachUserPolicy of ' +
    'AWSCloudShellFullAccess answers NoSuchEntity), and the local runtime does not start it so',
  permissions: ['iam:ListAttachedUserPolicies', 'iam:DetachUserPolicy', 'iam:AttachUserPolicy', 'iam:ListUserTags'],
  readTags: (ctx) => readUserTags(ctx),

  async snapshot(ctx) {
    const userName = userNameOf(ctx);
    return { userName, attached: await attachedCloudShell(ctx, userName) };
  },

  plan(_ctx, current) {
    const changes = current.attached.map((policyArn) => ({
      policyArn,
      description:
        `Detach ${policyArn} from IAM user ${current.userName}: the user can no longer use AWS CloudShell ` +
        '(its other policies, groups and credentials stay; rollback re-attaches it)',
    }));
    const summary = changes.length
      ? `Detach AWSCloudShellFullAccess from IAM user ${current.userName}`
      : `IAM user ${current.userName} does not have AWSCloudShellFullAccess attached`;
    return { summary, changes };
  },

  async apply(ctx, plan) {
    const userName = userNameOf(ctx);
    for (const change of plan.changes) {
      if (isCloudShellFullAccess(change.policyArn)) await detachPolicy(ctx, IdentityKind.USER, userName, change.policyArn);
    }
  },

  async verify(ctx) {
    const userName = userNameOf(ctx);
    const attached = await attachedCloudShell(ctx, userName);
    return attached.length === 0
      ? { compliant: true, detail: `IAM user ${userName} does not have AWSCloudShellFullAccess attached` }
      : { compliant: false, detail: `IAM user ${userName} still has ${attached.join(', ')} attached` };
  },

  async rollback(ctx, snapshot) {
    const now = new Set(await attachedCloudShell(ctx, snapshot.userName));
    for (const policyArn of snapshot.attached) {
      if (!now.has(policyArn)) await attachPolicy(ctx, IdentityKind.USER, snapshot.userName, policyArn);
    }
  },
});
