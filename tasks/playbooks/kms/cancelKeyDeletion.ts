import {
  CancelKeyDeletionCommand,
  DescribeKeyCommand,
  EnableKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

const Settings = z.object({
  /**
   * Enable the key after cancelling its deletion: KMS leaves a key whose deletion is cancelled
   * disabled, so nothing can use it until someone enables it. KMS.3 checks only that no deletion is
   * scheduled, so `false` passes the control as well; it keeps the key unusable for a person to
   * decide. @default true
   */
  enableKey: z.boolean().default(true),
});
type Settings = z.infer<typeof Settings>;

/**
 * The key's state, and for a key pending deletion the waiting period left, in whole days rounded
 * up and within the 7 to 30 days KMS accepts: the window rollback schedules again. A deletion due
 * in 3 days is stored as 7, the shortest KMS allows, so a fresh snapshot after rollback equals it.
 */
type KeyDeletionSnapshot = { keyState: string; deletionWindowInDays: number | null };

const DAY_MS = 24 * 60 * 60 * 1000;
const SCHEDULED = new Set(['PendingDeletion', 'PendingReplicaDeletion']);

async function describeKey(ctx: PlaybookContext<unknown>): Promise<KeyMetadata> {
  const { KeyMetadata: key } = await ctx.aws.client(KMSClient).send(new DescribeKeyCommand({ KeyId: ctx.resource.name }));
  if (!key) throw new RemediationFailedError(`DescribeKey returned no metadata for ${ctx.resource.id} (finding ${ctx.request.findingId})`);
  return key;
}

function windowLeft(key: KeyMetadata, now = Date.now()): number | null {
  if (key.KeyState !== 'PendingDeletion' || !key.DeletionDate) return null;
  const days = Math.ceil((key.DeletionDate.getTime() - now) / DAY_MS);
  return Math.min(30, Math.max(7, days));
}

const snapshotOf = (key: KeyMetadata): KeyDeletionSnapshot => ({ keyState: key.KeyState ?? 'Unknown', deletionWindowInDays: windowLeft(key) });

/** Why Rectify will not cancel this key's deletion itself, or undefined when it will. */
function whyNotCancellable(key: KeyMetadata): string | undefined {
  if (key.KeyManager === 'AWS') return 'it is an AWS managed key, whose life cycle AWS manages';
  if (key.KeyState === 'PendingReplicaDeletion') {
    return 'it is a multi-Region primary key waiting for its replicas to be deleted: cancel the deletion of its replicas first, then of this key';
  }
  return undefined;
}

/**
 * Why cancelling a deletion is disruptive, though it deletes nothing: it overrules a person who
 * scheduled it, makes the key usable again, and keeps a key that is billed.
 */
const IMPACT = {
  level: 'disruptive',
  why:
    'it reverses a deletion someone scheduled: if that was intended (a decommissioned workload, erasing data by destroying its key), ' +
    'the key and everything encrypted under it stay recoverable; an enabled key can encrypt and decrypt again for whoever its policy ' +
    'and grants allow; and a customer managed key stays billed monthly while it exists',
} as const;

/**
 * Cancels the scheduled deletion of a customer managed KMS key and, unless the policy's settings
 * say otherwise, enables it again (KMS.3,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-3; AWS Config rule
 * `kms-cmk-not-scheduled-for-deletion-2`, a custom Security Hub rule: it fails a key scheduled for
 * deletion). `verify` is that condition: the key's state is neither PendingDeletion nor
 * PendingReplicaDeletion. Key policy, grants, aliases, rotation and tags stay as they are.
 *
 * Disruptive ({@link IMPACT}): it waits for a person under the default policy, who knows whether the
 * deletion was a mistake. Rollback schedules the deletion again with the waiting period that was
 * left (whole days, at least the 7 days KMS requires: it never deletes earlier than before).
 * Refuses AWS managed keys and multi-Region primary keys waiting for their replicas' deletion.
 */
export const cancelKeyDeletion = definePlaybook<KeyDeletionSnapshot, { description: string }, Settings>({
  id: 'kms-cancel-key-deletion',
  title: 'Cancel the scheduled deletion of a KMS key',
  controls: ['KMS.3'],
  resourceType: 'AwsKmsKey',
  impact: IMPACT.level,
  permissions: ['kms:DescribeKey', 'kms:CancelKeyDeletion', 'kms:EnableKey', 'kms:ScheduleKeyDeletion'],
  settings: Settings,

  snapshot: async (ctx) => snapshotOf(await describeKey(ctx)),

  async plan(ctx, current) {
    if (!SCHEDULED.has(current.keyState)) return { summary: `KMS key ${ctx.resource.name} is not scheduled for deletion`, changes: [] };
    const reason = whyNotCancellable(await describeKey(ctx));
    if (reason) {
      throw new RemediationFailedError(
        `Cannot cancel the deletion of KMS key ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. ` +
          'Rectify changed nothing; cancel it by hand if the deletion is a mistake, or suppress the finding.',
      );
    }
    const changes = [
      { description: `Cancel the deletion of KMS key ${ctx.resource.id}, scheduled to happen within ${current.deletionWindowInDays} day(s)` },
      ...(ctx.settings.enableKey ? [{ description: `Enable KMS key ${ctx.resource.id} (KMS leaves a key whose deletion is cancelled disabled)` }] : []),
    ];
    return { summary: `Cancel the scheduled deletion of KMS key ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`, changes, impact: IMPACT };
  },

  async apply(ctx) {
    const kms = ctx.aws.client(KMSClient);
    const key = await describeKey(ctx);
    if (key.KeyState === 'PendingDeletion') await kms.send(new CancelKeyDeletionCommand({ KeyId: ctx.resource.name }));
    // Only a key this run took out of PendingDeletion: a key someone disabled on purpose stays disabled.
    if (ctx.settings.enableKey && key.KeyState === 'PendingDeletion') await kms.send(new EnableKeyCommand({ KeyId: ctx.resource.name }));
  },

  async verify(ctx) {
    const { KeyState: state } = await describeKey(ctx);
    const scheduled = SCHEDULED.has(state ?? '');
    return { compliant: !scheduled, detail: `KMS key ${ctx.resource.name} is ${state}${scheduled ? ': its deletion is scheduled' : ''} (KMS.3)` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.keyState !== 'PendingDeletion' || snapshot.deletionWindowInDays === null) return;
    if ((await describeKey(ctx)).KeyState === 'PendingDeletion') return;
    await ctx.aws
      .client(KMSClient)
      .send(new ScheduleKeyDeletionCommand({ KeyId: ctx.resource.name, PendingWindowInDays: snapshot.deletionWindowInDays }));
  },
});
