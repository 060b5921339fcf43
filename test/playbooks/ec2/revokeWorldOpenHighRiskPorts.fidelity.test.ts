import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { revokeWorldOpenHighRiskPorts as playbook } from '../../../tasks/playbooks/ec2/revokeWorldOpenHighRiskPorts.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { rule, securityGroups, tcp, withoutIds } from './revokeWorldOpenFixtures.js';

const EC2_19_PORTS = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300];

/**
 * Fidelity to the controls: restricted-common-ports (EC2.14, EC2.19) and restricted-ssh (EC2.13)
 * check TCP from 0.0.0.0/0 or ::/0, all traffic included; a plan that closes more is disruptive;
 * settings may only add ports.
 */
describe('revokeWorldOpenHighRiskPorts checks what Security Hub checks (moto)', () => {
  const aws = useMoto();
  const { securityGroup, rulesOf } = securityGroups(aws);

  function contextFor(groupId: string, controlId = 'EC2.19', settings?: unknown) {
    const request = requestFor({
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`,
      controlId,
    });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

  it.each(['EC2.19', 'EC2.13', 'pci-dss/v/3.2.1/PCI.EC2.5'])('keeps world-open UDP rules for %s, which checks TCP only', async (controlId) => {
    // Prepare: UDP 22 and UDP 5000 are open to the world beside TCP 22.
    const groupId = await securityGroup([
      rule('udp', 22, 22, { v4: '0.0.0.0/0' }, 'udp 22'),
      rule('udp', 5000, 5010, { v6: '::/0' }, 'udp 5000-5010'),
      tcp(22, { v4: '0.0.0.0/0', v6: '::/0' }, 'ssh'),
    ]);
    const ctx = contextFor(groupId, controlId);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes).toMatchObject([
      { rule: { protocol: 'tcp', fromPort: 22, cidrIpv4: '0.0.0.0/0' } },
      { rule: { protocol: 'tcp', fromPort: 22, cidrIpv6: '::/0' } },
    ]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['udp 22-22 0.0.0.0/0 udp 22', 'udp 5000-5010 ::/0 udp 5000-5010']);
  });

  it('reads a group whose only world-open rule is UDP 3389 as compliant for EC2.14', async () => {
    // Prepare
    const groupId = await securityGroup([rule('udp', 3389, 3389, { v4: '0.0.0.0/0' })]);
    const ctx = contextFor(groupId, 'EC2.14');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('all traffic from the world opens TCP 22 too: verify fails it, and revoking it is disruptive and says what else closes', async () => {
    // Prepare
    const groupId = await securityGroup([rule('-1', -1, -1, { v4: '0.0.0.0/0' }, 'everything'), rule('icmp', 8, -1, { v4: '0.0.0.0/0' }, 'ping')]);
    const ctx = contextFor(groupId, 'EC2.13');
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `${groupId} still allows all traffic from 0.0.0.0/0 ("everything") (EC2.13)` });
    const why =
      'revoking all traffic from 0.0.0.0/0 ("everything") also closes what EC2.13 does not flag: ' +
      'TCP 0-21, 23-65535; all UDP ports; every protocol other than TCP and UDP (ICMP among them)';
    expect(plan.impact).toEqual({ level: 'disruptive', why });
    expect(plan.summary).toBe(`Revoke 1 world-open ingress rule(s) to TCP ports flagged by EC2.13 on ${groupId}. Disruptive: ${why}`);
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['icmp 8--1 0.0.0.0/0 ping']);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('a whole-range TCP rule from ::/0 is disruptive for EC2.19, naming the TCP ports beyond the high-risk list', async () => {
    // Prepare
    const groupId = await securityGroup([rule('tcp', 0, 65535, { v6: '::/0' }, 'all tcp')]);
    const ctx = contextFor(groupId);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.impact).toEqual({
      level: 'disruptive',
      why: `revoking TCP ports 0-65535 from ::/0 ("all tcp") also closes what EC2.19 does not flag: TCP 0-65535 except ${EC2_19_PORTS.join(', ')}`,
    });
    expect(plan.changes[0]?.description).toContain('it opens TCP ports 20, 21, 22, 23, 25 and 19 more to the internet, flagged by EC2.19');
  });

  it('a TCP range of only high-risk ports (20-23) is revoked non-disruptively', async () => {
    // Prepare
    const groupId = await securityGroup([rule('tcp', 20, 23, { v4: '0.0.0.0/0' }, 'ftp to telnet')]);
    const ctx = contextFor(groupId);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toHaveLength(1);
    expect(plan.impact).toEqual({ level: 'non-disruptive', why: 'every revoked rule opens only TCP ports flagged by EC2.19' });
    expect(plan.summary).not.toContain('Disruptive');
  });

  it('a setting may add ports to a control\'s list: EC2.13 with 2222 revokes both, and says the policy added it', async () => {
    // Prepare
    const groupId = await securityGroup([tcp(22, { v4: '0.0.0.0/0' }), tcp(2222, { v4: '0.0.0.0/0' }), tcp(3389, { v4: '0.0.0.0/0' })]);
    const settings = { ports: { 'EC2.13': [22, 2222] } };
    const ctx = contextFor(groupId, 'EC2.13', settings);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Revoke inbound TCP port 22 from 0.0.0.0/0 on ${groupId}: it opens TCP port 22 to the internet, flagged by EC2.13`,
      `Revoke inbound TCP port 2222 from 0.0.0.0/0 on ${groupId}: it opens TCP port 2222 to the internet, flagged by EC2.13 with TCP 2222 added by the policy's playbook settings`,
    ]);
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['tcp 3389-3389 0.0.0.0/0']);
    expect(playbook.settings.parse(settings)).toEqual({ ports: { 'EC2.19': EC2_19_PORTS, 'EC2.13': [22, 2222], 'EC2.14': [3389], 'EC2.53': [22, 3389], 'EC2.54': [22, 3389] } });
    expect(playbook.settings.parse({})).toEqual({ ports: { 'EC2.19': EC2_19_PORTS, 'EC2.13': [22], 'EC2.14': [3389], 'EC2.53': [22, 3389], 'EC2.54': [22, 3389] } });
  });

  it.each([
    ['EC2.19 without 8080 and 9300', { 'EC2.19': EC2_19_PORTS.filter((port) => port !== 8080 && port !== 9300) }, /EC2\.19 checks TCP 20, 21, 22, .*, 9300; a setting may add ports, not remove them \(missing: 8080, 9300\)/],
    ['EC2.19 with only 443', { 'EC2.19': [443] }, /EC2\.19 checks TCP 20, 21, 22,.*\(missing: 20, 21, 22, 23/],
    ['EC2.13 without 22', { 'EC2.13': [2222] }, /EC2\.13 checks TCP 22; a setting may add ports, not remove them \(missing: 22\)/],
    ['EC2.14 empty', { 'EC2.14': [] }, /EC2\.14 checks TCP 3389; a setting may add ports, not remove them \(missing: 3389\)/],
  ])('refuses a setting looser than the control when the settings are parsed: %s', async (_case, ports, message) => {
    // Prepare
    const groupId = await securityGroup([tcp(8080, { v4: '0.0.0.0/0' })]);
    const before = await rulesOf(groupId, 'in');
    // Act
    const building = () => contextFor(groupId, 'EC2.19', { ports });
    // Assess
    expect(playbook.settings.safeParse({ ports }).success).toBe(false);
    expect(building).toThrow(message);
    expect(building).toThrow(/settings for playbook ec2-revoke-world-open-high-risk-ports are refused/);
    expect(await rulesOf(groupId, 'in')).toEqual(before);
  });
});
