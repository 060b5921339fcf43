import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetBucketPolicyCommand, GetBucketTaggingCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { enableConfigRecorder as playbook } from '../../../tasks/playbooks/config/enableConfigRecorder.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const REGION = 'eu-west-1';
const slrArn = (account: string) => `arn:aws:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;

describe('enableConfigRecorder (Config.1) against moto', () => {
  const aws = useMoto();
  // The service-linked role is account-wide: each test works in an account of its own.
  let next = 0;
  const newAccount = () => `3000000000${String(++next).padStart(2, '0')}`;
  const config = (account: string) => aws.clients(account, REGION).client(ConfigServiceClient);
  const contextFor = (account: string, controlParameters?: Record<string, string[]>) =>
    createPlaybookContext(
      playbook,
      requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${account}`, controlId: 'Config.1', account, region: REGION, controlParameters }),
      aws.clients(account, REGION),
    );
  const recorders = async (account: string) => (await config(account).send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
  const statusOf = async (account: string, name: string) =>
    (await config(account).send(new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [name] }))).ConfigurationRecordersStatus?.[0]?.recording;
  const channels = async (account: string) => (await config(account).send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels ?? [];
  /** AWS Config's service-linked role ARN in the account, by its path (moto spells the name AWSServiceRoleForconfig). */
  const slrIn = async (account: string) =>
    (await aws.clients(account, REGION).client(IAMClient).send(new ListRolesCommand({ PathPrefix: '/aws-service-role/config.amazonaws.com/' }))).Roles?.map((r) => r.Arn!.toLowerCase()) ?? [];
  const exists = (promise: Promise<unknown>) => promise.then(() => true, () => false);
  async function customRecorder(account: string, options: { allSupported: boolean; start: boolean }) {
    await aws.clients(account, REGION).client(S3Client).send(new CreateBucketCommand({ Bucket: `config-${account}`, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    await config(account).send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: 'default',
          roleARN: `arn:aws:iam::${account}:role/config-role`,
          recordingGroup: options.allSupported ? { allSupported: true, includeGlobalResourceTypes: true } : { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] },
        },
      }),
    );
    await config(account).send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: `config-${account}` } }));
    if (options.start) await config(account).send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  }

  it('where there is none, creates recorder rectify with the service-linked role, a delivery bucket tagged ours and a channel, and starts it', async () => {
    // Prepare
    const account = newAccount();
    const ctx = contextFor(account);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ recorder: null, deliveryChannel: null, slrExisted: false, bucketExisted: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.summary).toContain('$0.003');
    expect(plan.changes.map((c) => (c as { creates?: { type: string } }).creates?.type).filter(Boolean)).toEqual(['AWS::Config::ConfigurationRecorder', 'AWS::S3::Bucket']);
    expect(await slrIn(account)).toEqual([slrArn(account).toLowerCase()]);
    const [recorder] = await recorders(account);
    expect(recorder).toMatchObject({ name: 'rectify', recordingGroup: { allSupported: true, includeGlobalResourceTypes: false } });
    expect(recorder!.roleARN!.toLowerCase()).toBe(slrArn(account).toLowerCase());
    expect(await statusOf(account, 'rectify')).toBe(true);
    const bucket = `rectify-config-${account}-${REGION}`;
    expect(await channels(account)).toMatchObject([{ name: 'rectify', s3BucketName: bucket }]);
    const s3 = aws.clients(account, REGION).client(S3Client);
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual([{ Key: 'rectify:created-by', Value: 'config-enable-recorder' }]);
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['AWSConfigBucketPermissionsCheck', 'AWSConfigBucketExistenceCheck', 'AWSConfigBucketDelivery', 'DenyInsecureTransport']);
    expect(policy.Statement[2].Condition.StringEquals['AWS:SourceAccount']).toBe(account);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `AWS Config records all supported resources in account ${account} in ${REGION}` });
  });

  it('rollback removes the recorder, channel, bucket and service-linked role it created, twice without harm', async () => {
    // Prepare
    const account = newAccount();
    const ctx = contextFor(account);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await recorders(account)).toEqual([]);
    expect(await exists(aws.clients(account, REGION).client(S3Client).send(new HeadBucketCommand({ Bucket: `rectify-config-${account}-${REGION}` })))).toBe(false);
    expect(await slrIn(account)).toEqual([]);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify answers non-compliant for each condition of the control', async () => {
    // Prepare
    const none = newAccount();
    const stopped = newAccount();
    await customRecorder(stopped, { allSupported: true, start: false });
    const selective = newAccount();
    await customRecorder(selective, { allSupported: false, start: true });
    // Act
    const results = await Promise.all([none, stopped, selective].map((account) => playbook.verify(contextFor(account))));
    const withoutRoleCheck = await playbook.verify(contextFor(stopped, { includeConfigServiceLinkedRoleCheck: ['false'] }));
    // Assess
    expect(results.map((r) => r.compliant)).toEqual([false, false, false]);
    expect(results[0]!.detail).toContain('no configuration recorder');
    expect(results[1]!.detail).toBe(
      `AWS Config in account ${stopped} in ${REGION}: recorder default is not recording; recorder default uses arn:aws:iam::${stopped}:role/config-role, not the service-linked role AWSServiceRoleForConfig`,
    );
    expect(results[2]!.detail).toContain('recorder default does not record all supported resource types');
    expect(withoutRoleCheck.detail).toBe(`AWS Config in account ${stopped} in ${REGION}: recorder default is not recording`);
  });

  it('fixes the recorder the account has, under its own name, never a second one; rollback restores it exactly', async () => {
    // Prepare
    const account = newAccount();
    await customRecorder(account, { allSupported: false, start: false });
    const ctx = contextFor(account);
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    // Act
    await playbook.apply(ctx, plan);
    const applied = await recorders(account);
    const recordingAfterApply = await statusOf(account, 'default');
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes.some((c) => 'creates' in c)).toBe(false);
    expect(plan.changes.map((c) => c.description).join('\n')).toMatch(/Change recorder default \(kept, not replaced\)[\s\S]*Start recording with recorder default/);
    expect(applied).toMatchObject([{ name: 'default', recordingGroup: { allSupported: true } }]);
    expect(applied[0]!.roleARN!.toLowerCase()).toBe(slrArn(account).toLowerCase());
    expect(recordingAfterApply).toBe(true);
    expect(await channels(account)).toMatchObject([{ name: 'default' }]);
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });

  it('with the role check off, only starts the recorder, keeping its role; applying twice changes nothing; a compliant setup plans nothing', async () => {
    // Prepare
    const account = newAccount();
    await customRecorder(account, { allSupported: true, start: false });
    const ctx = contextFor(account, { includeConfigServiceLinkedRoleCheck: ['false'] });
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Act
    await playbook.apply(ctx, plan);
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((c) => c.description)).toEqual(['Start recording with recorder default (rollback stops it again)']);
    expect(await recorders(account)).toMatchObject([{ name: 'default', roleARN: `arn:aws:iam::${account}:role/config-role` }]);
    expect(await statusOf(account, 'default')).toBe(true);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });
});
