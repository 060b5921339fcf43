import { CloudTrailClient, CreateTrailCommand, GetTrailCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { sendTrailToCloudWatchLogs as playbook } from '../../../tasks/playbooks/cloudtrail/sendTrailToCloudWatchLogs.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const GROUP = '/aws/cloudtrail/rectify';
const ROLE = 'rectify-cloudtrail-logs';

describe('sendTrailToCloudWatchLogs (CloudTrail.5) against moto', () => {
  const aws = useMoto();
  /** A fresh account per test: the log group is one per account and Region, the role one per account. */
  const newAccount = () => `5${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`;
  const cloudtrail = (account: string) => aws.clients(account).client(CloudTrailClient);
  const logs = (account: string) => aws.clients(account).client(CloudWatchLogsClient);
  const iam = (account: string) => aws.clients(account).client(IAMClient);
  const trailArn = (account: string, name: string) => `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}`;

  async function trail(account: string): Promise<string> {
    const name = `trail-${crypto.randomUUID().slice(0, 8)}`;
    await aws.clients(account).client(S3Client).send(new CreateBucketCommand({ Bucket: `${name}-logs` }));
    await cloudtrail(account).send(new CreateTrailCommand({ Name: name, S3BucketName: `${name}-logs`, IsMultiRegionTrail: true, EnableLogFileValidation: true }));
    await cloudtrail(account).send(new StartLoggingCommand({ Name: name }));
    return name;
  }
  const contextFor = (account: string, name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsCloudTrailTrail', resourceId: trailArn(account, name), controlId: 'CloudTrail.5', account }), aws.clients(account));
  const trailOf = async (account: string, Name: string) => (await cloudtrail(account).send(new GetTrailCommand({ Name }))).Trail!;
  const groupExists = async (account: string) =>
    ((await logs(account).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP }))).logGroups ?? []).some((g) => g.logGroupName === GROUP);
  const roleExists = (account: string) =>
    iam(account)
      .send(new GetRoleCommand({ RoleName: ROLE }))
      .then(() => true, () => false);

  it('says non-compliant, then creates the tagged log group and least-privilege role and points this trail only at them', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const neighbour = await trail(account);
    const ctx = contextFor(account, name);
    const { CloudWatchLogsLogGroupArn: _g, CloudWatchLogsRoleArn: _r, ...rest } = await trailOf(account, name);
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Trail ${name} sends no events to CloudWatch Logs` });
    expect(snapshot).toEqual({ logGroupArn: null, roleArn: null, logGroupExisted: false, roleExisted: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((c) => c.description)).toEqual([
      expect.stringMatching(/^Create AWS::Logs::LogGroup \/aws\/cloudtrail\/rectify \(tagged rectify:created-by, retention 365 days/),
      expect.stringMatching(/^Create AWS::IAM::Role rectify-cloudtrail-logs \(tagged rectify:created-by, trusted only by cloudtrail.amazonaws.com/),
      `Send the events of trail ${trailArn(account, name)} to log group ${GROUP} through role ${ROLE}`,
    ]);
    const { CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn, ...after } = await trailOf(account, name);
    expect(CloudWatchLogsLogGroupArn).toBe(`arn:aws:logs:us-east-1:${account}:log-group:${GROUP}:*`);
    expect(CloudWatchLogsRoleArn).toBe(`arn:aws:iam::${account}:role/${ROLE}`);
    expect(after).toEqual(rest);
    expect((await cloudtrail(account).send(new GetTrailStatusCommand({ Name: name }))).IsLogging).toBe(true);
    expect((await trailOf(account, neighbour)).CloudWatchLogsLogGroupArn).toBeFalsy();
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    const group = (await logs(account).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP }))).logGroups?.[0];
    expect(group?.retentionInDays).toBe(365);
    const { tags } = await logs(account).send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:${account}:log-group:${GROUP}` }));
    expect(tags).toEqual({ 'rectify:created-by': 'cloudtrail-send-trail-to-cloudwatch-logs' });
    const { Role } = await iam(account).send(new GetRoleCommand({ RoleName: ROLE }));
    expect(Role?.Tags).toEqual([{ Key: 'rectify:created-by', Value: 'cloudtrail-send-trail-to-cloudwatch-logs' }]);
    const trust = JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!));
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${account}:trail/*` } },
      },
    ]);
    const inline = await iam(account).send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'deliver-to-rectify-cloudtrail-log-group' }));
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument!)).Statement).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:*:${account}:log-group:${GROUP}:log-stream:*` },
    ]);
  });

  it('rolls back: the trail without CloudWatch Logs again, the log group and role it created removed', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const ctx = contextFor(account, name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await groupExists(account)).toBe(false);
    expect(await roleExists(account)).toBe(false);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('reuses the group and role for a second trail, and keeps them on rollback while that trail delivers with them', async () => {
    // Prepare
    const account = newAccount();
    const first = await trail(account);
    const second = await trail(account);
    const ctx = contextFor(account, first);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    const other = contextFor(account, second);
    const otherPlan = await playbook.plan(other, await playbook.snapshot(other));
    await playbook.apply(other, otherPlan);
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(otherPlan.changes).toHaveLength(1);
    expect(await groupExists(account)).toBe(true);
    expect(await roleExists(account)).toBe(true);
    expect((await trailOf(account, first)).CloudWatchLogsLogGroupArn).toBeFalsy();
    expect((await trailOf(account, second)).CloudWatchLogsLogGroupArn).toBeTruthy();
  });

  it('changes nothing when applied a second time, and plans nothing for a trail that already delivers', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const ctx = contextFor(account, name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await trailOf(account, name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await trailOf(account, name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('keeps a log group it did not create, and refuses a role of its name that is not ours', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    await logs(account).send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await iam(account).send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }));
    const ctx = contextFor(account, name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    const applying = playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes).toHaveLength(1);
    await expect(applying).rejects.toThrow(`IAM role ${ROLE} exists and was not created by cloudtrail-send-trail-to-cloudwatch-logs`);
    expect((await trailOf(account, name)).CloudWatchLogsLogGroupArn).toBeFalsy();
    await playbook.rollback(ctx, snapshot);
    expect(await groupExists(account)).toBe(true);
    expect(await roleExists(account)).toBe(true);
  });
});
