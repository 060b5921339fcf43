import {
  DescribeSnapshotAttributeCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
  paginateDescribeSnapshots,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

type PublicSnapshot = { snapshotId: string; description: string | null };
type PublicSnapshotsSnapshot = { publicSnapshots: PublicSnapshot[] };
type MakePrivateChange = { description: string; snapshotId: string };

/** The `createVolumePermission` group that makes a snapshot restorable by every AWS account. */
const EVERYONE = 'all';

const where = (ctx: PlaybookContext<unknown>) => `account ${ctx.resource.account} in ${ctx.resource.region}`;

/** True when anyone may create a volume from the snapshot; false too when it no longer exists. */
async function isPublic(ctx: PlaybookContext<unknown>, snapshotId: string): Promise<boolean> {
  try {
    const { CreateVolumePermissions = [] } = await ctx.aws
      .client(EC2Client)
      .send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }));
    return CreateVolumePermissions.some((permission) => permission.Group === EVERYONE);
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidSnapshot.NotFound') return false;
    throw error;
  }
}

/**
 * The account's own snapshots that are restorable by everyone, sorted by id. The listing is
 * narrowed by owner and `RestorableByUserIds`; the snapshot attribute decides, so a listing
 * that ignores the narrowing (as moto's does) still gives the right answer.
 */
async function readPublicSnapshots(ctx: PlaybookContext<unknown>): Promise<PublicSnapshot[]> {
  const pages = paginateDescribeSnapshots(
    { client: ctx.aws.client(EC2Client) },
    { Filters: [{ Name: 'owner-id', Values: [ctx.resource.account] }], RestorableByUserIds: [EVERYONE] },
  );
  const owned: Snapshot[] = [];
  for await (const page of pages) owned.push(...(page.Snapshots ?? []).filter((s) => s.OwnerId === ctx.resource.account));
  const found: PublicSnapshot[] = [];
  for (const snapshot of owned) {
    if (snapshot.SnapshotId && (await isPublic(ctx, snapshot.SnapshotId))) {
      found.push({ snapshotId: snapshot.SnapshotId, description: snapshot.Description || null });
    }
  }
  return found.sort((a, b) => a.snapshotId.localeCompare(b.snapshotId));
}

function setEveryone(ctx: PlaybookContext<unknown>, snapshotId: string, operation: 'add' | 'remove') {
  const modify = new ModifySnapshotAttributeCommand({
    SnapshotId: snapshotId,
    Attribute: 'createVolumePermission',
    OperationType: operation,
    GroupNames: [EVERYONE],
  });
  return ctx.aws.client(EC2Client).send(modify);
}

/**
 * Makes the EBS snapshots of an account and region private (EC2.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-1; AWS Config rule
 * `ebs-snapshot-public-restorable-check`, https://docs.aws.amazon.com/config/latest/developerguide/ebs-snapshot-public-restorable-check.html).
 * The rule fails the account when a snapshot it owns is restorable by `all`; `verify` reads the
 * same: every owned snapshot's `createVolumePermission`, failing on the group `all` and on nothing
 * else. Apply removes that one permission from each such snapshot.
 *
 * Left alone: accounts a snapshot is shared with by id keep their access, snapshots of other
 * owners are never touched, and volumes already created from a public snapshot are unaffected.
 * A public snapshot deleted meanwhile is skipped. Rollback makes public again exactly the
 * snapshots that were public before.
 *
 * Disruptive: a public share may be in use (a published dataset or AMI snapshot other accounts
 * restore), and nothing in the account shows who restores it; those accounts lose access.
 */
export const makeSnapshotsPrivate = definePlaybook<PublicSnapshotsSnapshot, MakePrivateChange>({
  id: 'ec2-make-snapshots-private',
  title: 'Make the public EBS snapshots of an account private',
  controls: ['EC2.1', 'pci-dss/v/3.2.1/PCI.EC2.1'],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  permissions: ['ec2:DescribeSnapshots', 'ec2:DescribeSnapshotAttribute', 'ec2:ModifySnapshotAttribute'],

  snapshot: async (ctx) => ({ publicSnapshots: await readPublicSnapshots(ctx) }),

  plan(ctx, current) {
    const changes = current.publicSnapshots.map(({ snapshotId, description }) => ({
      snapshotId,
      description:
        `Stop sharing EBS snapshot ${snapshotId}${description ? ` ("${description}")` : ''} with everyone: remove the ` +
        `createVolumePermission group "${EVERYONE}"; accounts it is shared with by id keep their access`,
    }));
    if (changes.length === 0) return { summary: `No EBS snapshot of ${where(ctx)} is restorable by everyone`, changes };
    const impact = {
      level: 'disruptive',
      why:
        `any AWS account may be restoring ${changes.map((c) => c.snapshotId).join(', ')} today (a published dataset or image), ` +
        'and loses that access; the account cannot see who restores a public snapshot',
    } as const;
    return { summary: `Make ${changes.length} public EBS snapshot(s) private in ${where(ctx)} (${impact.level}: ${impact.why})`, changes, impact };
  },

  async apply(ctx, plan) {
    // Re-read each one: a snapshot made private or deleted meanwhile is left as it is.
    for (const { snapshotId } of plan.changes) {
      if (await isPublic(ctx, snapshotId)) await setEveryone(ctx, snapshotId, 'remove');
    }
  },

  async verify(ctx) {
    const left = await readPublicSnapshots(ctx);
    return left.length === 0
      ? { compliant: true, detail: `No EBS snapshot of ${where(ctx)} is restorable by everyone` }
      : { compliant: false, detail: `Still public in ${where(ctx)}: ${left.map((s) => s.snapshotId).join(', ')}` };
  },

  async rollback(ctx, snapshot) {
    for (const { snapshotId } of snapshot.publicSnapshots) {
      if (!(await isPublic(ctx, snapshotId))) await setEveryone(ctx, snapshotId, 'add');
    }
  },
});
