import { CreateDBClusterCommand, DescribeDBClustersCommand, ModifyDBClusterCommand, RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableClusterCopyTagsToSnapshot as playbook } from '../../../tasks/playbooks/rds/enableClusterCopyTagsToSnapshot.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:cluster:${id}`;

describe('enableClusterCopyTagsToSnapshot (RDS.16) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);

  async function cluster(copyTags = false): Promise<string> {
    const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        MasterUsername: 'orders_admin',
        MasterUserPassword: 'not-a-real-password',
        CopyTagsToSnapshot: copyTags,
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    return id;
  }
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRdsDbCluster', resourceId: clusterArn(id), controlId: 'RDS.16' }), aws.clients());
  /** The cluster as RDS describes it, less the clock moto moves on every read. */
  const describeCluster = async (id: string): Promise<DBCluster> => {
    const { LatestRestorableTime: _clock, ...cluster } = (await rds().send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters![0]!;
    return cluster;
  };
  /** The cluster as RDS describes it, without the field the playbook changes. */
  const otherSettings = async (id: string) => {
    const { CopyTagsToSnapshot: _changed, ...rest } = await describeCluster(id);
    return rest;
  };

  it('turns on copying tags to snapshots and leaves the rest of the cluster and its neighbour alone', async () => {
    // Prepare
    const id = await cluster();
    const neighbour = await cluster();
    const ctx = contextFor(id);
    const before = await otherSettings(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ copyTagsToSnapshot: false });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Turn on CopyTagsToSnapshot for RDS DB cluster ${clusterArn(id)} (applied now; nothing else is pending on the cluster): ` +
        "snapshots taken from now on carry the cluster's tags; existing snapshots, connections and data are unaffected",
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `RDS DB cluster ${id} copies its tags to snapshots` });
    expect((await describeCluster(id)).CopyTagsToSnapshot).toBe(true);
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeCluster(neighbour)).CopyTagsToSnapshot).toBe(false);
  });

  it('answers non-compliant for a cluster that does not copy tags, and again when copying is turned off after the fix', async () => {
    // Prepare
    const id = await cluster();
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBClusterCommand({ DBClusterIdentifier: id, CopyTagsToSnapshot: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `RDS DB cluster ${id} does not copy its tags to snapshots` });
    expect(putBack.compliant).toBe(false);
  });

  it('rolls back to not copying, and a second rollback changes nothing', async () => {
    // Prepare
    const id = await cluster();
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await cluster();
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await describeCluster(id);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await describeCluster(id)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a cluster that copies tags, and its rollback leaves copying on', async () => {
    // Prepare
    const id = await cluster(true);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await describeCluster(id)).CopyTagsToSnapshot).toBe(true);
  });

  it('fails the snapshot of a cluster that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-cluster'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
