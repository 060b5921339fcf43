import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { revokeWorldOpenHighRiskPorts as playbook } from '../../../tasks/playbooks/ec2/revokeWorldOpenHighRiskPorts.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const tcp = (port: number, source: { v4?: string; v6?: string }, description?: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  ...(source.v4 ? { IpRanges: [{ CidrIp: source.v4, Description: description }] } : {}),
  ...(source.v6 ? { Ipv6Ranges: [{ CidrIpv6: source.v6, Description: description }] } : {}),
});

/** The offending rules beside the compliant ones that must survive. */
const MIXED_INGRESS: IpPermission[] = [
  tcp(22, { v4: '0.0.0.0/0' }, 'ssh from anywhere'),
  tcp(3389, { v6: '::/0' }, 'rdp from anywhere'),
  tcp(443, { v4: '0.0.0.0/0' }, 'https'),
  tcp(22, { v4: '10.0.0.0/8' }, 'ssh from the office'),
];

describe('revokeWorldOpenHighRiskPorts (EC2.19, EC2.13, EC2.14) against moto', () => {
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

  function contextFor(groupId: string, settings?: unknown, controlId = 'EC2.19') {
    const request = requestFor({
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`,
      controlId,
    });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

  /** The group's rules as moto reports them, one readable line each, ids included. */
  async function rulesOf(groupId: string, direction: 'in' | 'out'): Promise<string[]> {
    const { SecurityGroupRules = [] } = await ec2().send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
    );
    return SecurityGroupRules.filter((rule) => rule.IsEgress === (direction === 'out'))
      .map((r) => `${r.SecurityGroupRuleId} ${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIpv4 ?? r.CidrIpv6} ${r.Description ?? ''}`.trim())
      .sort();
  }
  const withoutIds = (rules: string[]) => rules.map((rule) => rule.replace(/^sgr-\w+ /, '')).sort();

  it('revokes world-open rules on high-risk ports and keeps every other rule', async () => {
    // Prepare
    const groupId = await securityGroup(MIXED_INGRESS, [tcp(3306, { v4: '0.0.0.0/0' }, 'database egress')]);
    const ctx = contextFor(groupId);
    const egressBefore = await rulesOf(groupId, 'out');
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Revoke inbound TCP port 22 from 0.0.0.0/0 ("ssh from anywhere") on ${groupId}: it exposes high-risk port 22`,
      `Revoke inbound TCP port 3389 from ::/0 ("rdp from anywhere") on ${groupId}: it exposes high-risk port 3389`,
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['tcp 22-22 10.0.0.0/8 ssh from the office', 'tcp 443-443 0.0.0.0/0 https']);
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

  it('plans nothing for a group that opens no high-risk port to the internet', async () => {
    // Prepare
    const groupId = await securityGroup([tcp(443, { v4: '0.0.0.0/0' }), tcp(3389, { v4: '192.168.0.0/16' })]);
    const ctx = contextFor(groupId);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('counts all-traffic rules and port ranges that cover a high-risk port, not ranges or protocols that miss', async () => {
    // Prepare
    const groupId = await securityGroup([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'udp', FromPort: 5000, ToPort: 5010, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      { IpProtocol: 'tcp', FromPort: 10000, ToPort: 20000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ]);
    const ctx = contextFor(groupId);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Revoke inbound all traffic from 0.0.0.0/0 on ${groupId}: it exposes high-risk ports 20, 21, 22, 23, 25 and 19 more`,
      `Revoke inbound UDP ports 5000-5010 from ::/0 on ${groupId}: it exposes high-risk port 5000`,
    ]);
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['icmp -1--1 0.0.0.0/0', 'tcp 10000-20000 0.0.0.0/0']);
  });

  it('skips a planned rule that disappeared before apply', async () => {
    // Prepare
    const groupId = await securityGroup([tcp(22, { v4: '0.0.0.0/0' })]);
    const ctx = contextFor(groupId);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [tcp(22, { v4: '0.0.0.0/0' })] }));
    // Act + Assess
    await expect(playbook.apply(ctx, plan)).resolves.toBeUndefined();
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('revokes only world-open rules covering port 22 for an EC2.13 finding, keeping a world-open 3389', async () => {
    // Prepare
    const groupId = await securityGroup([
      ...MIXED_INGRESS,
      { IpProtocol: 'tcp', FromPort: 20, ToPort: 30, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'legacy range' }] },
    ]);
    const ctx = contextFor(groupId, undefined, 'EC2.13');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Revoke inbound TCP ports 20-30 from 0.0.0.0/0 ("legacy range") on ${groupId}: it exposes high-risk port 22`,
      `Revoke inbound TCP port 22 from 0.0.0.0/0 ("ssh from anywhere") on ${groupId}: it exposes high-risk port 22`,
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual([
      'tcp 22-22 10.0.0.0/8 ssh from the office',
      'tcp 3389-3389 ::/0 rdp from anywhere',
      'tcp 443-443 0.0.0.0/0 https',
    ]);
  });

  it('revokes only port 3389 for a CIS 1.2.0 4.2 finding (the EC2.14 alias)', async () => {
    // Prepare
    const groupId = await securityGroup(MIXED_INGRESS);
    const ctx = contextFor(groupId, undefined, 'cis-aws-foundations-benchmark/v/1.2.0/4.2');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(ctx.controlId).toBe('cis-aws-foundations-benchmark/v/1.2.0/4.2');
    expect(plan.changes).toHaveLength(1);
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual([
      'tcp 22-22 0.0.0.0/0 ssh from anywhere',
      'tcp 22-22 10.0.0.0/8 ssh from the office',
      'tcp 443-443 0.0.0.0/0 https',
    ]);
  });

  it('has a port list for every control id it lists, aliases included', async () => {
    // Prepare
    const snapshot = { groupId: 'sg-0123456789abcdef0', ingress: [] };
    // Act
    const plans = playbook.controls.map(async (controlId) => playbook.plan(contextFor(snapshot.groupId, undefined, controlId), snapshot));
    // Assess
    await expect(Promise.all(plans)).resolves.toHaveLength(playbook.controls.length);
  });

  it('takes each control its own port list from settings, keeping the defaults of the others', async () => {
    // Prepare
    const groupId = await securityGroup([tcp(22, { v4: '0.0.0.0/0' }), tcp(2222, { v4: '0.0.0.0/0' }), tcp(443, { v4: '0.0.0.0/0' })]);
    const settings = { ports: { 'EC2.19': [443], 'EC2.13': [22, 2222] } };
    // Act
    const high = await playbook.plan(contextFor(groupId, settings), await playbook.snapshot(contextFor(groupId, settings)));
    const ssh = await playbook.plan(contextFor(groupId, settings, 'EC2.13'), await playbook.snapshot(contextFor(groupId, settings)));
    // Assess
    expect(high.changes.map((change) => change.description)).toEqual([
      `Revoke inbound TCP port 443 from 0.0.0.0/0 on ${groupId}: it exposes high-risk port 443`,
    ]);
    expect(ssh.changes.map((change) => change.description)).toEqual([
      `Revoke inbound TCP port 22 from 0.0.0.0/0 on ${groupId}: it exposes high-risk port 22`,
      `Revoke inbound TCP port 2222 from 0.0.0.0/0 on ${groupId}: it exposes high-risk port 2222`,
    ]);
    expect(playbook.settings.parse(settings)).toMatchObject({ ports: { 'EC2.14': [3389] } });
    expect(playbook.settings.parse({})).toEqual({
      ports: {
        'EC2.19': [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300],
        'EC2.13': [22],
        'EC2.14': [3389],
      },
    });
  });

  it('a security group that does not exist fails the snapshot with RemediationFailed, and verify too', async () => {
    // Prepare: EC2 lists no rules for an unknown group id, exactly as for a group without rules.
    const groupId = await securityGroup([tcp(22, { v4: '0.0.0.0/0' })]);
    await ec2().send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    const ctx = contextFor(groupId);
    // Act + Assess
    const gone = {
      name: 'RemediationFailed',
      message: expect.stringContaining(`security group arn:aws:ec2:us-east-1:123456789012:security-group/${groupId} does not exist`),
    };
    await expect(playbook.snapshot(ctx)).rejects.toMatchObject(gone);
    await expect(playbook.verify(ctx)).rejects.toMatchObject(gone);
  });

  it('reads a group that exists but has no inbound rule as compliant, not as missing', async () => {
    // Prepare
    const groupId = await securityGroup([]);
    const ctx = contextFor(groupId);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    // Assess
    expect(snapshot).toEqual({ groupId, ingress: [] });
    expect((await playbook.plan(ctx, snapshot)).changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });
});
