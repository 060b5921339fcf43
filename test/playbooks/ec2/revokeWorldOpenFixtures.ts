import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { MotoHandle } from '../../support/moto.js';

/*
 * Security groups in moto for the tests of the world-open playbooks (EC2.13/14/18/19). Not a test itself.
 */

/** One rule's permission: `rule('tcp', 22, 22, { v4: '0.0.0.0/0' }, 'ssh')`; protocol `-1` is all traffic. */
export function rule(protocol: string, from: number, to: number, source: { v4?: string; v6?: string }, description?: string): IpPermission {
  return {
    IpProtocol: protocol,
    ...(protocol === '-1' ? {} : { FromPort: from, ToPort: to }),
    ...(source.v4 ? { IpRanges: [{ CidrIp: source.v4, Description: description }] } : {}),
    ...(source.v6 ? { Ipv6Ranges: [{ CidrIpv6: source.v6, Description: description }] } : {}),
  };
}

/** A TCP rule on one port. */
export const tcp = (port: number, source: { v4?: string; v6?: string }, description?: string) => rule('tcp', port, port, source, description);

/** The rule lines of `rulesOf` without their ids, which change when a rule is re-created. */
export const withoutIds = (rules: string[]) => rules.map((line) => line.replace(/^sgr-\w+ /, '')).sort();

export function securityGroups(aws: MotoHandle) {
  const ec2 = () => aws.clients().client(EC2Client);
  return {
    ec2,
    /** A new group in a new VPC with these rules (and the egress rule EC2 gives every group). */
    async securityGroup(ingress: IpPermission[], egress: IpPermission[] = []): Promise<string> {
      const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      const { GroupId } = await ec2().send(
        new CreateSecurityGroupCommand({ GroupName: `sg-${crypto.randomUUID()}`, Description: 'test', VpcId: Vpc!.VpcId }),
      );
      if (ingress.length) await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: ingress }));
      if (egress.length) await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: egress }));
      return GroupId!;
    },
    /** Puts rules back, as a person would after the fix. */
    async authorize(groupId: string, ingress: IpPermission[]): Promise<void> {
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: ingress }));
    },
    /** The group's rules as moto reports them, one readable line each, ids included. */
    async rulesOf(groupId: string, direction: 'in' | 'out'): Promise<string[]> {
      const { SecurityGroupRules = [] } = await ec2().send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
      );
      return SecurityGroupRules.filter((r) => r.IsEgress === (direction === 'out'))
        .map((r) => `${r.SecurityGroupRuleId} ${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIpv4 ?? r.CidrIpv6} ${r.Description ?? ''}`.trim())
        .sort();
    },
  };
}
