import { GetAccessKeyLastUsedCommand, IAMClient } from '@aws-sdk/client-iam';
import { z } from 'zod';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import {
  DAY_MS,
  daysSince,
  deactivatePlanned,
  reactivateFromSnapshot,
  readAccessKeys,
  readUserTags,
  type AccessKeyState,
  type AccessKeysSnapshot,
  type DeactivateChange,
} from './accessKeys.js';

const Settings = z.object({
  /**
   * Active keys not used for more than this many days are deactivated; a key never used counts
   * from its creation date. 0 deactivates every active key.
   * @default 90, the `maxCredentialUsageAge` of Security Hub IAM.8 (AWS Config rule iam-user-unused-credentials-check)
   */
  maxUnusedDays: z.number().int().min(0).max(10000).default(90),
});
type Settings = z.infer<typeof Settings>;

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

function isUnused(key: KeyUsage, settings: Settings, now = Date.now()): boolean {
  return now - Date.parse(key.lastUsedAt ?? key.createdAt) > settings.maxUnusedDays * DAY_MS;
}

function describeUsage(key: KeyUsage): string {
  return key.lastUsedAt
    ? `last used ${key.lastUsedAt.slice(0, 10)}, ${daysSince(key.lastUsedAt)} days ago`
    : `never used, created ${key.createdAt.slice(0, 10)}, ${daysSince(key.createdAt)} days ago`;
}

async function unusedKeys(ctx: PlaybookContext<Settings>, keys: readonly AccessKeyState[]): Promise<KeyUsage[]> {
  return (await activeKeyUsage(ctx, keys)).filter((key) => isUnused(key, ctx.settings));
}

/**
 * Deactivates an IAM user's active access keys that were not used for the configured number of
 * days (IAM.8, default 90); a key never used counts from its creation date. Keys are set
 * Inactive, never deleted: rollback re-activates exactly the keys it deactivated. Keys in use,
 * inactive keys, policies, groups and tags are left alone. Out of scope: an unused console
 * password (login profile) is not removed; remove it by hand if the finding is about it.
 * Disruptive: a rarely used key (a yearly job, a break-glass script) stops working.
 */
export const deactivateUnusedAccessKeys = definePlaybook<AccessKeysSnapshot, DeactivateChange, Settings>({
  id: 'iam-deactivate-unused-access-keys',
  title: "Deactivate an IAM user's access keys that were not used recently",
  // Security Hub findings for IAM.8 name the user (AWS::IAM::User → AwsIamUser).
  // CIS v1.4.0+ 1.11/1.12 (45 days) are IAM.22, a different control: not aliases of IAM.8.
  controls: ['IAM.8', 'cis-aws-foundations-benchmark/v/1.2.0/1.3', 'pci-dss/v/3.2.1/PCI.IAM.7'],
  resourceType: 'AwsIamUser',
  impact: 'disruptive',
  permissions: ['iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:UpdateAccessKey', 'iam:ListUserTags'],
  settings: Settings,
  readTags: (ctx) => readUserTags(ctx),

  snapshot: (ctx) => readAccessKeys(ctx),

  async plan(ctx, current) {
    const limit = `limit ${ctx.settings.maxUnusedDays} days`;
    const changes = (await unusedKeys(ctx, current.keys)).map((key) => ({
      accessKeyId: key.accessKeyId,
      description: `Deactivate access key ${key.accessKeyId} of IAM user ${current.userName}: ${describeUsage(key)} (${limit})`,
    }));
    const summary = changes.length
      ? `Deactivate ${changes.length} access key(s) of IAM user ${current.userName} unused for more than ${ctx.settings.maxUnusedDays} days`
      : `IAM user ${current.userName} has no active access key unused for more than ${ctx.settings.maxUnusedDays} days`;
    return { summary, changes };
  },

  async apply(ctx, plan) {
    // Only planned keys, and only those still unused: a key used while approval was pending is in use.
    const stillUnused = new Set((await unusedKeys(ctx, (await readAccessKeys(ctx)).keys)).map((key) => key.accessKeyId));
    await deactivatePlanned(ctx, plan.changes.filter((change) => stillUnused.has(change.accessKeyId)));
  },

  async verify(ctx) {
    const { userName, keys } = await readAccessKeys(ctx);
    const unused = (await unusedKeys(ctx, keys)).map((key) => key.accessKeyId);
    const limit = `unused for more than ${ctx.settings.maxUnusedDays} days`;
    return unused.length === 0
      ? { compliant: true, detail: `IAM user ${userName} has no active access key ${limit} (console passwords are not checked)` }
      : { compliant: false, detail: `IAM user ${userName} still has active key(s) ${unused.join(', ')} ${limit}` };
  },

  rollback: (ctx, snapshot) => reactivateFromSnapshot(ctx, snapshot),
});
