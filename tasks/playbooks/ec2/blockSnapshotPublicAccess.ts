import {
  DisableSnapshotBlockPublicAccessCommand,
  EC2Client,
  EnableSnapshotBlockPublicAccessCommand,
  GetSnapshotBlockPublicAccessStateCommand,
  paginateDescribeSnapshots,
  type SnapshotBlockPublicAccessState,
} from '@aws-sdk/client-ec2';
import { definePlaybook, type PlanImpact, type PlaybookContext } from '../definePlaybook.js';

type BlockState = SnapshotBlockPublicAccessState;
type SnapshotBlockSnapshot = { state: BlockState };

const where = (ctx: PlaybookContext<unknown>) => `account ${ctx.resource.account} in ${ctx.resource.region}`;

async function readState(ctx: PlaybookContext<unknown>): Promise<BlockState> {
  const { State } = await ctx.aws.client(EC2Client).send(new GetSnapshotBlockPublicAccessStateCommand({}));
  return State ?? 'unblocked';
}

async function setState(ctx: PlaybookContext<unknown>, state: BlockState): Promise<void> {
  const ec2 = ctx.aws.client(EC2Client);
  if (state === 'unblocked') await ec2.send(new DisableSnapshotBlockPublicAccessCommand({}));
  else await ec2.send(new EnableSnapshotBlockPublicAccessCommand({ State: state }));
}

/** The account's snapshots in the region that are public today (shared with `all`): block-all-sharing makes them private. */
async function publicSnapshots(ctx: PlaybookContext<unknown>): Promise<string[]> {
  const ids: string[] = [];
  const pages = paginateDescribeSnapshots({ client: ctx.aws.client(EC2Client) }, { OwnerIds: ['self'], RestorableByUserIds: ['all'] });
  for await (const page of pages) ids.push(...(page.Snapshots ?? []).map((s) => s.SnapshotId ?? '').filter(Boolean));
  return ids.sort();
}

/** Disruptive when snapshots are public today: blocking all sharing takes that access away. */
function impactOf(publicIds: readonly string[]): PlanImpact {
  if (publicIds.length === 0) {
    return { level: 'non-disruptive', why: 'no snapshot of the account is public in this region, so no access in use is cut; only public sharing from now on is refused' };
  }
  const shown = publicIds.slice(0, 5).join(', ') + (publicIds.length > 5 ? ` and ${publicIds.length - 5} more` : '');
  return {
    level: 'disruptive',
    why: `snapshots public today stop being restorable by other accounts: ${shown}; anyone restoring volumes from them loses that access`,
  };
}

/**
 * Turns on block public access for EBS snapshots, `block-all-sharing`, in the finding's account and
 * region (EC2.182, https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-182;
 * AWS Config rule `ebs-snapshot-block-public-access`,
 * https://docs.aws.amazon.com/config/latest/developerguide/ebs-snapshot-block-public-access.html): the
 * control fails unless sharing snapshots with all is blocked, so `block-new-sharing` fails it too, and
 * `verify` passes `block-all-sharing` only. Changes that one regional setting; snapshots' own
 * permissions are not rewritten (with all sharing blocked, public ones are treated as private).
 * Impact is the plan's: disruptive when snapshots are public today. Rollback puts the earlier state back.
 */
export const blockSnapshotPublicAccess = definePlaybook<SnapshotBlockSnapshot, { description: string }>({
  id: 'ec2-block-snapshot-public-access',
  title: 'Block public sharing of EBS snapshots in an account and region',
  controls: ['EC2.182'],
  resourceType: 'AwsAccount',
  impact: 'non-disruptive',
  notEmulated: 'moto 5.2.1 has no EBS snapshot block public access (Get/Enable/DisableSnapshotBlockPublicAccess)',
  permissions: [
    'ec2:GetSnapshotBlockPublicAccessState',
    'ec2:EnableSnapshotBlockPublicAccess',
    'ec2:DisableSnapshotBlockPublicAccess',
    // Which snapshots are public today: the plan's impact.
    'ec2:DescribeSnapshots',
  ],
  // The account itself carries no tags.
  readTags: async () => ({}),

  snapshot: async (ctx) => ({ state: await readState(ctx) }),

  async plan(ctx, current) {
    if (current.state === 'block-all-sharing') return { summary: `Public sharing of EBS snapshots is blocked in ${where(ctx)}`, changes: [] };
    const impact = impactOf(await publicSnapshots(ctx));
    return {
      summary: `Block all public sharing of EBS snapshots in ${where(ctx)} (${impact.level}: ${impact.why})`,
      changes: [{ description: `Set EBS snapshot block public access to block-all-sharing in ${where(ctx)} (now ${current.state})` }],
      impact,
    };
  },

  async apply(ctx) {
    if ((await readState(ctx)) !== 'block-all-sharing') await setState(ctx, 'block-all-sharing');
  },

  async verify(ctx) {
    const state = await readState(ctx);
    return { compliant: state === 'block-all-sharing', detail: `EBS snapshot block public access is ${state} in ${where(ctx)} (EC2.182)` };
  },

  async rollback(ctx, snapshot) {
    if ((await readState(ctx)) !== snapshot.state) await setState(ctx, snapshot.state);
  },
});
