import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { revokeWorldOpenUnauthorizedPorts as playbook } from '../../../tasks/playbooks/ec2/revokeWorldOpenUnauthorizedPorts.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const rule = (protocol: string, from: number, to: number, source: { v4?: string; v6?: string }, description?: string): IpPermission => ({
  IpProtocol: protocol,
  FromPort: from,
  ToPort: to,
  ...(source.v4 ? { IpRanges: [{ CidrIp: source.v4, Description: description }] } : {}),
  ...(source.v6 ? { Ipv6Ranges: [{ CidrIpv6: source.v6, Description: description }] } : {}),
});

/** The offending rules beside the compliant ones that must survive. */
const MIXED_INGRESS: IpPermission[] = [
  rule('tcp', 22, 22, { v4: '0.0.0.0/0' }, 'ssh from anywhere'),
  rule('tcp', 8000, 8100, { v6: '::/0' }, 'dev servers'),
  rule('udp', 53, 53, { v4: '0.0.0.0/0' }, 'dns'),
  rule('tcp', 80, 80, { v4: '0.0.0.0/0' }, 'http'),
  rule('tcp', 443, 443, { v6: '::/0' }, 'https'),
  rule('tcp', 5432, 5432, { v4: '10.0.0.0/8' }, 'postgres from the vpc'),
  rule('icmp', 8, -1, { v4: '0.0.0.0/0' }, 'ping'),
];

describe('revokeWorldOpenUnauthorizedPorts (EC2.18) against moto', () => {
  const aws = useMoto();
  const ec2 = () => aws.clients().client(EC2Client);

  async function securityGroup(ingress: IpPermission[], egress: IpPermission[] = []): Promise<string> {
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const { GroupId } = await ec2().send(
      new CreateSecurityGroupCommand({ GroupName: `sg-${crypto.randomUUID()}`, Description: 'test', VpcId: Vpc!.VpcId }),
    );
    if (ingress.length) await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: ingress }));
    if (egress.length) await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: egress }));
    return GroupId!;
  }

  function contextFor(groupId: string, settings?: unknown) {
    const request = requestFor({
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`,
      controlId: 'EC2.18',
    });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

  /** The group's rules as moto reports them, one readable line each, ids included. */
  async function rulesOf(groupId: string, direction: 'in' | 'out'): Promise<string[]> {
    const { SecurityGroupRules = [] } = await ec2().send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
    );
    return SecurityGroupRules.filter((r) => r.IsEgress === (direction === 'out'))
      .map((r) => `${r.SecurityGroupRuleId} ${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIpv4 ?? r.CidrIpv6} ${r.Description ?? ''}`.trim())
      .sort();
  }
  const withoutIds = (rules: string[]) => rules.map((line) => line.replace(/^sgr-\w+ /, '')).sort();

  it('revokes world-open rules on unauthorized ports and keeps every other rule', async () => {
    // Prepare
    const groupId = await securityGroup(MIXED_INGRESS, [rule('tcp', 5432, 5432, { v4: '0.0.0.0/0' }, 'database egress')]);
    const ctx = contextFor(groupId);
    const egressBefore = await rulesOf(groupId, 'out');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Revoke inbound TCP port 22 from 0.0.0.0/0 ("ssh from anywhere") on ${groupId}: it opens ports to the internet that are not authorized (authorized: TCP 80, 443)`,
      `Revoke inbound UDP port 53 from 0.0.0.0/0 ("dns") on ${groupId}: it opens ports to the internet that are not authorized (authorized: no UDP port)`,
      `Revoke inbound TCP ports 8000-8100 from ::/0 ("dev servers") on ${groupId}: it opens ports to the internet that are not authorized (authorized: TCP 80, 443)`,
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual([
      'icmp 8--1 0.0.0.0/0 ping',
      'tcp 443-443 ::/0 https',
      'tcp 5432-5432 10.0.0.0/8 postgres from the vpc',
      'tcp 80-80 0.0.0.0/0 http',
    ]);
    expect(await rulesOf(groupId, 'out')).toEqual(egressBefore);
  });

  it('rolls back to a group whose snapshot equals the original', async () => {
    // Prepare
    const groupId = await securityGroup(MIXED_INGRESS);
    const ctx = contextFor(groupId);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: false });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const groupId = await securityGroup(MIXED_INGRESS);
    const ctx = contextFor(groupId);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await rulesOf(groupId, 'in');
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await rulesOf(groupId, 'in')).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a group that opens only 80 and 443 to the internet', async () => {
    // Prepare
    const groupId = await securityGroup([
      rule('tcp', 80, 80, { v4: '0.0.0.0/0', v6: '::/0' }),
      rule('tcp', 443, 443, { v4: '0.0.0.0/0' }),
      rule('tcp', 0, 65535, { v4: '192.168.0.0/16' }),
    ]);
    const ctx = contextFor(groupId);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('counts all-traffic rules and ranges that reach past the list, and honours custom authorized ports', async () => {
    // Prepare
    const groupId = await securityGroup([
      { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      rule('tcp', 80, 443, { v4: '0.0.0.0/0' }),
      rule('tcp', 8443, 8443, { v4: '0.0.0.0/0' }),
      rule('udp', 1194, 1194, { v4: '0.0.0.0/0' }),
    ]);
    const ctx = contextFor(groupId, { authorizedTcpPorts: [80, 443, 8443], authorizedUdpPorts: [1194] });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Revoke inbound all traffic from ::/0 on ${groupId}: it opens ports to the internet that are not authorized (authorized: TCP 80, 443, 8443; UDP 1194)`,
      `Revoke inbound TCP ports 80-443 from 0.0.0.0/0 on ${groupId}: it opens ports to the internet that are not authorized (authorized: TCP 80, 443, 8443)`,
    ]);
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['tcp 8443-8443 0.0.0.0/0', 'udp 1194-1194 0.0.0.0/0']);
    expect(playbook.settings.parse({})).toEqual({ authorizedTcpPorts: [80, 443], authorizedUdpPorts: [] });
    expect(playbook.settings.safeParse({ authorizedTcpPorts: [0] }).success).toBe(false);
  });

  it('a security group that does not exist fails the snapshot with RemediationFailed', async () => {
    // Prepare: EC2 lists no rules for an unknown group id, exactly as for a group without rules.
    const groupId = await securityGroup([rule('tcp', 8080, 8080, { v4: '0.0.0.0/0' })]);
    await ec2().send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    // Act + Assess
    await expect(playbook.snapshot(contextFor(groupId))).rejects.toMatchObject({
      name: 'RemediationFailed',
      message: expect.stringContaining(`security group arn:aws:ec2:us-east-1:123456789012:security-group/${groupId} does not exist`),
    });
  });
});
