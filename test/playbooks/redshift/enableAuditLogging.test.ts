import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand, UntagResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, DescribeClustersCommand, DescribeLoggingStatusCommand, EnableLoggingCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableRedshiftAuditLogging as playbook } from '../../../tasks/playbooks/redshift/enableAuditLogging.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (id: string) => `arn:aws:redshift:us-east-1:123456789012:cluster:${id}`;
const groupArn = (name: string) => `arn:aws:logs:us-east-1:123456789012:log-group:${name}`;

describe('enableRedshiftAuditLogging (Redshift.4) against moto', () => {
  const aws = useMoto();
  const redshift = () => aws.clients().client(RedshiftClient);
  const logs = () => aws.clients().client(CloudWatchLogsClient);

  async function cluster(): Promise<string> {
    const id = `warehouse-${crypto.randomUUID().slice(0, 8)}`;
    await redshift().send(
      new CreateClusterCommand({
        ClusterIdentifier: id,
        NodeType: 'ra3.xlplus',
        ClusterType: 'single-node',
        MasterUsername: 'warehouse_admin',
        MasterUserPassword: 'Not-a-real-passw0rd',
        Tags: [{ Key: 'team', Value: 'analytics' }],
      }),
    );
    return id;
  }
  const contextFor = (id: string, settings?: unknown) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRedshiftCluster', resourceId: clusterArn(id), controlId: 'Redshift.4' }), aws.clients(), settings);
  const loggingOf = async (id: string) => {
    const { $metadata: _m, LastSuccessfulDeliveryTime: _s, LastFailureTime: _f, ...status } = await redshift().send(new DescribeLoggingStatusCommand({ ClusterIdentifier: id }));
    return status;
  };
  const groupsOf = async (id: string) => {
    const { logGroups = [] } = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/redshift/cluster/${id}/` }));
    return logGroups.map((group) => ({ name: group.logGroupName, retentionInDays: group.retentionInDays }));
  };
  const tagsOf = async (name: string) => (await logs().send(new ListTagsForResourceCommand({ resourceArn: groupArn(name) }))).tags;

  it('creates tagged log groups with a retention, turns audit logging on to CloudWatch Logs, and leaves its neighbour alone', async () => {
    // Prepare
    const id = await cluster();
    const neighbour = await cluster();
    const ctx = contextFor(id);
    const clusterBefore = (await redshift().send(new DescribeClustersCommand({ ClusterIdentifier: id }))).Clusters;
    // Act
    const verdictBefore = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(verdictBefore).toEqual({ compliant: false, detail: `Audit logging of Redshift cluster ${id} is off` });
    expect(snapshot).toEqual({ loggingEnabled: false, existingLogGroups: [] });
    expect(plan.impact).toEqual({ level: 'disruptive', why: expect.stringMatching(/^CloudWatch Logs bills the audit logs \(\$1–10\/month/) });
    expect(plan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(new RegExp(`^Create AWS::Logs::LogGroup /aws/redshift/cluster/${id}/connectionlog \\(tagged rectify:created-by, encrypted at rest with CloudWatch Logs' own keys, logs kept 365 days; rollback removes it\\)`)),
      expect.stringMatching(new RegExp(`^Create AWS::Logs::LogGroup /aws/redshift/cluster/${id}/userlog `)),
      `Turn on audit logging for Redshift cluster ${clusterArn(id)} to CloudWatch Logs (connectionlog, userlog)`,
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Audit logging of Redshift cluster ${id} is on` });
    expect(await loggingOf(id)).toMatchObject({ LoggingEnabled: true, LogDestinationType: 'cloudwatch', LogExports: ['connectionlog', 'userlog'] });
    expect(await groupsOf(id)).toEqual([
      { name: `/aws/redshift/cluster/${id}/connectionlog`, retentionInDays: 365 },
      { name: `/aws/redshift/cluster/${id}/userlog`, retentionInDays: 365 },
    ]);
    expect(await tagsOf(`/aws/redshift/cluster/${id}/userlog`)).toEqual({ 'rectify:created-by': 'redshift-enable-audit-logging' });
    expect((await redshift().send(new DescribeClustersCommand({ ClusterIdentifier: id }))).Clusters).toEqual(clusterBefore);
    expect((await loggingOf(neighbour)).LoggingEnabled).toBe(false);
    expect(await groupsOf(neighbour)).toEqual([]);
  });

  it('reuses a log group that exists, and rollback turns logging off, removes only what it created and leaves the person\'s group', async () => {
    // Prepare
    const id = await cluster();
    const theirs = `/aws/redshift/cluster/${id}/connectionlog`;
    await logs().send(new CreateLogGroupCommand({ logGroupName: theirs, tags: { team: 'analytics' } }));
    const ctx = contextFor(id, { logExports: ['connectionlog', 'userlog', 'useractivitylog'], retentionInDays: 90 });
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const created = await groupsOf(id);
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(before).toEqual({ loggingEnabled: false, existingLogGroups: [theirs] });
    expect(plan.changes.filter((change) => 'creates' in change)).toHaveLength(2);
    expect(plan.changes.at(-1)!.description).toContain(`into the existing log group(s) ${theirs} and those above`);
    expect(created.map((group) => group.retentionInDays)).toEqual([undefined, 90, 90]);
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await groupsOf(id)).toEqual([{ name: theirs, retentionInDays: undefined }]);
    expect((await loggingOf(id)).LoggingEnabled).toBe(false);
  });

  it('does not delete a created log group a person took over by removing the tag', async () => {
    // Prepare
    const id = await cluster();
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    const kept = `/aws/redshift/cluster/${id}/userlog`;
    await logs().send(new UntagResourceCommand({ resourceArn: groupArn(kept), tagKeys: ['rectify:created-by'] }));
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect((await groupsOf(id)).map((group) => group.name)).toEqual([kept]);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await cluster();
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = { logging: await loggingOf(id), groups: await groupsOf(id) };
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect({ logging: await loggingOf(id), groups: await groupsOf(id) }).toEqual(afterFirst);
  });

  it('plans nothing for a cluster that logs already (to S3 here), and its rollback changes nothing', async () => {
    // Prepare
    const id = await cluster();
    await redshift().send(new EnableLoggingCommand({ ClusterIdentifier: id, BucketName: 'audit-logs', LogDestinationType: 's3' }));
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await loggingOf(id)).toMatchObject({ LoggingEnabled: true, BucketName: 'audit-logs' });
  });

  it('refuses a setting that is not a Redshift log type, and fails the snapshot of a cluster that does not exist', async () => {
    // Act
    const invalid = () => contextFor('warehouse', { logExports: ['querylog'] });
    const reading = playbook.snapshot(contextFor('no-such-cluster'));
    // Assess
    expect(invalid).toThrow(/logExports/);
    await expect(reading).rejects.toThrow();
  });
});
