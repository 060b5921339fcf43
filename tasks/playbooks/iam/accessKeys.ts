// Shared by the IAM.3 and IAM.8 playbooks: both deactivate some of one IAM user's access keys.
import {
  IAMClient,
  UpdateAccessKeyCommand,
  paginateListAccessKeys,
  paginateListUserTags,
} from '@aws-sdk/client-iam';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** One access key without its secret: what `apply` may change (its status) and what identifies it. */
export type AccessKeyState = { accessKeyId: string; status: string; createdAt: string };
/**
 * The user's access keys, sorted by id. Last-used dates are left out on purpose: a key still in
 * use moves its date on every call, and a snapshot must read the same again after a rollback.
 */
export type AccessKeysSnapshot = { userName: string; keys: AccessKeyState[] };
export type DeactivateChange = { description: string; accessKeyId: string };

// IAM user ARNs: arn:aws:iam::123456789012:user/alice or …:user/some/path/alice.
const USER_ARN = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:[^/]+\/)*([\w+=,.@-]{1,64})$/;

/** The user name from the finding's `AwsIamUser` resource, or a clear refusal for anything else. */
export function userNameOf(ctx: PlaybookContext<unknown>): string {
  const match = USER_ARN.exec(ctx.resource.id);
  if (!match) {
    throw new RemediationFailedError(
      `Finding ${ctx.request.findingId} names ${ctx.resource.id}, which is not an IAM user ARN: ` +
        'this playbook deactivates the access keys of an AwsIamUser. Rectify changed nothing.',
    );
  }
  return match[1]!;
}

export async function readAccessKeys(ctx: PlaybookContext<unknown>): Promise<AccessKeysSnapshot> {
  const userName = userNameOf(ctx);
  const keys: AccessKeyState[] = [];
  for await (const page of paginateListAccessKeys({ client: ctx.aws.client(IAMClient) }, { UserName: userName })) {
    for (const key of page.AccessKeyMetadata ?? []) {
      if (!key.AccessKeyId) continue;
      const createdAt = (key.CreateDate ?? new Date(0)).toISOString();
      keys.push({ accessKeyId: key.AccessKeyId, status: key.Status ?? 'Inactive', createdAt });
    }
  }
  keys.sort((a, b) => a.accessKeyId.localeCompare(b.accessKeyId));
  return { userName, keys };
}

/** Whole days from `iso` to now, for descriptions a reviewer reads. */
export function daysSince(iso: string, now = Date.now()): number {
  return Math.floor((now - Date.parse(iso)) / DAY_MS);
}

async function setStatus(ctx: PlaybookContext<unknown>, UserName: string, AccessKeyId: string, Status: 'Active' | 'Inactive') {
  await ctx.aws.client(IAMClient).send(new UpdateAccessKeyCommand({ UserName, AccessKeyId, Status }));
}

/** Deactivate the planned keys that are still active. Never deletes: a key can be re-activated. */
export async function deactivatePlanned(ctx: PlaybookContext<unknown>, changes: readonly DeactivateChange[]): Promise<void> {
  const { userName, keys } = await readAccessKeys(ctx);
  const planned = new Set(changes.map((change) => change.accessKeyId));
  for (const key of keys) {
    if (planned.has(key.accessKeyId) && key.status === 'Active') await setStatus(ctx, userName, key.accessKeyId, 'Inactive');
  }
}

/**
 * Re-activate the keys the snapshot recorded as active and that are inactive now: the keys
 * `apply` deactivated. Keys created since, and keys that were inactive before, are left alone.
 */
export async function reactivateFromSnapshot(ctx: PlaybookContext<unknown>, snapshot: AccessKeysSnapshot): Promise<void> {
  const current = new Map((await readAccessKeys(ctx)).keys.map((key) => [key.accessKeyId, key.status]));
  const deactivated = snapshot.keys.filter((key) => key.status === 'Active' && current.get(key.accessKeyId) === 'Inactive');
  for (const key of deactivated) await setStatus(ctx, snapshot.userName, key.accessKeyId, 'Active');
}

/** Live tags of the user: the Resource Groups Tagging API does not cover IAM. */
export async function readUserTags(ctx: PlaybookContext<unknown>): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  for await (const page of paginateListUserTags({ client: ctx.aws.client(IAMClient) }, { UserName: userNameOf(ctx) })) {
    for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
  }
  return tags;
}
