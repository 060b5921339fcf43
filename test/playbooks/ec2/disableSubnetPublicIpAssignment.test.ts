import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DescribeRouteTablesCommand,
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

type SubnetSetup = { mapPublicIp?: boolean; ipv6?: 'global' | 'unique-local' | 'ipv6-only' };

describe('disableSubnetPublicIpAssignment (EC2.15) against moto', () => {
  const aws = useMoto();
  const ec2 = () => aws.clients().client(EC2Client);

  /** A new VPC (routing to an internet gateway when asked) with one subnet per setup, in order. */
  async function subnets(options: { internet?: boolean }, ...setups: SubnetSetup[]): Promise<string[]> {
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
    const VpcId = Vpc!.VpcId!;
    const globalBlock = (index: number) => Vpc!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!.replace('00::/56', `0${index}::/64`);
    if (options.internet) {
      const { InternetGateway } = await ec2().send(new CreateInternetGatewayCommand({}));
      await ec2().send(new AttachInternetGatewayCommand({ InternetGatewayId: InternetGateway!.InternetGatewayId, VpcId }));
      const { RouteTables = [] } = await ec2().send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [VpcId] }] }));
      await ec2().send(new CreateRouteCommand({ RouteTableId: RouteTables[0]!.RouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: InternetGateway!.InternetGatewayId }));
    }
    const ids: string[] = [];
    for (const [index, setup] of setups.entries()) {
      const ipv6 = setup.ipv6 === 'unique-local' ? { Ipv6CidrBlock: `fd00:10:0:${index}::/64` } : setup.ipv6 ? { Ipv6CidrBlock: globalBlock(index) } : {};
      const ipv4 = setup.ipv6 === 'ipv6-only' ? { Ipv6Native: true } : { CidrBlock: `10.0.${index}.0/24` };
      const { Subnet } = await ec2().send(new CreateSubnetCommand({ VpcId, ...ipv4, ...ipv6 }));
      const SubnetId = Subnet!.SubnetId!;
      if (setup.mapPublicIp) await ec2().send(new ModifySubnetAttributeCommand({ SubnetId, MapPublicIpOnLaunch: { Value: true } }));
      if (setup.ipv6) await ec2().send(new ModifySubnetAttributeCommand({ SubnetId, AssignIpv6AddressOnCreation: { Value: true } }));
      ids.push(SubnetId);
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

  it('turns off public IPv4 assignment on a subnet that routes to the internet, as a disruptive plan, and leaves its neighbour alone', async () => {
    // Prepare
    const [subnetId, neighbourId] = await subnets({ internet: true }, { mapPublicIp: true }, { mapPublicIp: true });
    const { MapPublicIpOnLaunch: _before, ...otherAttributes } = await subnetOf(subnetId!);
    const ctx = contextFor(subnetId!);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ subnetId, mapPublicIpOnLaunch: true, assignIpv6AddressOnCreation: false });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Set MapPublicIpOnLaunch to false on subnet ${subnetId}: instances launched there from now on get no public IPv4 address ` +
        'unless they ask for one; running instances keep theirs',
    ]);
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringMatching(/^the subnet routes to internet gateway igw-/) });
    expect(plan.summary).toContain(`Turn off automatic public IPv4 assignment on subnet ${subnetId} (disruptive: `);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Subnet ${subnetId} assigns no public IP addresses automatically` });
    expect(await subnetOf(subnetId!)).toEqual({ ...otherAttributes, MapPublicIpOnLaunch: false });
    expect((await subnetOf(neighbourId!)).MapPublicIpOnLaunch).toBe(true);
  });

  it('plans the change as non-disruptive when the subnet has no route to an internet gateway', async () => {
    // Prepare
    const [subnetId] = await subnets({}, { mapPublicIp: true });
    const ctx = contextFor(subnetId!);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toHaveLength(1);
    expect(plan.impact).toMatchObject({ level: 'non-disruptive', why: expect.stringContaining('no route to an internet gateway') });
  });

  it('verify answers non-compliant while public IPv4 is assigned, and again after it is turned back on', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const [subnetId] = await subnets({}, { mapPublicIp: true });
    const ctx = contextFor(subnetId!);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await ec2().send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: true } }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Subnet ${subnetId} still assigns public IPv4 addresses on launch` });
    expect(fixed.compliant).toBe(true);
    expect(putBack.compliant).toBe(false);
  });

  it('rolls back to a subnet whose snapshot equals the original', async () => {
    // Prepare
    const [subnetId] = await subnets({}, { mapPublicIp: true, ipv6: 'global' });
    const ctx = contextFor(subnetId!);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await subnetOf(subnetId!)).toMatchObject({ MapPublicIpOnLaunch: true, AssignIpv6AddressOnCreation: true });
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const [subnetId] = await subnets({}, { mapPublicIp: true });
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
    const [subnetId] = await subnets({}, {});
    const ctx = contextFor(subnetId!);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan).toEqual({ summary: `Subnet ${subnetId} assigns no public IP addresses automatically`, changes: [] });
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
    expect(before).toMatchObject({ subnetId, mapPublicIpOnLaunch: true });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fails a dual-stack subnet that auto-assigns global IPv6, turns that off as a disruptive plan, and leaves IPv4 alone', async () => {
    // Prepare
    const [subnetId] = await subnets({}, { ipv6: 'global' });
    const ctx = contextFor(subnetId!);
    const { AssignIpv6AddressOnCreation: _before, ...otherAttributes } = await subnetOf(subnetId!);
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toMatchObject({ compliant: false, detail: expect.stringMatching(new RegExp(`^Subnet ${subnetId} still assigns IPv6 from 2400:`)) });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Set AssignIpv6AddressOnCreation to false on subnet ${subnetId}: instances launched there from now on get no IPv6 address ` +
        'unless they ask for one; running instances keep theirs',
    ]);
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('get no IPv6 address') });
    expect(await subnetOf(subnetId!)).toEqual({ ...otherAttributes, AssignIpv6AddressOnCreation: false });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('passes a subnet that auto-assigns IPv6 from a unique local block only: the rule fails global unicast blocks', async () => {
    // Prepare
    const [subnetId] = await subnets({}, { ipv6: 'unique-local' });
    const ctx = contextFor(subnetId!);
    // Act
    const result = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(result.compliant).toBe(true);
    expect(plan.changes).toEqual([]);
  });

  it('refuses an IPv6-only subnet that auto-assigns global IPv6, and changes nothing', async () => {
    // Prepare
    const [subnetId] = await subnets({}, { ipv6: 'ipv6-only' });
    const before = await subnetOf(subnetId!);
    const ctx = contextFor(subnetId!);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toMatchObject({
      name: 'RemediationFailed',
      message: expect.stringMatching(/it is IPv6-only .* Rectify changed nothing/),
    });
    expect((await playbook.verify(ctx)).compliant).toBe(false);
    expect(await subnetOf(subnetId!)).toEqual(before);
  });

  it('fails with a clear error when the subnet no longer exists', async () => {
    // Prepare
    const [subnetId] = await subnets({}, { mapPublicIp: true });
    await ec2().send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    // Act + Assess
    await expect(playbook.snapshot(contextFor(subnetId!))).rejects.toMatchObject({
      name: 'RemediationFailed',
      message: expect.stringContaining(`subnet arn:aws:ec2:us-east-1:123456789012:subnet/${subnetId} no longer exists`),
    });
  });
});
