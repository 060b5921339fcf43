import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand, UntagResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateDBClusterCommand, CreateDBInstanceCommand, DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { publishInstanceLogs as playbook, requiredLogTypes } from '../../../tasks/playbooks/rds/publishInstanceLogs.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const instanceArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:db:${id}`;
const groupArn = (name: string) => `arn:aws:logs:us-east-1:123456789012:log-group:${name}`;

describe('publishInstanceLogs (RDS.9) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);
  const logs = () => aws.clients().client(CloudWatchLogsClient);

  async function instance(Engine: string, exports: string[] = []): Promise<string> {
    const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine,
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'orders_admin',
        MasterUserPassword: 'not-a-real-password',
        EnableCloudwatchLogsExports: exports,
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    return id;
  }
  const contextFor = (id: string, settings?: unknown) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.9' }), aws.clients(), settings);
  const describeInstance = async (id: string): Promise<DBInstance> => {
    const { LatestRestorableTime: _clock, ...rest } = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    return rest;
  };
  const exportsOf = async (id: string) => [...((await describeInstance(id)).EnabledCloudwatchLogsExports ?? [])].sort();
  const groupsOf = async (id: string) => {
    const { logGroups = [] } = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/rds/instance/${id}/` }));
    return logGroups.map((group) => ({ name: group.logGroupName, retentionInDays: group.retentionInDays }));
  };

  it('publishes the missing PostgreSQL logs into tagged log groups with a retention, keeps the rest and leaves its neighbour alone', async () => {
    // Prepare
    const id = await instance('postgres', ['postgresql']);
    const neighbour = await instance('postgres');
    const ctx = contextFor(id);
    const { EnabledCloudwatchLogsExports: _changed, ...before } = await describeInstance(id);
    // Act
    const verdictBefore = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(verdictBefore).toEqual({ compliant: false, detail: `RDS DB instance ${id} (postgres) publishes postgresql; RDS.9 requires postgresql, upgrade` });
    expect(snapshot).toEqual({ enabledLogExports: ['postgresql'], existingLogGroups: [] });
    expect(plan.impact).toEqual({ level: 'disruptive', why: expect.stringMatching(/^CloudWatch Logs bills the published logs \(\$10–100\/month.*the database is not restarted$/) });
    expect(plan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(new RegExp(`^Create AWS::Logs::LogGroup /aws/rds/instance/${id}/upgrade \\(tagged rectify:created-by, encrypted at rest with CloudWatch Logs' own keys, logs kept 365 days; rollback removes it\\)`)),
      expect.stringMatching(new RegExp(`^Publish the logs upgrade of RDS DB instance ${instanceArn(id)} \\(postgres\\) to CloudWatch Logs, applied at once by RDS; logs published already stay`)),
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `RDS DB instance ${id} (postgres) publishes postgresql, upgrade; RDS.9 requires postgresql, upgrade` });
    expect(await groupsOf(id)).toEqual([{ name: `/aws/rds/instance/${id}/upgrade`, retentionInDays: 365 }]);
    expect((await logs().send(new ListTagsForResourceCommand({ resourceArn: groupArn(`/aws/rds/instance/${id}/upgrade`) }))).tags).toEqual({ 'rectify:created-by': 'rds-publish-instance-logs' });
    const { EnabledCloudwatchLogsExports: _after, ...after } = await describeInstance(id);
    expect(after).toEqual(before);
    expect(await exportsOf(neighbour)).toEqual([]);
  });

  it('requires each engine\'s logs as the control lists them, and answers non-compliant for a MySQL instance missing one', async () => {
    // Prepare
    const mysql = await instance('mysql', ['error', 'general', 'slowquery']);
    // Act
    const verdict = await playbook.verify(contextFor(mysql));
    // Assess
    expect(verdict.compliant).toBe(false);
    expect(['oracle-ee', 'postgres', 'mysql', 'mariadb', 'sqlserver-se', 'db2-se', 'custom-oracle-ee'].map(requiredLogTypes)).toEqual([
      ['alert', 'audit', 'listener', 'trace'],
      ['postgresql', 'upgrade'],
      ['audit', 'error', 'general', 'slowquery'],
      ['audit', 'error', 'general', 'slowquery'],
      ['agent', 'error'],
      undefined,
      undefined,
    ]);
  });

  it('reuses an existing log group, and rollback stops publishing what it added and removes only the groups it created', async () => {
    // Prepare
    const id = await instance('mysql', ['error']);
    const theirs = `/aws/rds/instance/${id}/general`;
    await logs().send(new CreateLogGroupCommand({ logGroupName: theirs }));
    const ctx = contextFor(id, { retentionInDays: 30 });
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const createdGroups = await groupsOf(id);
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes.filter((change) => 'creates' in change)).toHaveLength(2);
    expect(createdGroups).toHaveLength(3);
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await exportsOf(id)).toEqual(['error']);
    expect(await groupsOf(id)).toEqual([{ name: theirs, retentionInDays: undefined }]);
  });

  it('leaves a created log group a person took over by removing the tag', async () => {
    // Prepare
    const id = await instance('postgres');
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    const kept = `/aws/rds/instance/${id}/upgrade`;
    await logs().send(new UntagResourceCommand({ resourceArn: groupArn(kept), tagKeys: ['rectify:created-by'] }));
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect((await groupsOf(id)).map((group) => group.name)).toEqual([kept]);
    expect(await exportsOf(id)).toEqual([]);
  });

  it('changes nothing when applied a second time, then plans nothing', async () => {
    // Prepare
    const id = await instance('postgres');
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = { instance: await describeInstance(id), groups: await groupsOf(id) };
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect({ instance: await describeInstance(id), groups: await groupsOf(id) }).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('refuses an Aurora cluster member (a cluster setting), before changing anything, and fails the snapshot of a missing instance', async () => {
    // Prepare
    const clusterId = `ledger-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(new CreateDBClusterCommand({ DBClusterIdentifier: clusterId, Engine: 'aurora-postgresql', MasterUsername: 'ledger_admin', MasterUserPassword: 'not-a-real-password' }));
    const member = `${clusterId}-1`;
    await rds().send(new CreateDBInstanceCommand({ DBInstanceIdentifier: member, DBClusterIdentifier: clusterId, Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    const ctx = contextFor(member);
    // Act
    const planning = await Promise.resolve(playbook.plan(ctx, await playbook.snapshot(ctx))).catch((error: unknown) => error);
    const reading = await playbook.snapshot(contextFor('no-such-instance')).catch((error: unknown) => error);
    // Assess
    expect(planning).toBeInstanceOf(Error);
    expect((planning as Error).message).toMatch(new RegExp(`it belongs to DB cluster ${clusterId}, whose log exports are a cluster setting. Rectify changed nothing`));
    expect(reading).toBeInstanceOf(Error);
    expect(await groupsOf(member)).toEqual([]);
  });
});
