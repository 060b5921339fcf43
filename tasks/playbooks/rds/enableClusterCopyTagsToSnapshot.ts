import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbCluster, modifyDbCluster, refuse, whyNotModifiableNow } from './dbCluster.js';

type CopyTagsSnapshot = { copyTagsToSnapshot: boolean };

const copyingNow = async (ctx: PlaybookContext<unknown>) => (await describeDbCluster(ctx)).CopyTagsToSnapshot ?? false;

/**
 * Makes an RDS DB cluster copy its tags to the snapshots taken of it from now on. Existing
 * snapshots, the cluster's own tags, connections and data are untouched, hence `non-disruptive`.
 *
 * - Control: RDS.16, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-16
 *   (Aurora DB clusters should be configured to copy tags to DB snapshots)
 * - Config rule: `rds-cluster-copy-tags-to-snapshots-enabled`, a custom Security Hub rule that fails
 *   a cluster whose `CopyTagsToSnapshot` is false: `verify` reads exactly that field.
 *
 * Sent with ApplyImmediately true so `verify` can read the setting back at once, and only to a
 * cluster with no modification pending (ModifyDBCluster applies "the modifications in this
 * request" immediately; refusing a cluster with pending ones keeps them out of it whatever RDS
 * does). A cluster with pending modifications is refused, and the plan says so.
 */
export const enableClusterCopyTagsToSnapshot = definePlaybook<CopyTagsSnapshot, { description: string }>({
  id: 'rds-enable-cluster-copy-tags-to-snapshot',
  title: 'Make an RDS DB cluster copy its tags to snapshots',
  controls: ['RDS.16'],
  resourceType: 'AwsRdsDbCluster',
  impact: 'non-disruptive',
  permissions: ['rds:DescribeDBClusters', 'rds:ModifyDBCluster'],

  snapshot: async (ctx) => ({ copyTagsToSnapshot: await copyingNow(ctx) }),

  async plan(ctx, current) {
    if (current.copyTagsToSnapshot) return { summary: `RDS DB cluster ${ctx.resource.name} already copies its tags to snapshots`, changes: [] };
    const reason = whyNotModifiableNow(await describeDbCluster(ctx), 'applyNow');
    if (reason) refuse(ctx, 'turn on copying tags to snapshots', reason);
    return {
      summary: `Make RDS DB cluster ${ctx.resource.name} copy its tags to snapshots`,
      changes: [
        {
          description:
            `Turn on CopyTagsToSnapshot for RDS DB cluster ${ctx.resource.id} (applied now; nothing else is pending on the cluster): ` +
            'snapshots taken from now on carry the cluster\'s tags; existing snapshots, connections and data are unaffected',
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await copyingNow(ctx))) await modifyDbCluster(ctx, { CopyTagsToSnapshot: true }, 'applyNow');
  },

  async verify(ctx) {
    const copying = await copyingNow(ctx);
    return { compliant: copying, detail: `RDS DB cluster ${ctx.resource.name} ${copying ? 'copies' : 'does not copy'} its tags to snapshots` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.copyTagsToSnapshot && (await copyingNow(ctx))) await modifyDbCluster(ctx, { CopyTagsToSnapshot: false }, 'applyNow');
  },
});
