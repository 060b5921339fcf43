import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFlowLogsCommand, CreateVpcCommand, DescribeFlowLogsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableVpcFlowLogs as playbook } from '../../../tasks/playbooks/ec2/enableVpcFlowLogs.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../../workflows/local/awsEnv.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('enableVpcFlowLogs (EC2.6) against moto', () => {
  const aws = useMoto();
  // IAM is global and the delivery role is per region: each test uses its own region.
  const clients = (region: string) => aws.clients(LOCAL_ADMIN_ACCOUNT, region);
  const ec2 = (region: string) => clients(region).client(EC2Client);
  const iam = () => clients('us-east-1').client(IAMClient);

  async function vpc(region: string): Promise<string> {
    return (await ec2(region).send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  }
  const contextFor = (region: string, vpcId: string, settings?: unknown) =>
    createPlaybookContext(
      playbook,
      requestFor({ resourceType: 'AwsEc2Vpc', resourceId: `arn:aws:ec2:${region}:${LOCAL_ADMIN_ACCOUNT}:vpc/${vpcId}`, controlId: 'EC2.6', region }),
      clients(region),
      settings,
    );
  const flowLogsOf = async (region: string, vpcId: string) =>
    (await ec2(region).send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [vpcId] }] }))).FlowLogs ?? [];
  const logGroups = async (region: string) =>
    ((await clients(region).client(CloudWatchLogsClient).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/vpc/flow-logs/rectify/' }))).logGroups ?? []).map((g) => g.logGroupName);
  const roleExists = async (RoleName: string) =>
    iam()
      .send(new GetRoleCommand({ RoleName }))
      .then(() => true, () => false);

  it('creates the log group, a correctly trusted role and a REJECT flow log, all tagged ours; a neighbouring VPC is left alone', async () => {
    // Prepare
    const region = 'eu-west-1';
    const id = await vpc(region);
    const neighbour = await vpc(region);
    const ctx = contextFor(region, id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ flowLogIds: [], logGroupExisted: false, roleExisted: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((c) => (c as { creates?: { type: string } }).creates?.type)).toEqual(['AWS::Logs::LogGroup', 'AWS::IAM::Role', 'AWS::EC2::FlowLog']);
    const [flowLog] = await flowLogsOf(region, id);
    expect(flowLog).toMatchObject({
      TrafficType: 'REJECT',
      FlowLogStatus: 'ACTIVE',
      LogGroupName: `/aws/vpc/flow-logs/rectify/${id}`,
      DeliverLogsPermissionArn: `arn:aws:iam::${LOCAL_ADMIN_ACCOUNT}:role/rectify-vpc-flow-logs-${region}`,
      Tags: [{ Key: 'rectify:created-by', Value: 'ec2-enable-vpc-flow-logs' }],
    });
    const role = (await iam().send(new GetRoleCommand({ RoleName: `rectify-vpc-flow-logs-${region}` }))).Role!;
    expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': LOCAL_ADMIN_ACCOUNT },
            ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${region}:${LOCAL_ADMIN_ACCOUNT}:vpc-flow-log/*` },
          },
        },
      ],
    });
    const policy = JSON.parse(decodeURIComponent((await iam().send(new GetRolePolicyCommand({ RoleName: role.RoleName, PolicyName: 'deliver-flow-logs' }))).PolicyDocument!));
    expect(policy.Statement[0].Resource).toEqual([
      `arn:aws:logs:${region}:${LOCAL_ADMIN_ACCOUNT}:log-group:/aws/vpc/flow-logs/rectify/*`,
      `arn:aws:logs:${region}:${LOCAL_ADMIN_ACCOUNT}:log-group:/aws/vpc/flow-logs/rectify/*:*`,
    ]);
    expect((await iam().send(new ListRoleTagsCommand({ RoleName: role.RoleName }))).Tags).toEqual([{ Key: 'rectify:created-by', Value: 'ec2-enable-vpc-flow-logs' }]);
    const { tags } = await clients(region).client(CloudWatchLogsClient).send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:${region}:${LOCAL_ADMIN_ACCOUNT}:log-group:/aws/vpc/flow-logs/rectify/${id}` }));
    expect(tags).toEqual({ 'rectify:created-by': 'ec2-enable-vpc-flow-logs' });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await flowLogsOf(region, neighbour)).toEqual([]);
  });

  it('verify answers non-compliant without a flow log and with an ACCEPT-only one, compliant with ALL', async () => {
    // Prepare
    const region = 'eu-west-2';
    const id = await vpc(region);
    const ctx = contextFor(region, id);
    const flowLog = (TrafficType: 'ACCEPT' | 'ALL', group: string) =>
      ec2(region).send(
        new CreateFlowLogsCommand({ ResourceType: 'VPC', ResourceIds: [id], TrafficType, LogDestinationType: 'cloud-watch-logs', LogGroupName: group, DeliverLogsPermissionArn: `arn:aws:iam::${LOCAL_ADMIN_ACCOUNT}:role/theirs` }),
      );
    // Act
    const none = await playbook.verify(ctx);
    await flowLog('ACCEPT', 'accepted');
    const acceptOnly = await playbook.verify(ctx);
    await flowLog('ALL', 'everything');
    const all = await playbook.verify(ctx);
    // Assess
    expect(none).toEqual({ compliant: false, detail: `VPC ${id} has no active flow log of REJECT or ALL traffic (no flow log)` });
    expect(acceptOnly.compliant).toBe(false);
    expect(acceptOnly.detail).toMatch(/ACCEPT ACTIVE/);
    expect(all.compliant).toBe(true);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('rolls back everything it created, twice without harm, and the snapshot is as before', async () => {
    // Prepare
    const region = 'eu-west-3';
    const id = await vpc(region);
    const ctx = contextFor(region, id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await flowLogsOf(region, id)).toEqual([]);
    expect(await logGroups(region)).toEqual([]);
    expect(await roleExists(`rectify-vpc-flow-logs-${region}`)).toBe(false);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('keeps the role on rollback while another VPC still delivers with it, and applies twice without a second flow log', async () => {
    // Prepare
    const region = 'ap-south-1';
    const first = await vpc(region);
    const second = await vpc(region);
    const firstCtx = contextFor(region, first);
    const firstBefore = await playbook.snapshot(firstCtx);
    const plan = await playbook.plan(firstCtx, firstBefore);
    await playbook.apply(firstCtx, plan);
    const secondCtx = contextFor(region, second);
    await playbook.apply(secondCtx, await playbook.plan(secondCtx, await playbook.snapshot(secondCtx)));
    // Act
    await playbook.apply(firstCtx, plan);
    const afterTwice = await flowLogsOf(region, first);
    await playbook.rollback(firstCtx, firstBefore);
    // Assess
    expect(afterTwice).toHaveLength(1);
    expect(await flowLogsOf(region, first)).toEqual([]);
    expect(await flowLogsOf(region, second)).toHaveLength(1);
    expect(await roleExists(`rectify-vpc-flow-logs-${region}`)).toBe(true);
    expect(await logGroups(region)).toEqual([`/aws/vpc/flow-logs/rectify/${second}`]);
  });

  it('refuses a role of its name that is not ours, before any change', async () => {
    // Prepare
    const region = 'ca-central-1';
    const id = await vpc(region);
    await iam().send(new CreateRoleCommand({ RoleName: `rectify-vpc-flow-logs-${region}`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
    const ctx = contextFor(region, id);
    // Act
    const planning = (async () => playbook.plan(ctx, await playbook.snapshot(ctx)))();
    // Assess
    await expect(planning).rejects.toThrow(/was not created by ec2-enable-vpc-flow-logs .* Nothing was changed/);
    expect(await flowLogsOf(region, id)).toEqual([]);
    expect(await logGroups(region)).toEqual([]);
  });

  it('fails the snapshot of a VPC that does not exist', async () => {
    // Act
    const snapshotting = playbook.snapshot(contextFor('us-west-2', 'vpc-0123456789abcdef0'));
    // Assess
    await expect(snapshotting).rejects.toThrow(/vpc-0123456789abcdef0/);
  });

  it('captures ALL traffic when the settings ask, and refuses ACCEPT, which EC2.6 fails', async () => {
    // Prepare
    const region = 'sa-east-1';
    const id = await vpc(region);
    // Act
    const ctx = contextFor(region, id, { trafficType: 'ALL', retentionInDays: 30 });
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const refusing = () => contextFor(region, id, { trafficType: 'ACCEPT' });
    // Assess
    expect((await flowLogsOf(region, id))[0]?.TrafficType).toBe('ALL');
    expect(refusing).toThrow(/settings for playbook ec2-enable-vpc-flow-logs are refused/);
  });
});
