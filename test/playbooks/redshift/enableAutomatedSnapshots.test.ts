import { CreateClusterCommand, DescribeClustersCommand, ModifyClusterCommand, RedshiftClient, type Cluster } from '@aws-sdk/client-redshift';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableRedshiftAutomatedSnapshots as playbook } from '../../../tasks/playbooks/redshift/enableAutomatedSnapshots.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (id: string) => `arn:aws:redshift:us-east-1:123456789012:cluster:${id}`;

describe('enableRedshiftAutomatedSnapshots (Redshift.3) against moto', () => {
  const aws = useMoto();
  const redshift = () => aws.clients().client(RedshiftClient);

  async function cluster(retentionDays: number): Promise<string> {
    const id = `warehouse-${crypto.randomUUID().slice(0, 8)}`;
    await redshift().send(
      new CreateClusterCommand({
        ClusterIdentifier: id,
        NodeType: 'ra3.xlplus',
        ClusterType: 'single-node',
        MasterUsername: 'warehouse_admin',
        MasterUserPassword: 'Not-a-real-passw0rd',
        AllowVersionUpgrade: false,
        Tags: [{ Key: 'team', Value: 'analytics' }],
      }),
    );
    await redshift().send(new ModifyClusterCommand({ ClusterIdentifier: id, AutomatedSnapshotRetentionPeriod: retentionDays }));
    return id;
  }
  function contextFor(id: string, { parameters, settings }: { parameters?: Record<string, string[]>; settings?: unknown } = {}) {
    const request = requestFor({ resourceType: 'AwsRedshiftCluster', resourceId: clusterArn(id), controlId: 'Redshift.3', controlParameters: parameters });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }
  const describeCluster = async (id: string): Promise<Cluster> => (await redshift().send(new DescribeClustersCommand({ ClusterIdentifier: id }))).Clusters![0]!;
  const otherSettings = async (id: string) => {
    const { AutomatedSnapshotRetentionPeriod: _changed, ...rest } = await describeCluster(id);
    return rest;
  };

  it('turns automated snapshots on for 7 days, states the cost, and leaves the rest of the cluster and its neighbour alone', async () => {
    // Prepare
    const id = await cluster(0);
    const neighbour = await cluster(0);
    const ctx = contextFor(id);
    const before = await otherSettings(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ automatedSnapshotRetentionPeriod: 0 });
    expect(plan.impact).toEqual({ level: 'disruptive', why: expect.stringMatching(/^automated snapshot storage beyond the cluster's free allowance is billed \(all of it on RA3 node types, ra3\.xlplus here\)/) });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Set the automated snapshot retention of Redshift cluster ${clusterArn(id)} from 0 (automated snapshots off) to 7 days ` +
        "(Security Hub's default): billed as snapshot storage; the snapshot schedule and manual snapshots are unchanged",
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Redshift cluster ${id} keeps automated snapshots 7 days; Redshift.3 requires at least 7` });
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeCluster(neighbour)).AutomatedSnapshotRetentionPeriod).toBe(0);
  });

  it('answers non-compliant for snapshots off, for one day, and below the finding\'s MinRetentionPeriod', async () => {
    // Prepare
    const off = await cluster(0);
    const oneDay = await cluster(1);
    const week = await cluster(7);
    // Act
    const results = await Promise.all([
      playbook.verify(contextFor(off)),
      playbook.verify(contextFor(oneDay)),
      playbook.verify(contextFor(week, { parameters: { MinRetentionPeriod: ['14'] } })),
      playbook.verify(contextFor(week)),
    ]);
    // Assess
    expect(results.map((result) => result.compliant)).toEqual([false, false, false, true]);
    expect(results[2]!.detail).toBe(`Redshift cluster ${week} keeps automated snapshots 7 days; Redshift.3 requires at least 14`);
  });

  it('fixes to the finding\'s MinRetentionPeriod, and a stricter setting wins over it', async () => {
    // Prepare
    const byParameter = await cluster(7);
    const bySetting = await cluster(7);
    const parameterCtx = contextFor(byParameter, { parameters: { MinRetentionPeriod: ['14'] } });
    const settingCtx = contextFor(bySetting, { parameters: { MinRetentionPeriod: ['14'] }, settings: { retentionPeriodDays: 21 } });
    // Act
    const parameterPlan = await playbook.plan(parameterCtx, await playbook.snapshot(parameterCtx));
    await playbook.apply(parameterCtx, parameterPlan);
    const settingPlan = await playbook.plan(settingCtx, await playbook.snapshot(settingCtx));
    await playbook.apply(settingCtx, settingPlan);
    // Assess
    expect(parameterPlan.changes[0]!.description).toContain("from 7 days to 14 days (from the finding's control parameters)");
    expect(settingPlan.changes[0]!.description).toContain("from 7 days to 21 days (from the policy's playbook settings)");
    expect((await describeCluster(byParameter)).AutomatedSnapshotRetentionPeriod).toBe(14);
    expect((await describeCluster(bySetting)).AutomatedSnapshotRetentionPeriod).toBe(21);
  });

  it('refuses a setting looser than the finding\'s parameter, and an invalid parameter, before changing anything', async () => {
    // Prepare
    const id = await cluster(1);
    const looser = contextFor(id, { parameters: { MinRetentionPeriod: ['14'] }, settings: { retentionPeriodDays: 10 } });
    // Act
    const planning = playbook.plan(looser, await playbook.snapshot(looser));
    const invalid = () => contextFor(id, { parameters: { MinRetentionPeriod: ['3'] } });
    // Assess
    await expect(planning).rejects.toThrow(/retentionPeriodDays \(10\) is less strict than the control's MinRetentionPeriod \(14/);
    expect(invalid).toThrow(/MinRetentionPeriod/);
    expect((await describeCluster(id)).AutomatedSnapshotRetentionPeriod).toBe(1);
  });

  it('rolls back to the old retention, and a second rollback changes nothing', async () => {
    // Prepare
    const id = await cluster(1);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(before).toEqual({ automatedSnapshotRetentionPeriod: 1 });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await cluster(1);
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

  it('plans nothing for a cluster that keeps snapshots longer, and never shortens it', async () => {
    // Prepare
    const id = await cluster(30);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await describeCluster(id)).AutomatedSnapshotRetentionPeriod).toBe(30);
  });

  it('fails the snapshot of a cluster that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-cluster'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
