import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  type Route,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlanImpact, type PlaybookContext } from '../definePlaybook.js';

type SubnetSnapshot = { subnetId: string; mapPublicIpOnLaunch: boolean; assignIpv6AddressOnCreation: boolean };
/** The two subnet attributes EC2.15 reads; ModifySubnetAttribute changes one per call. */
type Attribute = 'MapPublicIpOnLaunch' | 'AssignIpv6AddressOnCreation';
type SubnetChange = { description: string; attribute: Attribute };

async function describeSubnet(ctx: PlaybookContext<unknown>): Promise<Subnet> {
  const gone = () =>
    new RemediationFailedError(
      `subnet ${ctx.resource.id} no longer exists (finding ${ctx.request.findingId}): there is nothing to change; ` +
        'Security Hub archives the finding at its next check',
    );
  try {
    const { Subnets = [] } = await ctx.aws.client(EC2Client).send(new DescribeSubnetsCommand({ SubnetIds: [ctx.resource.name] }));
    if (!Subnets[0]) throw gone();
    return Subnets[0];
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidSubnetID.NotFound') throw gone();
    throw error;
  }
}

/**
 * The subnet's IPv6 blocks in the global unicast range 2000::/3, the only ones the rule treats as
 * public (a unique local fc00::/7 block from IPAM is private). A block still associating counts.
 */
function globalIpv6Blocks(subnet: Subnet): string[] {
  // moto 5.2.1 returns the state as a stringified dict ("{'State': 'associated'}"), so match the word.
  const inUse = (state: unknown) => /associat/.test(String(state)) && !/disassociat/.test(String(state));
  return (subnet.Ipv6CidrBlockAssociationSet ?? [])
    .filter((association) => inUse(association.Ipv6CidrBlockState?.State))
    .map((association) => association.Ipv6CidrBlock ?? '')
    .filter((block) => (parseInt(block.split(':')[0] || '0', 16) & 0xe000) === 0x2000);
}

/** What EC2.15 fails on this subnet: automatic public IPv4, and automatic IPv6 from a global block. */
function violations(subnet: Subnet): Attribute[] {
  const found: Attribute[] = [];
  if (subnet.MapPublicIpOnLaunch) found.push('MapPublicIpOnLaunch');
  if (subnet.AssignIpv6AddressOnCreation && globalIpv6Blocks(subnet).length > 0) found.push('AssignIpv6AddressOnCreation');
  return found;
}

async function setAttribute(ctx: PlaybookContext<unknown>, attribute: Attribute, value: boolean): Promise<void> {
  await ctx.aws.client(EC2Client).send(new ModifySubnetAttributeCommand({ SubnetId: ctx.resource.name, [attribute]: { Value: value } }));
}

/** The routes of the subnet's route table: its own association, else the VPC's main table. */
async function routesOf(ctx: PlaybookContext<unknown>, subnet: Subnet): Promise<Route[]> {
  const ec2 = ctx.aws.client(EC2Client);
  const byFilter = async (Filters: { Name: string; Values: string[] }[]) => (await ec2.send(new DescribeRouteTablesCommand({ Filters }))).RouteTables?.[0];
  const table =
    (await byFilter([{ Name: 'association.subnet-id', Values: [ctx.resource.name] }])) ??
    (await byFilter([{ Name: 'vpc-id', Values: [subnet.VpcId ?? ''] }, { Name: 'association.main', Values: ['true'] }]));
  return table?.Routes ?? [];
}

/**
 * Whether the plan can break anything: a public IPv4 address matters only through an internet
 * gateway (the only way the address is used), while an IPv6 address is how an instance speaks
 * IPv6 at all, inside the VPC too.
 */
function impactFor(changes: readonly SubnetChange[], routes: readonly Route[]): PlanImpact {
  const reasons: string[] = [];
  const gateway = routes.find((route) => route.GatewayId?.startsWith('igw-') && !route.DestinationIpv6CidrBlock)?.GatewayId;
  if (changes.some((c) => c.attribute === 'MapPublicIpOnLaunch') && gateway) {
    reasons.push(
      `the subnet routes to internet gateway ${gateway}: instances launched later without asking for a public IPv4 address ` +
        '(an Auto Scaling scale-out, a bastion or NAT instance) get none and cannot reach the internet through it',
    );
  }
  if (changes.some((c) => c.attribute === 'AssignIpv6AddressOnCreation')) {
    reasons.push('instances launched later get no IPv6 address and cannot use IPv6, inside the VPC or out');
  }
  if (reasons.length) return { level: 'disruptive', why: reasons.join('; ') };
  return {
    level: 'non-disruptive',
    why: 'the subnet has no route to an internet gateway, so a public IPv4 address gives an instance there no internet path; running instances keep theirs',
  };
}

const DESCRIPTIONS: Record<Attribute, (subnetId: string) => string> = {
  MapPublicIpOnLaunch: (subnetId) =>
    `Set MapPublicIpOnLaunch to false on subnet ${subnetId}: instances launched there from now on get no public IPv4 address ` +
    'unless they ask for one; running instances keep theirs',
  AssignIpv6AddressOnCreation: (subnetId) =>
    `Set AssignIpv6AddressOnCreation to false on subnet ${subnetId}: instances launched there from now on get no IPv6 address ` +
    'unless they ask for one; running instances keep theirs',
};

/**
 * Stops a subnet from assigning public addresses automatically (EC2.15,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-15; AWS Config rule
 * `subnet-auto-assign-public-ip-disabled`, https://docs.aws.amazon.com/config/latest/developerguide/subnet-auto-assign-public-ip-disabled.html).
 * The rule fails a subnet that auto-assigns public IPv4 (`MapPublicIpOnLaunch`) or IPv6
 * (`AssignIpv6AddressOnCreation` with a global unicast block; the rule's page warns it treats every
 * GUA block as public); `verify` reads exactly those. Apply turns off the attribute(s) that fail,
 * nothing else: running instances keep the addresses they have, and route tables, network ACLs and
 * CIDR blocks stay as they are. An IPv6-only subnet failing on IPv6 is refused with nothing
 * changed: without automatic IPv6 its instances would get no address at all.
 *
 * Disruptive by default; each plan decides ({@link impactFor}): turning off public IPv4 breaks
 * nothing in a subnet with no route to an internet gateway.
 */
export const disableSubnetPublicIpAssignment = definePlaybook<SubnetSnapshot, SubnetChange>({
  id: 'ec2-disable-subnet-public-ip-assignment',
  title: 'Stop a subnet from assigning public IP addresses to new instances',
  controls: ['EC2.15'],
  resourceType: 'AwsEc2Subnet',
  impact: 'disruptive',
  permissions: ['ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:ModifySubnetAttribute'],

  async snapshot(ctx) {
    const subnet = await describeSubnet(ctx);
    return {
      subnetId: ctx.resource.name,
      mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch ?? false,
      assignIpv6AddressOnCreation: subnet.AssignIpv6AddressOnCreation ?? false,
    };
  },

  async plan(ctx, current) {
    const subnet = await describeSubnet(ctx);
    const failing = violations(subnet);
    if (failing.includes('AssignIpv6AddressOnCreation') && subnet.Ipv6Native) {
      throw new RemediationFailedError(
        `Cannot fix subnet ${ctx.resource.id} (finding ${ctx.request.findingId}): it is IPv6-only and assigns addresses from ` +
          `${globalIpv6Blocks(subnet).join(', ')}, which EC2.15 fails; without automatic IPv6 its instances would get no address. ` +
          'Rectify changed nothing; suppress the finding for this subnet.',
      );
    }
    const changes = failing.map((attribute) => ({ attribute, description: DESCRIPTIONS[attribute](current.subnetId) }));
    if (changes.length === 0) return { summary: `Subnet ${current.subnetId} assigns no public IP addresses automatically`, changes };
    const impact = impactFor(changes, await routesOf(ctx, subnet));
    const what = changes.map((c) => (c.attribute === 'MapPublicIpOnLaunch' ? 'public IPv4' : 'IPv6')).join(' and ');
    return { summary: `Turn off automatic ${what} assignment on subnet ${current.subnetId} (${impact.level}: ${impact.why})`, changes, impact };
  },

  async apply(ctx, plan) {
    // Re-read: an attribute someone turned off meanwhile is left alone.
    const failing = violations(await describeSubnet(ctx));
    for (const { attribute } of plan.changes) if (failing.includes(attribute)) await setAttribute(ctx, attribute, false);
  },

  async verify(ctx) {
    const subnet = await describeSubnet(ctx);
    const failing = violations(subnet);
    if (failing.length === 0) return { compliant: true, detail: `Subnet ${ctx.resource.name} assigns no public IP addresses automatically` };
    const what = failing.map((a) => (a === 'MapPublicIpOnLaunch' ? 'public IPv4' : `IPv6 from ${globalIpv6Blocks(subnet).join(', ')}`));
    return { compliant: false, detail: `Subnet ${ctx.resource.name} still assigns ${what.join(' and ')} addresses on launch` };
  },

  async rollback(ctx, snapshot) {
    const subnet = await describeSubnet(ctx);
    if ((subnet.MapPublicIpOnLaunch ?? false) !== snapshot.mapPublicIpOnLaunch) {
      await setAttribute(ctx, 'MapPublicIpOnLaunch', snapshot.mapPublicIpOnLaunch);
    }
    if ((subnet.AssignIpv6AddressOnCreation ?? false) !== snapshot.assignIpv6AddressOnCreation) {
      await setAttribute(ctx, 'AssignIpv6AddressOnCreation', snapshot.assignIpv6AddressOnCreation);
    }
  },
});
