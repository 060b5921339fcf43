import { DeleteSecurityGroupCommand, RevokeSecurityGroupIngressCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { revokeWorldOpenHighRiskPorts as playbook } from '../../../tasks/playbooks/ec2/revokeWorldOpenHighRiskPorts.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { rule, securityGroups, tcp, withoutIds } from './revokeWorldOpenFixtures.js';

/** The offending rules beside the compliant ones that must survive. */
const MIXED_INGRESS: IpPermission[] = [
  tcp(22, { v4: '0.0.0.0/0' }, 'ssh from anywhere'),
  tcp(3389, { v6: '::/0' }, 'rdp from anywhere'),
  tcp(443, { v4: '0.0.0.0/0' }, 'https'),
  tcp(22, { v4: '10.0.0.0/8' }, 'ssh from the office'),
];

describe('revokeWorldOpenHighRiskPorts (EC2.19, EC2.13, EC2.14) against moto', () => {
  const aws = useMoto();
  const { ec2, securityGroup, rulesOf, authorize } = securityGroups(aws);

  function contextFor(groupId: string, settings?: unknown, controlId = 'EC2.19') {
    const request = requestFor({
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`,
      controlId,
    });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

  it('revokes world-open TCP rules on high-risk ports, IPv6 included, and keeps every other rule', async () => {
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
      `Revoke inbound TCP port 22 from 0.0.0.0/0 ("ssh from anywhere") on ${groupId}: it opens TCP port 22 to the internet, flagged by EC2.19`,
      `Revoke inbound TCP port 3389 from ::/0 ("rdp from anywhere") on ${groupId}: it opens TCP port 3389 to the internet, flagged by EC2.19`,
    ]);
    expect(plan.impact).toEqual({ level: 'non-disruptive', why: 'every revoked rule opens only TCP ports flagged by EC2.19' });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['tcp 22-22 10.0.0.0/8 ssh from the office', 'tcp 443-443 0.0.0.0/0 https']);
    expect(await rulesOf(groupId, 'out')).toEqual(egressBefore);
  });

  it('verify fails, for real, a group left open on ::/0 and one a person opened again after the fix', async () => {
    // Prepare: nothing applied to the first; the second fixed, then SSH put back from ::/0.
    const left = await securityGroup([tcp(5432, { v6: '::/0' }, 'postgres from anywhere')]);
    const reopened = await securityGroup([tcp(22, { v4: '0.0.0.0/0' })]);
    const ctx = contextFor(reopened);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await authorize(reopened, [tcp(22, { v6: '::/0' }, 'back again')]);
    // Act
    const leftResult = await playbook.verify(contextFor(left));
    const reopenedResult = await playbook.verify(ctx);
    // Assess
    expect(leftResult.compliant).toBe(false);
    expect(leftResult.detail).toBe(`${left} still allows TCP port 5432 from ::/0 ("postgres from anywhere") (EC2.19)`);
    expect(reopenedResult.compliant).toBe(false);
    expect(reopenedResult.detail).toContain('TCP port 22 from ::/0 ("back again")');
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
    expect((await playbook.verify(ctx)).compliant).toBe(false);
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

  it('plans nothing for a group that opens no high-risk TCP port to the internet', async () => {
    // Prepare
    const groupId = await securityGroup([tcp(443, { v4: '0.0.0.0/0' }), tcp(3389, { v4: '192.168.0.0/16' })]);
    const ctx = contextFor(groupId);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan).toEqual({ summary: `${groupId} opens none of the TCP ports EC2.19 checks to the internet`, changes: [] });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
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

  it('revokes only world-open TCP rules covering port 22 for an EC2.13 finding, keeping a world-open 3389', async () => {
    // Prepare: the legacy range opens 20-30, so revoking it closes 20, 21 and 23-30 too.
    const groupId = await securityGroup([...MIXED_INGRESS, rule('tcp', 20, 30, { v4: '0.0.0.0/0' }, 'legacy range')]);
    const ctx = contextFor(groupId, undefined, 'EC2.13');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Revoke inbound TCP ports 20-30 from 0.0.0.0/0 ("legacy range") on ${groupId}: it opens TCP port 22 to the internet, flagged by EC2.13. ` +
        'Revoking it also closes what EC2.13 does not flag: TCP 20-21, 23-30',
      `Revoke inbound TCP port 22 from 0.0.0.0/0 ("ssh from anywhere") on ${groupId}: it opens TCP port 22 to the internet, flagged by EC2.13`,
    ]);
    expect(plan.impact).toEqual({
      level: 'disruptive',
      why: 'revoking TCP ports 20-30 from 0.0.0.0/0 ("legacy range") also closes what EC2.13 does not flag: TCP 20-21, 23-30',
    });
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
    expect(plan.summary).toContain('flagged by EC2.14');
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
