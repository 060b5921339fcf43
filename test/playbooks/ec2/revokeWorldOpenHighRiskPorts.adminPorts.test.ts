import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { revokeWorldOpenHighRiskPorts as playbook } from '../../../tasks/playbooks/ec2/revokeWorldOpenHighRiskPorts.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { rule, securityGroups, tcp, withoutIds } from './revokeWorldOpenFixtures.js';

const udp = (port: number, source: { v4?: string; v6?: string }, description?: string) => rule('udp', port, port, source, description);

describe('revokeWorldOpenHighRiskPorts for EC2.53 (0.0.0.0/0) and EC2.54 (::/0), remote administration ports over TCP and UDP (moto)', () => {
  const aws = useMoto();
  const { securityGroup, rulesOf } = securityGroups(aws);

  function contextFor(groupId: string, controlId: string) {
    const request = requestFor({
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`,
      controlId,
    });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  /** Admin ports open on both IP versions and both protocols, beside what neither control flags. */
  const INGRESS = [
    tcp(22, { v4: '0.0.0.0/0' }, 'ssh v4'),
    udp(3389, { v4: '0.0.0.0/0' }, 'rdp udp v4'),
    tcp(22, { v6: '::/0' }, 'ssh v6'),
    udp(3389, { v6: '::/0' }, 'rdp udp v6'),
    tcp(443, { v4: '0.0.0.0/0' }, 'https'),
    tcp(22, { v4: '10.0.0.0/8' }, 'ssh office'),
  ];

  it.each(['EC2.53', 'cis-aws-foundations-benchmark/v/3.0.0/5.2', 'cis-aws-foundations-benchmark/v/5.0.0/5.3'])(
    'a %s finding revokes TCP and UDP 22/3389 from 0.0.0.0/0 only, and leaves the ::/0 rules to EC2.54',
    async (controlId) => {
      // Prepare
      const groupId = await securityGroup(INGRESS);
      const ctx = contextFor(groupId, controlId);
      // Act
      const before = await playbook.verify(ctx);
      const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
      await playbook.apply(ctx, plan);
      // Assess
      expect(before.compliant).toBe(false);
      expect(plan.changes.map((change) => change.description)).toEqual([
        `Revoke inbound TCP port 22 from 0.0.0.0/0 ("ssh v4") on ${groupId}: it opens TCP or UDP port 22 to the internet, flagged by EC2.53`,
        `Revoke inbound UDP port 3389 from 0.0.0.0/0 ("rdp udp v4") on ${groupId}: it opens TCP or UDP port 3389 to the internet, flagged by EC2.53`,
      ]);
      expect(plan.impact).toEqual({ level: 'non-disruptive', why: 'every revoked rule opens only TCP or UDP ports flagged by EC2.53' });
      expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `${groupId} opens none of TCP or UDP ports 22, 3389 to 0.0.0.0/0 (EC2.53)` });
      expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual([
        'tcp 22-22 10.0.0.0/8 ssh office',
        'tcp 22-22 ::/0 ssh v6',
        'tcp 443-443 0.0.0.0/0 https',
        'udp 3389-3389 ::/0 rdp udp v6',
      ]);
    },
  );

  it.each(['EC2.54', 'cis-aws-foundations-benchmark/v/3.0.0/5.3', 'cis-aws-foundations-benchmark/v/5.0.0/5.4'])(
    'a %s finding revokes TCP and UDP 22/3389 from ::/0 only',
    async (controlId) => {
      // Prepare
      const groupId = await securityGroup(INGRESS);
      const ctx = contextFor(groupId, controlId);
      // Act
      const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
      await playbook.apply(ctx, plan);
      // Assess
      expect(plan.changes).toHaveLength(2);
      expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
      expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual([
        'tcp 22-22 0.0.0.0/0 ssh v4',
        'tcp 22-22 10.0.0.0/8 ssh office',
        'tcp 443-443 0.0.0.0/0 https',
        'udp 3389-3389 0.0.0.0/0 rdp udp v4',
      ]);
    },
  );

  it('verify fails, for real, an IPv4 UDP rule EC2.13 would pass, and does not fail EC2.53 on ::/0', async () => {
    // Prepare
    const udpOnly = await securityGroup([udp(22, { v4: '0.0.0.0/0' })]);
    const v6Only = await securityGroup([tcp(3389, { v6: '::/0' })]);
    // Act
    const ec253 = await playbook.verify(contextFor(udpOnly, 'EC2.53'));
    const ec213 = await playbook.verify(contextFor(udpOnly, 'EC2.13'));
    const ec253OnV6 = await playbook.verify(contextFor(v6Only, 'EC2.53'));
    const ec254OnV6 = await playbook.verify(contextFor(v6Only, 'EC2.54'));
    // Assess
    expect(ec253).toEqual({ compliant: false, detail: `${udpOnly} still allows UDP port 22 from 0.0.0.0/0 (EC2.53)` });
    expect(ec213.compliant).toBe(true);
    expect(ec253OnV6.compliant).toBe(true);
    expect(ec254OnV6).toEqual({ compliant: false, detail: `${v6Only} still allows TCP port 3389 from ::/0 (EC2.54)` });
  });

  it('an all-traffic rule from 0.0.0.0/0 is revoked for EC2.53 and the plan is disruptive, naming what else closes', async () => {
    // Prepare
    const groupId = await securityGroup([rule('-1', 0, 0, { v4: '0.0.0.0/0' }, 'everything')]);
    const ctx = contextFor(groupId, 'EC2.53');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toContain('TCP 0-65535 except 22, 3389');
    expect(plan.impact?.why).toContain('UDP 0-65535 except 22, 3389');
    expect(plan.impact?.why).toContain('every protocol other than TCP and UDP');
  });

  it('rolls back to the original rules, applies twice without change, and plans nothing once compliant', async () => {
    // Prepare
    const groupId = await securityGroup(INGRESS);
    const ctx = contextFor(groupId, 'EC2.54');
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const afterFirst = withoutIds(await rulesOf(groupId, 'in'));
    // Act
    await playbook.apply(ctx, plan);
    const afterSecond = withoutIds(await rulesOf(groupId, 'in'));
    const again = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(afterSecond).toEqual(afterFirst);
    expect(again.changes).toEqual([]);
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });
});
