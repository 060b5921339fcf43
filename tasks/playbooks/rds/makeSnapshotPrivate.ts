import { DescribeDBSnapshotAttributesCommand, ModifyDBSnapshotAttributeCommand, RDSClient } from '@aws-sdk/client-rds';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The value of the `restore` attribute that shares a snapshot with every AWS account. */
const EVERYONE = 'all';

type SnapshotSharing = {
  /** `all` is in the snapshot's `restore` attribute. */
  public: boolean;
  /** Account ids the snapshot is shared with by name, sorted; never changed here. */
  sharedWithAccounts: string[];
};

async function readSharing(ctx: PlaybookContext<unknown>): Promise<SnapshotSharing> {
  const { DBSnapshotAttributesResult: result } = await ctx.aws
    .client(RDSClient)
    .send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: ctx.resource.name }));
  const restore = result?.DBSnapshotAttributes?.find((attribute) => attribute.AttributeName === 'restore')?.AttributeValues ?? [];
  return {
    public: restore.includes(EVERYONE),
    sharedWithAccounts: restore.filter((value) => value !== EVERYONE).sort(),
  };
}

async function changeRestoreAttribute(ctx: PlaybookContext<unknown>, change: 'ValuesToAdd' | 'ValuesToRemove'): Promise<void> {
  await ctx.aws
    .client(RDSClient)
    .send(new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: ctx.resource.name, AttributeName: 'restore', [change]: [EVERYONE] }));
}

/**
 * Stops sharing a manual RDS DB snapshot with every AWS account by removing `all` from its
 * `restore` attribute. The accounts it is shared with by id keep their access, and the snapshot
 * itself is untouched. No running workload reads a snapshot; only restores by accounts that are
 * not named stop working, hence `non-disruptive`.
 *
 * - Control: RDS.1, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-1
 * - Config rule: rds-snapshots-public-prohibited, https://docs.aws.amazon.com/config/latest/developerguide/rds-snapshots-public-prohibited.html
 *   (NON_COMPLIANT when a snapshot is public, that is `all` is among the accounts in its
 *   `restore` attribute): `verify` reads exactly that attribute.
 *
 * DB cluster snapshots (AwsRdsDbClusterSnapshot, the rule's other resource type) are out of
 * scope: findings about them get no playbook.
 */
export const makeSnapshotPrivate = definePlaybook<SnapshotSharing, { description: string }>({
  id: 'rds-make-snapshot-private',
  title: 'Stop sharing an RDS DB snapshot publicly',
  controls: ['RDS.1', 'pci-dss/v/3.2.1/PCI.RDS.1'],
  resourceType: 'AwsRdsDbSnapshot',
  impact: 'non-disruptive',
  permissions: ['rds:DescribeDBSnapshotAttributes', 'rds:ModifyDBSnapshotAttribute'],

  snapshot: (ctx) => readSharing(ctx),

  plan(ctx, current) {
    if (!current.public) return { summary: `RDS snapshot ${ctx.resource.name} is not public`, changes: [] };
    const kept = current.sharedWithAccounts.length
      ? `it stays shared with account(s) ${current.sharedWithAccounts.join(', ')}`
      : 'it is shared with no account by id';
    return {
      summary: `Make RDS snapshot ${ctx.resource.name} private`,
      changes: [{ description: `Stop sharing RDS snapshot ${ctx.resource.id} with all AWS accounts (remove "all" from its restore attribute); ${kept}` }],
    };
  },

  async apply(ctx) {
    if ((await readSharing(ctx)).public) await changeRestoreAttribute(ctx, 'ValuesToRemove');
  },

  async verify(ctx) {
    const { public: open } = await readSharing(ctx);
    return { compliant: !open, detail: `RDS snapshot ${ctx.resource.name} is ${open ? 'still shared with all AWS accounts' : 'not public'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.public && !(await readSharing(ctx)).public) await changeRestoreAttribute(ctx, 'ValuesToAdd');
  },
});
