import {
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type InstanceMetadataOptionsRequest,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { requireImdsV2 as playbook } from '../../../tasks/playbooks/ec2/requireImdsV2.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

/** An instance someone configured by hand: IMDSv1 still allowed, every other option non-default. */
const CUSTOMISED: InstanceMetadataOptionsRequest = {
  HttpTokens: 'optional',
  HttpPutResponseHopLimit: 2,
  HttpEndpoint: 'enabled',
  HttpProtocolIpv6: 'enabled',
  InstanceMetadataTags: 'enabled',
};
const CUSTOMISED_SNAPSHOT = {
  HttpTokens: 'optional',
  HttpPutResponseHopLimit: 2,
  HttpEndpoint: 'enabled',
  HttpProtocolIpv6: 'enabled',
  InstanceMetadataTags: 'enabled',
};

describe('requireImdsV2 (EC2.8) against moto', () => {
  const aws = useMoto();
  const ec2 = () => aws.clients().client(EC2Client);

  async function instance(MetadataOptions?: InstanceMetadataOptionsRequest): Promise<string> {
    // Any image id will do: moto runs without its sample AMIs and does not check the id (workflows/local/moto.ts).
    const { Instances = [] } = await ec2().send(
      new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, MetadataOptions }),
    );
    return Instances[0]!.InstanceId!;
  }

  function contextFor(instanceId: string) {
    const request = requestFor({
      resourceType: 'AwsEc2Instance',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`,
      controlId: 'EC2.8',
    });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  /** The instance's metadata options as EC2 reports them (without the transient State). */
  async function metadataOptionsOf(InstanceId: string) {
    const { Reservations = [] } = await ec2().send(new DescribeInstancesCommand({ InstanceIds: [InstanceId] }));
    const { State: _state, ...options } = Reservations[0]!.Instances![0]!.MetadataOptions!;
    return options;
  }

  it('requires session tokens and sends every other metadata option back unchanged', async () => {
    // Prepare
    const instanceId = await instance(CUSTOMISED);
    const ctx = contextFor(instanceId);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ instanceId, metadataOptions: CUSTOMISED_SNAPSHOT });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Set HttpTokens from optional to required on EC2 instance ${instanceId}: IMDSv1 calls without a session token get HTTP 401 ` +
        'from then on. Kept as they are: HttpPutResponseHopLimit 2, HttpEndpoint enabled, HttpProtocolIpv6 enabled, InstanceMetadataTags enabled',
    ]);
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('gets HTTP 401') });
    expect(plan.summary).toContain(`Require IMDSv2 on EC2 instance ${instanceId} (disruptive: `);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `EC2 instance ${instanceId} requires IMDSv2 (HttpTokens required)` });
    expect(await metadataOptionsOf(instanceId)).toEqual({ ...CUSTOMISED, HttpTokens: 'required' });
  });

  it('verify answers non-compliant while tokens are optional, and again after they are made optional once more', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const instanceId = await instance(CUSTOMISED);
    const ctx = contextFor(instanceId);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await ec2().send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: instanceId, ...CUSTOMISED }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `EC2 instance ${instanceId} still accepts IMDSv1 (HttpTokens optional)` });
    expect(fixed.compliant).toBe(true);
    expect(putBack.compliant).toBe(false);
  });

  it('with the metadata endpoint off: verify still fails optional tokens (the rule reads HttpTokens only), and the plan is non-disruptive', async () => {
    // Prepare
    const instanceId = await instance({ ...CUSTOMISED, HttpEndpoint: 'disabled' });
    const ctx = contextFor(instanceId);
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before.compliant).toBe(false);
    expect(plan.impact).toMatchObject({ level: 'non-disruptive', why: expect.stringContaining('metadata endpoint is turned off') });
    expect(plan.summary).toContain('(non-disruptive: ');
    expect(await metadataOptionsOf(instanceId)).toEqual({ ...CUSTOMISED, HttpEndpoint: 'disabled', HttpTokens: 'required' });
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('rolls back every metadata option to the snapshot', async () => {
    // Prepare
    const instanceId = await instance(CUSTOMISED);
    const ctx = contextFor(instanceId);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await metadataOptionsOf(instanceId)).toEqual(CUSTOMISED);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const instanceId = await instance();
    const ctx = contextFor(instanceId);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await metadataOptionsOf(instanceId);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(afterFirst).toEqual({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
      HttpEndpoint: 'enabled',
      HttpProtocolIpv6: 'disabled',
      InstanceMetadataTags: 'disabled',
    });
    expect(await metadataOptionsOf(instanceId)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for an instance that already requires IMDSv2', async () => {
    // Prepare
    const ctx = contextFor(await instance({ ...CUSTOMISED, HttpTokens: 'required' }));
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('refuses a terminated instance and changes nothing', async () => {
    // Prepare
    const instanceId = await instance(CUSTOMISED);
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    const ctx = contextFor(instanceId);
    const before = await metadataOptionsOf(instanceId);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(`Cannot require IMDSv2 on EC2 instance arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`);
    await expect(planning).rejects.toThrow(/it is (shutting-down|terminated)/);
    expect(await metadataOptionsOf(instanceId)).toEqual(before);
  });
});
