import * as z from 'zod';
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

/** IAM.3's `maxAccessKeyAge`, which Security Hub does not let an account change. */
const IAM_3_MAX_ACCESS_KEY_AGE = 90;

const Settings = z.object({
  /**
   * Active keys created more than this many days ago are deactivated. 0 deactivates every active
   * key. May only be stricter than IAM.3: a longer age would leave keys Security Hub still fails.
   * @default 90, the `maxAccessKeyAge` of Security Hub IAM.3 (AWS Config rule access-keys-rotated)
   */
  maxAccessKeyAgeDays: z
    .number()
    .int()
    .min(0)
    .max(IAM_3_MAX_ACCESS_KEY_AGE, `IAM.3 requires active access keys to be rotated within ${IAM_3_MAX_ACCESS_KEY_AGE} days: maxAccessKeyAgeDays may be at most ${IAM_3_MAX_ACCESS_KEY_AGE}`)
    .default(IAM_3_MAX_ACCESS_KEY_AGE),
});
type Settings = z.infer<typeof Settings>;

function isStale(key: AccessKeyState, settings: Settings, now = Date.now()): boolean {
  return key.status === 'Active' && now - Date.parse(key.createdAt) > settings.maxAccessKeyAgeDays * DAY_MS;
}

function describeKey(ctx: PlaybookContext<Settings>, key: AccessKeyState, userName: string): string {
  return (
    `Deactivate access key ${key.accessKeyId} of IAM user ${userName}: created ${key.createdAt.slice(0, 10)}, ` +
    `${daysSince(key.createdAt)} days ago (limit ${ctx.settings.maxAccessKeyAgeDays} days)`
  );
}

/**
 * Deactivates an IAM user's active access keys older than 90 days, as Security Hub IAM.3 checks
 * them (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-3; AWS
 * Config rule access-keys-rotated,
 * https://docs.aws.amazon.com/config/latest/developerguide/access-keys-rotated.html, maxAccessKeyAge
 * 90, which Security Hub does not let an account change), so a key that was never rotated stops
 * working. Keys are set Inactive, never deleted: rollback re-activates exactly the keys it
 * deactivated. Younger keys, inactive keys, the user's console password, policies, groups and tags
 * are left alone. Disruptive: an application still signing with an old key fails until it is
 * given a new one, so rotate keys in use before approving.
 */
export const deactivateStaleAccessKeys = definePlaybook<AccessKeysSnapshot, DeactivateChange, Settings>({
  id: 'iam-deactivate-stale-access-keys',
  title: "Deactivate an IAM user's access keys older than the rotation period",
  // Security Hub findings for IAM.3 name the user (AWS::IAM::User → AwsIamUser), not the key.
  controls: [
    'IAM.3',
    'cis-aws-foundations-benchmark/v/1.2.0/1.4',
    'cis-aws-foundations-benchmark/v/1.4.0/1.14',
    'cis-aws-foundations-benchmark/v/3.0.0/1.14',
    'cis-aws-foundations-benchmark/v/5.0.0/1.13',
  ],
  resourceType: 'AwsIamUser',
  impact: 'disruptive',
  permissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey', 'iam:ListUserTags'],
  settings: Settings,
  readTags: (ctx) => readUserTags(ctx),

  snapshot: (ctx) => readAccessKeys(ctx),

  plan(ctx, current) {
    const changes = current.keys
      .filter((key) => isStale(key, ctx.settings))
      .map((key) => ({ accessKeyId: key.accessKeyId, description: describeKey(ctx, key, current.userName) }));
    const summary = changes.length
      ? `Deactivate ${changes.length} access key(s) of IAM user ${current.userName} older than ${ctx.settings.maxAccessKeyAgeDays} days`
      : `IAM user ${current.userName} has no active access key older than ${ctx.settings.maxAccessKeyAgeDays} days`;
    return { summary, changes };
  },

  // Only the planned keys: a key that turned stale after the plan was approved is not in it.
  apply: (ctx, plan) => deactivatePlanned(ctx, plan.changes),

  async verify(ctx) {
    const { userName, keys } = await readAccessKeys(ctx);
    const stale = keys.filter((key) => isStale(key, ctx.settings)).map((key) => key.accessKeyId);
    const limit = `older than ${ctx.settings.maxAccessKeyAgeDays} days`;
    return stale.length === 0
      ? { compliant: true, detail: `IAM user ${userName} has no active access key ${limit}` }
      : { compliant: false, detail: `IAM user ${userName} still has active key(s) ${stale.join(', ')} ${limit}` };
  },

  rollback: (ctx, snapshot) => reactivateFromSnapshot(ctx, snapshot),
});
