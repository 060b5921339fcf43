import { definePlaybook } from '../definePlaybook.js';
import {
  changePublicRestore,
  CLUSTER_SNAPSHOT_SHARING_PERMISSIONS,
  planMakePrivate,
  readClusterSnapshotSharing,
  type ClusterSnapshotSharing,
} from '../rds/clusterSnapshotSharing.js';

/**
 * Stops sharing a manual Neptune DB cluster snapshot with every AWS account by removing `all`
 * from its `restore` attribute (Neptune uses the RDS API and `rds:` actions). The accounts it is
 * shared with by id keep their access, and the snapshot itself is untouched. No running workload
 * reads a snapshot; only restores by accounts that are not named stop working, hence
 * `non-disruptive`, as for RDS.1.
 *
 * - Control: Neptune.3, https://docs.aws.amazon.com/securityhub/latest/userguide/neptune-controls.html#neptune-3
 * - Config rule: neptune-cluster-snapshot-public-prohibited, https://docs.aws.amazon.com/config/latest/developerguide/neptune-cluster-snapshot-public-prohibited.html
 *   (NON_COMPLIANT when a Neptune manual cluster snapshot is public, that is `all` is in its
 *   `restore` attribute): `verify` reads exactly that attribute.
 */
export const makeNeptuneClusterSnapshotPrivate = definePlaybook<ClusterSnapshotSharing, { description: string }>({
  id: 'neptune-make-cluster-snapshot-private',
  title: 'Stop sharing a Neptune DB cluster snapshot publicly',
  controls: ['Neptune.3'],
  resourceType: 'AwsRdsDbClusterSnapshot',
  impact: 'non-disruptive',
  permissions: CLUSTER_SNAPSHOT_SHARING_PERMISSIONS,

  snapshot: (ctx) => readClusterSnapshotSharing(ctx),

  plan: (ctx, current) => planMakePrivate(ctx, current, 'Neptune'),

  async apply(ctx) {
    if ((await readClusterSnapshotSharing(ctx)).public) await changePublicRestore(ctx, 'ValuesToRemove');
  },

  async verify(ctx) {
    const { public: open } = await readClusterSnapshotSharing(ctx);
    return { compliant: !open, detail: `Neptune cluster snapshot ${ctx.resource.name} is ${open ? 'still shared with all AWS accounts' : 'not public'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.public && !(await readClusterSnapshotSharing(ctx)).public) await changePublicRestore(ctx, 'ValuesToAdd');
  },
});
