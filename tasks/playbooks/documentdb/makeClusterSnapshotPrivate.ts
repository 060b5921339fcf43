import { definePlaybook } from '../definePlaybook.js';
import {
  changePublicRestore,
  CLUSTER_SNAPSHOT_SHARING_PERMISSIONS,
  planMakePrivate,
  readClusterSnapshotSharing,
  type ClusterSnapshotSharing,
} from '../rds/clusterSnapshotSharing.js';

/**
 * Stops sharing a manual Amazon DocumentDB cluster snapshot with every AWS account by removing
 * `all` from its `restore` attribute (DocumentDB uses the RDS API and `rds:` actions). The accounts
 * it is shared with by id keep their access, and the snapshot itself is untouched. No running
 * workload reads a snapshot; only restores by accounts that are not named stop working, hence
 * `non-disruptive`, as for RDS.1 and Neptune.3.
 *
 * - Control: DocumentDB.3, https://docs.aws.amazon.com/securityhub/latest/userguide/documentdb-controls.html#documentdb-3
 * - Config rule: docdb-cluster-snapshot-public-prohibited, https://docs.aws.amazon.com/config/latest/developerguide/docdb-cluster-snapshot-public-prohibited.html
 *   (NON_COMPLIANT when a DocumentDB manual cluster snapshot is public, that is `all` is in its
 *   `restore` attribute): `verify` reads exactly that attribute.
 *
 * The calls are Neptune.3's (../rds/clusterSnapshotSharing.ts), which run against moto; moto
 * 5.2.1 cannot create a DocumentDB cluster (CreateDBCluster refuses Engine `docdb`), so no
 * DocumentDB snapshot can exist there and this playbook is tested with aws-sdk-client-mock.
 */
export const makeDocumentDbClusterSnapshotPrivate = definePlaybook<ClusterSnapshotSharing, { description: string }>({
  id: 'documentdb-make-cluster-snapshot-private',
  title: 'Stop sharing a DocumentDB manual cluster snapshot publicly',
  controls: ['DocumentDB.3'],
  resourceType: 'AwsRdsDbClusterSnapshot',
  impact: 'non-disruptive',
  permissions: CLUSTER_SNAPSHOT_SHARING_PERMISSIONS,
  notEmulated: "moto 5.2.1 has no DocumentDB: its RDS CreateDBCluster refuses Engine 'docdb', so no DocumentDB cluster snapshot can be set up",

  snapshot: (ctx) => readClusterSnapshotSharing(ctx),

  plan: (ctx, current) => planMakePrivate(ctx, current, 'DocumentDB'),

  async apply(ctx) {
    if ((await readClusterSnapshotSharing(ctx)).public) await changePublicRestore(ctx, 'ValuesToRemove');
  },

  async verify(ctx) {
    const { public: open } = await readClusterSnapshotSharing(ctx);
    return { compliant: !open, detail: `DocumentDB cluster snapshot ${ctx.resource.name} is ${open ? 'still shared with all AWS accounts' : 'not public'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.public && !(await readClusterSnapshotSharing(ctx)).public) await changePublicRestore(ctx, 'ValuesToAdd');
  },
});
