import { CreateDBClusterCommand, DescribeDBClustersCommand, ModifyDBClusterCommand, RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableClusterAutoMinorVersionUpgrade as playbook } from '../../../tasks/playbooks/rds/enableClusterAutoMinorVersionUpgrade.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:cluster:${id}`;

describe('enableClusterAutoMinorVersionUpgrade (RDS.35) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);

  /** A Multi-AZ DB cluster (the kind RDS.35 evaluates), or a Neptune cluster. */
  async function cluster(autoMinorVersionUpgrade: boolean, engine: 'mysql' | 'neptune' = 'mysql'): Promise<string> {
    const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
    const multiAz = engine === 'mysql' ? { DBClusterInstanceClass: 'db.m5d.large', AllocatedStorage: 100, StorageType: 'io1', Iops: 1000 } : {};
    await rds().send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: engine,
        MasterUsername: 'orders_admin',
        MasterUserPassword: 'not-a-real-password',
        Tags: [{ Key: 'team', Value: 'payments' }],
        ...multiAz,
      }),
    );
    await rds().send(new ModifyDBClusterCommand({ DBClusterIdentifier: id, AutoMinorVersionUpgrade: autoMinorVersionUpgrade }));
    return id;
  }
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRdsDbCluster', resourceId: clusterArn(id), controlId: 'RDS.35' }), aws.clients());
  /** The cluster as RDS describes it, less the clock moto moves on every read. */
  const describeCluster = async (id: string): Promise<DBCluster> => {
    const { LatestRestorableTime: _clock, ...cluster } = (await rds().send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters![0]!;
    return cluster;
  };
  const otherSettings = async (id: string) => {
    const { AutoMinorVersionUpgrade: _changed, ...rest } = await describeCluster(id);
    return rest;
  };

  it('turns on automatic minor version upgrades, says why a person approves it, and leaves the rest alone', async () => {
    // Prepare
    const id = await cluster(false);
    const neighbour = await cluster(false);
    const ctx = contextFor(id);
    const before = await otherSettings(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ autoMinorVersionUpgrade: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/restarts them \(a short outage\)/);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.description).toMatch(
      new RegExp(`^Turn on AutoMinorVersionUpgrade for RDS DB cluster ${clusterArn(id)} \\(mysql [^,]+, applied now; nothing else is pending on the cluster\\): nothing is upgraded now`),
    );
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Automatic minor version upgrade of RDS DB cluster ${id} is enabled` });
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeCluster(neighbour)).AutoMinorVersionUpgrade).toBe(false);
  });

  it('answers non-compliant for a cluster without automatic upgrades, and again when they are turned off after the fix', async () => {
    // Prepare
    const id = await cluster(false);
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBClusterCommand({ DBClusterIdentifier: id, AutoMinorVersionUpgrade: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Automatic minor version upgrade of RDS DB cluster ${id} is disabled` });
    expect(putBack.compliant).toBe(false);
  });

  it('rolls back to no automatic upgrades, and a second rollback changes nothing', async () => {
    // Prepare
    const id = await cluster(false);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await cluster(false);
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

  it('plans nothing for a cluster that already upgrades automatically, and its rollback leaves that on', async () => {
    // Prepare
    const id = await cluster(true);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await describeCluster(id)).AutoMinorVersionUpgrade).toBe(true);
  });

  it('refuses a Neptune cluster, which has no cluster-level setting, and changes nothing', async () => {
    // Prepare
    const id = await cluster(false, 'neptune');
    const ctx = contextFor(id);
    const before = await describeCluster(id);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(/its engine neptune has no cluster-level automatic minor version upgrade setting.*Rectify changed nothing/);
    expect(await describeCluster(id)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('fails the snapshot of a cluster that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-cluster'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
