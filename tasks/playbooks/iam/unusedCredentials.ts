// Shared by the IAM.8 (90 days) and IAM.22 (45 days) playbooks: both check one IAM user's active
// access keys and console password against the AWS Config rule iam-user-unused-credentials-check,
// each with its control's own `maxCredentialUsageAge`.
import { GetAccessKeyLastUsedCommand, IAMClient } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { Impact } from '../../domain/constants.js';
import type { PlanImpact, PlaybookContext, PlaybookDefinition } from '../definePlaybook.js';
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

/** Which control an unused-credentials playbook fixes, and its usage age. */
export interface UnusedCredentialsControl {
  /** The consolidated control id, named in the refusal of a looser setting. */
  readonly control: string;
  /** The control's `maxCredentialUsageAge`, which Security Hub does not let an account change. */
  readonly maxCredentialUsageAge: number;
}

/** Everything of the playbook but what names it (`id`, `title`, `controls`), which each playbook file declares. */
export type UnusedCredentialsBehaviour = Omit<PlaybookDefinition<UnusedCredentialsSnapshot, UnusedCredentialChange, Settings>, 'id' | 'title' | 'controls'>;

/**
 * The settings of a playbook for `control`: `maxUnusedDays` defaults to the control's age and may
 * only be stricter (0 removes every active key and password).
 */
export function unusedCredentialsSettings(control: string, maxAge: number) {
  return z.object({
    maxUnusedDays: z
      .number()
      .int()
      .min(0)
      .max(maxAge, `${control} requires credentials unused for ${maxAge} days to be removed: maxUnusedDays may be at most ${maxAge}`)
      .default(maxAge),
  });
}
type Settings = { maxUnusedDays: number };

/** What apply may change: the user's access keys, and whether the user has a console password. */
export type UnusedCredentialsSnapshot = AccessKeysSnapshot & { consolePassword: boolean };
/** Delete the user's console password (login profile). */
type DeletePasswordChange = { description: string; deleteConsolePassword: true };
export type UnusedCredentialChange = DeactivateChange | DeletePasswordChange;

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
 * The behaviour of a playbook for one control of iam-user-unused-credentials-check: active access keys
 * unused for longer than the age are deactivated (never deleted), an unused console password is
 * deleted (rollback can only recreate it with a random password: the plan says so and is
 * disruptive). Each playbook file spreads it into `definePlaybook` beside its id, title and controls.
 *
 * @example
 * // in removeCredentialsUnused45Days.ts, beside id, title and controls:
 * ...unusedCredentialsBehaviour({ control: 'IAM.22', maxCredentialUsageAge: 45 }),
 */
export function unusedCredentialsBehaviour(options: UnusedCredentialsControl): UnusedCredentialsBehaviour {
  return {
    resourceType: 'AwsIamUser',
    impact: Impact.DISRUPTIVE,
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
    settings: unusedCredentialsSettings(options.control, options.maxCredentialUsageAge),
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
  };
}
