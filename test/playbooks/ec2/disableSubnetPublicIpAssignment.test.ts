import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DescribeSubnetsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { disableSubnetPublicIpAssignment as playbook } from '../../../tasks/playbooks/ec2/disableSubnetPublicIpAssignment.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('disableSubnetPublicIpAssignment (EC2.15) against moto', () => {
  const aws = useMoto();
  const ec2 = () => aws.clients().client(EC2Client);

  /** Two subnets of a new VPC with the given auto-assign settings. */
  async function subnets(...mapPublicIp: boolean[]): Promise<string[]> {
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const ids: string[] = [];
    for (const [index, value] of mapPublicIp.entries()) {
      const { Subnet } = await ec2().send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: `10.0.${index}.0/24` }));
      if (value) await ec2().send(new ModifySubnetAttributeCommand({ SubnetId: Subnet!.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
      ids.push(Subnet!.SubnetId!);
    }
    return ids;
  }

  function contextFor(subnetId: string) {
    const request = requestFor({
      resourceType: 'AwsEc2Subnet',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:subnet/${subnetId}`,
      controlId: 'EC2.15',
    });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  async function subnetOf(subnetId: string): Promise<Subnet> {
    return (await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0]!;
  }

  it('turns off public IPv4 assignment on the subnet and leaves its neighbour and other attributes alone', async () => {
    // Prepare
    const [subnetId, neighbourId] = await subnets(true, true);
    const { MapPublicIpOnLaunch: _before, ...otherAttributes } = await subnetOf(subnetId!);
    const ctx = contextFor(subnetId!);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ subnetId, mapPublicIpOnLaunch: true });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Set MapPublicIpOnLaunch to false on subnet ${subnetId}: instances launched there from now on get no public IPv4 address ` +
        'unless they ask for one; running instances keep theirs',
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await subnetOf(subnetId!)).toEqual({ ...otherAttributes, MapPublicIpOnLaunch: false });
    expect((await subnetOf(neighbourId!)).MapPublicIpOnLaunch).toBe(true);
  });

  it('rolls back to a subnet whose snapshot equals the original', async () => {
    // Prepare
    const [subnetId] = await subnets(true);
    const ctx = contextFor(subnetId!);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await subnetOf(subnetId!)).MapPublicIpOnLaunch).toBe(true);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const [subnetId] = await subnets(true);
    const ctx = contextFor(subnetId!);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await subnetOf(subnetId!);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await subnetOf(subnetId!)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a subnet that assigns no public IPv4 addresses', async () => {
    // Prepare
    const [subnetId] = await subnets(false);
    const ctx = contextFor(subnetId!);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan).toEqual({ summary: `Subnet ${subnetId} assigns no public IPv4 addresses`, changes: [] });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fixes a default subnet of the default VPC, which assigns public addresses from the start', async () => {
    // Prepare
    const { Subnets = [] } = await ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
    const subnetId = Subnets[0]!.SubnetId!;
    const ctx = contextFor(subnetId);
    // Act
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Assess
    expect(before).toEqual({ subnetId, mapPublicIpOnLaunch: true });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('refuses a subnet that also auto-assigns IPv6 addresses and changes nothing', async () => {
    // Prepare
    const [subnetId] = await subnets(true);
    await ec2().send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, AssignIpv6AddressOnCreation: { Value: true } }));
    const before = await subnetOf(subnetId!);
    const ctx = contextFor(subnetId!);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toMatchObject({
      name: 'RemediationFailed',
      message: expect.stringMatching(/it assigns IPv6 addresses automatically, .* Rectify changed nothing/),
    });
    expect(await subnetOf(subnetId!)).toEqual(before);
  });

  it('fails with a clear error when the subnet no longer exists', async () => {
    // Prepare
    const [subnetId] = await subnets(true);
    await ec2().send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    // Act + Assess
    await expect(playbook.snapshot(contextFor(subnetId!))).rejects.toMatchObject({
      name: 'RemediationFailed',
      message: expect.stringContaining(`subnet arn:aws:ec2:us-east-1:123456789012:subnet/${subnetId} no longer exists`),
    });
  });
});
