import { DescribeSubnetsCommand, EC2Client, ModifySubnetAttributeCommand, type Subnet } from '@aws-sdk/client-ec2';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

type SubnetSnapshot = { subnetId: string; mapPublicIpOnLaunch: boolean };

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

const mapsPublicIp = async (ctx: PlaybookContext<unknown>) => (await describeSubnet(ctx)).MapPublicIpOnLaunch ?? false;

async function setMapPublicIp(ctx: PlaybookContext<unknown>, value: boolean): Promise<void> {
  await ctx.aws.client(EC2Client).send(new ModifySubnetAttributeCommand({ SubnetId: ctx.resource.name, MapPublicIpOnLaunch: { Value: value } }));
}

/**
 * Turns off automatic public IPv4 assignment (`MapPublicIpOnLaunch`) on a subnet (EC2.15). Changes
 * only that attribute: running instances keep the addresses they have, and route tables, network
 * ACLs and CIDR blocks stay as they are. EC2.15 also fails a subnet that auto-assigns IPv6
 * addresses; that attribute is left alone (an IPv6-only subnet relies on it), so such a subnet
 * is refused with nothing changed, rather than half-fixed and reported as remediated.
 *
 * Disruptive: nothing breaks now, but the next instance launched into the subnet without asking
 * for a public IP (an Auto Scaling scale-out, a bastion or NAT instance in a public subnet) gets
 * none, and without a NAT gateway it cannot reach the internet. A person should approve it.
 */
export const disableSubnetPublicIpAssignment = definePlaybook<SubnetSnapshot, { description: string }>({
  id: 'ec2-disable-subnet-public-ip-assignment',
  title: 'Stop a subnet from assigning public IPv4 addresses to new instances',
  controls: ['EC2.15'],
  resourceType: 'AwsEc2Subnet',
  impact: 'disruptive',
  permissions: ['ec2:DescribeSubnets', 'ec2:ModifySubnetAttribute'],

  snapshot: async (ctx) => ({ subnetId: ctx.resource.name, mapPublicIpOnLaunch: await mapsPublicIp(ctx) }),

  async plan(ctx, current) {
    if ((await describeSubnet(ctx)).AssignIpv6AddressOnCreation) {
      throw new RemediationFailedError(
        `Cannot fix subnet ${ctx.resource.id} (finding ${ctx.request.findingId}): it assigns IPv6 addresses automatically, which ` +
          'EC2.15 also fails and Rectify does not change (IPv6-only subnets need it). Rectify changed nothing; turn off ' +
          '"auto-assign IPv6" by hand if the subnet is dual-stack, or suppress the finding.',
      );
    }
    if (!current.mapPublicIpOnLaunch) return { summary: `Subnet ${current.subnetId} assigns no public IPv4 addresses`, changes: [] };
    return {
      summary: `Turn off automatic public IPv4 assignment on subnet ${current.subnetId}`,
      changes: [
        {
          description:
            `Set MapPublicIpOnLaunch to false on subnet ${current.subnetId}: instances launched there from now on get ` +
            'no public IPv4 address unless they ask for one; running instances keep theirs',
        },
      ],
    };
  },

  async apply(ctx) {
    if (await mapsPublicIp(ctx)) await setMapPublicIp(ctx, false);
  },

  async verify(ctx) {
    const on = await mapsPublicIp(ctx);
    return { compliant: !on, detail: `Subnet ${ctx.resource.name} ${on ? 'still assigns' : 'does not assign'} public IPv4 addresses on launch` };
  },

  async rollback(ctx, snapshot) {
    if ((await mapsPublicIp(ctx)) !== snapshot.mapPublicIpOnLaunch) await setMapPublicIp(ctx, snapshot.mapPublicIpOnLaunch);
  },
});
