import { DescribeDBClusterSnapshotAttributesCommand, ModifyDBClusterSnapshotAttributeCommand, RDSClient } from '@aws-sdk/client-rds';
import type { PlaybookContext, PlannedChange, Plan } from '../definePlaybook.js';

/**
 * The public-sharing state of a manual DB cluster snapshot, read and changed through the RDS API,
 * which also serves Neptune and DocumentDB cluster snapshots (same API, `rds:` IAM actions, ARN
 * `arn:…:rds:…:cluster-snapshot:<name>`). Shared by the Neptune.3 and DocumentDB.3 playbooks.
 */

/** The value of the `restore` attribute that shares a snapshot with every AWS account. */
const EVERYONE = 'all';

/** The RDS actions the helpers below call. */
export const CLUSTER_SNAPSHOT_SHARING_PERMISSIONS = ['rds:DescribeDBClusterSnapshotAttributes', 'rds:ModifyDBClusterSnapshotAttribute'];

export type ClusterSnapshotSharing = {
  /** `all` is in the snapshot's `restore` attribute. */
  public: boolean;
  /** Account ids the snapshot is shared with by name, sorted; never changed here. */
  sharedWithAccounts: string[];
};

/** Read the snapshot's `restore` attribute; fails when the snapshot does not exist. */
export async function readClusterSnapshotSharing(ctx: PlaybookContext<unknown>): Promise<ClusterSnapshotSharing> {
  const { DBClusterSnapshotAttributesResult: result } = await ctx.aws
    .client(RDSClient)
    .send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: ctx.resource.name }));
  const restore = result?.DBClusterSnapshotAttributes?.find((attribute) => attribute.AttributeName === 'restore')?.AttributeValues ?? [];
  return { public: restore.includes(EVERYONE), sharedWithAccounts: restore.filter((value) => value !== EVERYONE).sort() };
}

/** Add or remove `all` (and only `all`) in the snapshot's `restore` attribute. */
export async function changePublicRestore(ctx: PlaybookContext<unknown>, change: 'ValuesToAdd' | 'ValuesToRemove'): Promise<void> {
  await ctx.aws
    .client(RDSClient)
    .send(new ModifyDBClusterSnapshotAttributeCommand({ DBClusterSnapshotIdentifier: ctx.resource.name, AttributeName: 'restore', [change]: [EVERYONE] }));
}

/**
 * The plan that stops public sharing, or an empty one: names the accounts that keep their access.
 * @param service how the snapshot is named to a reviewer: `Neptune`, `DocumentDB`
 */
export function planMakePrivate(ctx: PlaybookContext<unknown>, current: ClusterSnapshotSharing, service: string): Plan<PlannedChange> {
  if (!current.public) return { summary: `${service} cluster snapshot ${ctx.resource.name} is not public`, changes: [] };
  const kept = current.sharedWithAccounts.length
    ? `it stays shared with account(s) ${current.sharedWithAccounts.join(', ')}`
    : 'it is shared with no account by id';
  return {
    summary: `Make ${service} cluster snapshot ${ctx.resource.name} private`,
    changes: [{ description: `Stop sharing ${service} cluster snapshot ${ctx.resource.id} with all AWS accounts (remove "all" from its restore attribute); ${kept}` }],
  };
}
