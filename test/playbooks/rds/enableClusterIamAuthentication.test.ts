import { DescribeDBClustersCommand, ModifyDBClusterCommand, RDSClient, type DBCluster, type ModifyDBClusterCommandInput } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableClusterIamAuthentication as playbook } from '../../../tasks/playbooks/rds/enableClusterIamAuthentication.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const clusterArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:cluster:${id}`;

/**
 * moto 5.2.1 drops ModifyDBCluster's EnableIAMDatabaseAuthentication, so RDS is stubbed with the
 * behaviour the API reference documents: DescribeDBClusters reports `IAMDatabaseAuthenticationEnabled`,
 * ModifyDBCluster sets it (applied at once with ApplyImmediately true).
 */
function stubbedRds(initial: Partial<DBCluster> = {}) {
  const client = new RDSClient({ region: 'us-east-1' });
  const rds = mockClient(client);
  const cluster: DBCluster = {
    DBClusterIdentifier: 'orders',
    Engine: 'aurora-postgresql',
    EngineVersion: '16.4',
    Status: 'available',
    IAMDatabaseAuthenticationEnabled: false,
    DeletionProtection: true,
    PendingModifiedValues: {},
    ...initial,
  };
  rds.on(DescribeDBClustersCommand).callsFake(async () => ({ DBClusters: [structuredClone(cluster)] }));
  rds.on(ModifyDBClusterCommand).callsFake(async (input: ModifyDBClusterCommandInput) => {
    if (input.EnableIAMDatabaseAuthentication !== undefined) cluster.IAMDatabaseAuthenticationEnabled = input.EnableIAMDatabaseAuthentication;
    return { DBCluster: structuredClone(cluster) };
  });
  const request = requestFor({ resourceType: 'AwsRdsDbCluster', resourceId: clusterArn('orders'), controlId: 'RDS.12' });
  return { rds, cluster, ctx: createPlaybookContext(playbook, request, stubbedClients([client])) };
}

describe('enableClusterIamAuthentication (RDS.12), RDS stubbed', () => {
  it('turns on IAM authentication with exactly one ModifyDBCluster, applied now, and reads it back', async () => {
    // Prepare
    const { rds, cluster, ctx } = stubbedRds();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ iamDatabaseAuthenticationEnabled: false });
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Turn on IAM database authentication for RDS DB cluster ${clusterArn('orders')} (aurora-postgresql), applied now (nothing else is ` +
        'pending on the cluster): password logins keep working; no database user can log in with IAM until one is granted it',
    ]);
    expect(rds.commandCalls(ModifyDBClusterCommand).map((call) => call.args[0].input)).toEqual([
      { DBClusterIdentifier: 'orders', EnableIAMDatabaseAuthentication: true, ApplyImmediately: true },
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: 'IAM database authentication of RDS DB cluster orders is enabled' });
    expect(cluster.DeletionProtection).toBe(true);
    expect(actionsSentTo({ RDS: rds })).toEqual(new Set(playbook.permissions));
  });

  it('answers non-compliant for a cluster without IAM authentication', async () => {
    // Prepare
    const { ctx } = stubbedRds();
    // Act
    const result = await playbook.verify(ctx);
    // Assess
    expect(result).toEqual({ compliant: false, detail: 'IAM database authentication of RDS DB cluster orders is disabled' });
  });

  it('rolls back to no IAM authentication, and a second rollback sends nothing', async () => {
    // Prepare
    const { rds, ctx } = stubbedRds();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(rds.commandCalls(ModifyDBClusterCommand).map((call) => call.args[0].input.EnableIAMDatabaseAuthentication)).toEqual([true, false]);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const { rds, ctx } = stubbedRds();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(rds.commandCalls(ModifyDBClusterCommand)).toHaveLength(1);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a cluster that has it, and its rollback sends nothing', async () => {
    // Prepare
    const { rds, ctx } = stubbedRds({ IAMDatabaseAuthenticationEnabled: true });
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(rds.commandCalls(ModifyDBClusterCommand)).toEqual([]);
  });

  it.each([
    ['neptune', /on Neptune it makes every request need an IAM \(SigV4\) signature/],
    ['docdb', /its engine docdb does not support IAM database authentication on the cluster/],
  ])('refuses a %s cluster and changes nothing', async (engine, why) => {
    // Prepare
    const { rds, ctx } = stubbedRds({ Engine: engine });
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(why);
    expect(rds.commandCalls(ModifyDBClusterCommand)).toEqual([]);
  });

  it('refuses a cluster with modifications pending, which applying now could apply too', async () => {
    // Prepare
    const { rds, ctx } = stubbedRds({ PendingModifiedValues: { EngineVersion: '16.6' } });
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(/1 modification\(s\) are pending on the cluster \(EngineVersion 16\.6\)/);
    expect(rds.commandCalls(ModifyDBClusterCommand)).toEqual([]);
  });

  it('fails the snapshot of a cluster RDS does not know', async () => {
    // Prepare
    const { rds, ctx } = stubbedRds();
    rds.on(DescribeDBClustersCommand).rejects(Object.assign(new Error('DBCluster orders not found.'), { name: 'DBClusterNotFoundFault' }));
    // Act
    const reading = playbook.snapshot(ctx);
    // Assess
    await expect(reading).rejects.toThrow(/not found/);
  });
});
