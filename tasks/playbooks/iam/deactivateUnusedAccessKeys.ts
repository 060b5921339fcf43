import { GetAccessKeyLastUsedCommand, IAMClient } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { Impact } from '../../domain/constants.js';
import { definePlaybook, type PlanImpact, type PlaybookContext } from '../definePlaybook.js';
import {
  DAY_MS,
  daysSince,
  deactivatePlanned,
  reactivateFromSnapshot,
  readAccessKeys,
  readUserTags,
  userNameOf,
  type AccessKeyState,
  type AccessKeysSnapshot,
  type DeactivateChange,
} from './accessKeys.js';
import { deleteConsolePassword, hasConsolePassword, readConsolePassword, recreateConsolePassword, type ConsolePassword } from './consolePassword.js';

/** IAM.8's `maxCredentialUsageAge`, which Security Hub does not let an account change. */
const IAM_8_MAX_CREDENTIAL_USAGE_AGE = 90;

const Settings = z.object({
  /**
   * Active keys and console passwords not used for more than this many days are removed; one never
   * used counts from its creation date. 0 removes every active key and password. May only be
   * stricter than IAM.8.
   * @default 90, the `maxCredentialUsageAge` of Security Hub IAM.8 (AWS Config rule iam-user-unused-credentials-check)
   */
  maxUnusedDays: z
    .number()
    .int()
    .min(0)
    .max(IAM_8_MAX_CREDENTIAL_USAGE_AGE, `IAM.8 requires credentials unused for ${IAM_8_MAX_CREDENTIAL_USAGE_AGE} days to be removed: maxUnusedDays may be at most ${IAM_8_MAX_CREDENTIAL_USAGE_AGE}`)
    .default(IAM_8_MAX_CREDENTIAL_USAGE_AGE),
});
type Settings = z.infer<typeof Settings>;

/** What apply may change: the user's access keys, and whether the user has a console password. */
type UnusedCredentialsSnapshot = AccessKeysSnapshot & { consolePassword: boolean };
/** Delete the user's console password (login profile). */
type DeletePasswordChange = { description: string; deleteConsolePassword: true };
type UnusedCredentialChange = DeactivateChange | DeletePasswordChange;

const isKeyChange = (change: UnusedCredentialChange): change is DeactivateChange => 'accessKeyId' in change;

/** An active key with the date it was last used, `null` when never. */
type KeyUsage = AccessKeyState & { lastUsedAt: string | null };

async function activeKeyUsage(ctx: PlaybookContext<Settings>, keys: readonly AccessKeyState[]): Promise<KeyUsage[]> {
  const active = keys.filter((key) => key.status === 'Active');
  return Promise.all(
    active.map(async (key) => {
      const { AccessKeyLastUsed } = await ctx.aws.client(IAMClient).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));
      return { ...key, lastUsedAt: AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? null };
    }),
  );
}

/** A credential never used counts from its creation, as AWS's own remediation for this rule counts it. */
function isUnused(credential: { createdAt: string; lastUsedAt: string | null }, settings: Settings, now = Date.now()): boolean {
  return now - Date.parse(credential.lastUsedAt ?? credential.createdAt) > settings.maxUnusedDays * DAY_MS;
}

function describeUsage(credential: { createdAt: string; lastUsedAt: string | null }): string {
  return credential.lastUsedAt
    ? `last used ${credential.lastUsedAt.slice(0, 10)}, ${daysSince(credential.lastUsedAt)} days ago`
    : `never used, created ${credential.createdAt.slice(0, 10)}, ${daysSince(credential.createdAt)} days ago`;
}

async function unusedKeys(ctx: PlaybookContext<Settings>, keys: readonly AccessKeyState[]): Promise<KeyUsage[]> {
  return (await activeKeyUsage(ctx, keys)).filter((key) => isUnused(key, ctx.settings));
}

/** The user's console password when it exists and is unused, else `null`. */
async function unusedPassword(ctx: PlaybookContext<Settings>, userName: string): Promise<ConsolePassword | null> {
  const password = await readConsolePassword(ctx, userName);
  return password && isUnused(password, ctx.settings) ? password : null;
}

/** What the reviewer weighs before a console password is deleted; the approval shows it. */
function passwordImpact(userName: string): PlanImpact {
  return {
    level: Impact.DISRUPTIVE,
    why:
      `IAM user ${userName} can no longer sign in to the AWS Management Console. A rollback cannot bring the old password back ` +
      '(AWS keeps no copy): it creates a new random password that nobody knows, to be changed at first sign-in, so an administrator ' +
      'must set a new password for the person before they can sign in again.',
  };
}

/**
 * Removes an IAM user's credentials that were not used for 90 days, as Security Hub IAM.8 checks
 * them (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-8; AWS
 * Config rule iam-user-unused-credentials-check,
 * https://docs.aws.amazon.com/config/latest/developerguide/iam-user-unused-credentials-check.html,
 * maxCredentialUsageAge 90, which Security Hub does not let an account change): active access keys are
 * deactivated, an unused console password (login profile) is deleted. A credential never used
 * counts from its creation date (a password from its login profile's CreateDate): the Config rule
 * does not document this case, and AWS's own remediation of IAM.8 in Automated Security Response
 * on AWS (RevokeUnusedIAMUserCredentials.py) counts a never-used key or password that way.
 *
 * Keys are set Inactive, never deleted: rollback re-activates exactly the keys it deactivated.
 * A deleted password cannot be restored; rollback recreates a login profile with a random
 * password nobody knows and a reset required, and the plan says so (its impact is disruptive).
 * Keys and passwords in use, inactive keys, policies, groups and tags are left alone.
 * Disruptive: a rarely used key (a yearly job, a break-glass script) stops working.
 */
export const deactivateUnusedAccessKeys = definePlaybook<UnusedCredentialsSnapshot, UnusedCredentialChange, Settings>({
  id: 'iam-deactivate-unused-access-keys',
  title: "Deactivate an IAM user's unused access keys and remove an unused console password",
  // Security Hub findings for IAM.8 name the user (AWS::IAM::User → AwsIamUser).
  // CIS v1.4.0+ 1.11/1.12 (45 days) are IAM.22, a different control: not aliases of IAM.8.
  controls: ['IAM.8', 'cis-aws-foundations-benchmark/v/1.2.0/1.3', 'pci-dss/v/3.2.1/PCI.IAM.7'],
  resourceType: 'AwsIamUser',
  impact: 'disruptive',
  permissions: [
    'iam:ListAccessKeys',
    'iam:GetAccessKeyLastUsed',
    'iam:UpdateAccessKey',
    'iam:ListUserTags',
    'iam:GetLoginProfile',
    'iam:GetUser',
    'iam:DeleteLoginProfile',
    'iam:CreateLoginProfile',
  ],
  settings: Settings,
  readTags: (ctx) => readUserTags(ctx),

  async snapshot(ctx) {
    const keys = await readAccessKeys(ctx);
    return { ...keys, consolePassword: await hasConsolePassword(ctx, keys.userName) };
  },

  async plan(ctx, current) {
    const limit = `limit ${ctx.settings.maxUnusedDays} days`;
    const keys: UnusedCredentialChange[] = (await unusedKeys(ctx, current.keys)).map((key) => ({
      accessKeyId: key.accessKeyId,
      description: `Deactivate access key ${key.accessKeyId} of IAM user ${current.userName}: ${describeUsage(key)} (${limit})`,
    }));
    const password = current.consolePassword ? await unusedPassword(ctx, current.userName) : null;
    const passwordChange: DeletePasswordChange[] = password
      ? [{ deleteConsolePassword: true, description: `Delete the console password of IAM user ${current.userName}: ${describeUsage(password)} (${limit})` }]
      : [];
    const changes = [...keys, ...passwordChange];
    const summary = changes.length
      ? `Remove ${changes.length} credential(s) of IAM user ${current.userName} unused for more than ${ctx.settings.maxUnusedDays} days`
      : `IAM user ${current.userName} has no active access key or console password unused for more than ${ctx.settings.maxUnusedDays} days`;
    return { summary, changes, ...(password ? { impact: passwordImpact(current.userName) } : {}) };
  },

  async apply(ctx, plan) {
    // Only planned credentials, and only those still unused: one used while approval was pending is in use.
    const userName = userNameOf(ctx);
    const stillUnused = new Set((await unusedKeys(ctx, (await readAccessKeys(ctx)).keys)).map((key) => key.accessKeyId));
    await deactivatePlanned(ctx, plan.changes.filter(isKeyChange).filter((change) => stillUnused.has(change.accessKeyId)));
    if (plan.changes.some((change) => !isKeyChange(change)) && (await unusedPassword(ctx, userName))) {
      await deleteConsolePassword(ctx, userName);
    }
  },

  async verify(ctx) {
    const { userName, keys } = await readAccessKeys(ctx);
    const unused = (await unusedKeys(ctx, keys)).map((key) => `access key ${key.accessKeyId}`);
    if (await unusedPassword(ctx, userName)) unused.push('a console password');
    const limit = `unused for more than ${ctx.settings.maxUnusedDays} days`;
    return unused.length === 0
      ? { compliant: true, detail: `IAM user ${userName} has no active access key or console password ${limit}` }
      : { compliant: false, detail: `IAM user ${userName} still has ${unused.join(', ')} ${limit}` };
  },

  async rollback(ctx, snapshot) {
    await reactivateFromSnapshot(ctx, snapshot);
    if (snapshot.consolePassword && !(await hasConsolePassword(ctx, snapshot.userName))) {
      await recreateConsolePassword(ctx, snapshot.userName);
    }
  },
});
