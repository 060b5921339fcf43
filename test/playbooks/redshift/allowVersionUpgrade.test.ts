import { CreateClusterCommand, DescribeClustersCommand, ModifyClusterCommand, RedshiftClient, type Cluster } from '@aws-sdk/client-redshift';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { allowRedshiftVersionUpgrade as playbook } from '../../../tasks/playbooks/redshift/allowVersionUpgrade.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (id: string) => `arn:aws:redshift:us-east-1:123456789012:cluster:${id}`;

describe('allowRedshiftVersionUpgrade (Redshift.6) against moto', () => {
  const aws = useMoto();
  const redshift = () => aws.clients().client(RedshiftClient);

  async function cluster(allowVersionUpgrade: boolean): Promise<string> {
    const id = `warehouse-${crypto.randomUUID().slice(0, 8)}`;
    await redshift().send(
      new CreateClusterCommand({
        ClusterIdentifier: id,
        NodeType: 'ra3.xlplus',
        ClusterType: 'single-node',
        MasterUsername: 'warehouse_admin',
        MasterUserPassword: 'Not-a-real-passw0rd',
        AllowVersionUpgrade: allowVersionUpgrade,
        AutomatedSnapshotRetentionPeriod: 7,
        Tags: [{ Key: 'team', Value: 'analytics' }],
      }),
    );
    return id;
  }
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRedshiftCluster', resourceId: clusterArn(id), controlId: 'Redshift.6' }), aws.clients());
  const describeCluster = async (id: string): Promise<Cluster> => (await redshift().send(new DescribeClustersCommand({ ClusterIdentifier: id }))).Clusters![0]!;
  const otherSettings = async (id: string) => {
    const { AllowVersionUpgrade: _changed, ...rest } = await describeCluster(id);
    return rest;
  };

  it('allows major version upgrades, says why a person approves it, and leaves the rest of the cluster and its neighbour alone', async () => {
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
    expect(snapshot).toEqual({ allowVersionUpgrade: false });
    expect(plan.impact).toEqual({ level: 'disruptive', why: expect.stringMatching(/the cluster restarts/) });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.description).toMatch(new RegExp(`^Set AllowVersionUpgrade on Redshift cluster ${clusterArn(id)} \\(version [^)]+\\): nothing is upgraded now`));
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Redshift cluster ${id} allows automatic major version upgrades` });
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeCluster(neighbour)).AllowVersionUpgrade).toBe(false);
  });

  it('answers non-compliant for a cluster that does not allow upgrades, and again when that is turned off after the fix', async () => {
    // Prepare
    const id = await cluster(false);
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await redshift().send(new ModifyClusterCommand({ ClusterIdentifier: id, AllowVersionUpgrade: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Redshift cluster ${id} does not allow automatic major version upgrades` });
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

  it('plans nothing for a cluster that allows upgrades, and its rollback leaves that on', async () => {
    // Prepare
    const id = await cluster(true);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await describeCluster(id)).AllowVersionUpgrade).toBe(true);
  });

  it('fails the snapshot of a cluster that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-cluster'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
