import { DeleteSecurityGroupCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ErrorName } from '../../../tasks/domain/constants.js';
import { InvalidControlParametersError } from '../../../tasks/domain/errors.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import type { Plan } from '../../../tasks/playbooks/definePlaybook.js';
import { revokeWorldOpenUnauthorizedPorts as playbook } from '../../../tasks/playbooks/ec2/revokeWorldOpenUnauthorizedPorts.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { rule, securityGroups, withoutIds } from './revokeWorldOpenFixtures.js';

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

/** Every EC2.18 plan waits for a person (see the playbook); this is its why when nothing else closes. */
const BASE_WHY = 'it closes ports open to the internet that EC2.18 does not authorize, which are usually open on purpose';

describe('revokeWorldOpenUnauthorizedPorts (EC2.18) against moto', () => {
  const aws = useMoto();
  const { ec2, securityGroup, rulesOf, authorize } = securityGroups(aws);

  function contextFor(groupId: string, settings?: unknown, controlParameters?: Record<string, string[]>) {
    const request = requestFor({
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`,
      controlId: 'EC2.18',
      controlParameters,
    });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

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
    expect(plan.impact).toEqual({ level: 'disruptive', why: BASE_WHY });
    expect(plan.summary).not.toContain('Disruptive');
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
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify fails, for real, a group left open to all traffic on ::/0 and one a person opened again after the fix', async () => {
    // Prepare: nothing applied to the first; the second fixed, then 8080 put back.
    const left = await securityGroup([rule('-1', -1, -1, { v6: '::/0' }, 'everything over ipv6'), rule('tcp', 443, 443, { v4: '0.0.0.0/0' })]);
    const reopened = await securityGroup([rule('tcp', 22, 22, { v4: '0.0.0.0/0' })]);
    const ctx = contextFor(reopened);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await authorize(reopened, [rule('tcp', 8080, 8080, { v4: '0.0.0.0/0' }, 'back again')]);
    // Act
    const leftResult = await playbook.verify(contextFor(left));
    const reopenedResult = await playbook.verify(ctx);
    // Assess
    expect(leftResult.compliant).toBe(false);
    expect(leftResult.detail).toContain(`${left} still allows all traffic from ::/0 ("everything over ipv6")`);
    expect(reopenedResult.compliant).toBe(false);
    expect(reopenedResult.detail).toContain('TCP port 8080 from 0.0.0.0/0 ("back again")');
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

  it('counts all-traffic rules and ranges that reach past the list of the finding\'s authorized ports', async () => {
    // Prepare
    const groupId = await securityGroup([
      rule('-1', -1, -1, { v6: '::/0' }),
      rule('tcp', 80, 443, { v4: '0.0.0.0/0' }),
      rule('tcp', 8443, 8443, { v4: '0.0.0.0/0' }),
      rule('udp', 1194, 1194, { v4: '0.0.0.0/0' }),
    ]);
    const ctx = contextFor(groupId, undefined, { authorizedTcpPorts: ['80', '443', '8443'], authorizedUdpPorts: ['1194'] });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    const allTrafficCloses = 'TCP 80, 443, 8443; UDP 1194; every protocol other than TCP and UDP (ICMP among them)';
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Revoke inbound all traffic from ::/0 on ${groupId}: it opens ports to the internet that are not authorized (authorized: TCP 80, 443, 8443; UDP 1194). ` +
        `Revoking it also closes what EC2.18 does not flag: ${allTrafficCloses}`,
      `Revoke inbound TCP ports 80-443 from 0.0.0.0/0 on ${groupId}: it opens ports to the internet that are not authorized (authorized: TCP 80, 443, 8443). ` +
        'Revoking it also closes what EC2.18 does not flag: TCP 80, 443',
    ]);
    const why =
      `${BASE_WHY}. Revoking all traffic from ::/0 also closes what EC2.18 does not flag: ${allTrafficCloses}. ` +
      'Revoking TCP ports 80-443 from 0.0.0.0/0 also closes what EC2.18 does not flag: TCP 80, 443';
    expect(plan.impact).toEqual({ level: 'disruptive', why });
    expect(plan.summary).toContain(`. Disruptive: ${why}`);
    expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['tcp 8443-8443 0.0.0.0/0', 'udp 1194-1194 0.0.0.0/0']);
    // Settings have no defaults of their own: Security Hub's are the parameters'.
    expect(playbook.settings.parse({})).toEqual({});
    expect(playbook.settings.safeParse({ authorizedTcpPorts: [0] }).success).toBe(false);
  });

  describe('EC2.18 control parameters', () => {
    const WORLD_OPEN_8443_AND_3389 = [
      rule('tcp', 443, 443, { v4: '0.0.0.0/0' }, 'https'),
      rule('tcp', 8443, 8443, { v4: '0.0.0.0/0' }, 'public api'),
      rule('tcp', 3389, 3389, { v4: '0.0.0.0/0' }, 'rdp'),
    ];
    const AUTHORIZED_80_443_8443 = { authorizedTcpPorts: ['80', '443', '8443'] };
    const revokedPorts = (plan: Plan) => plan.changes.map((change) => /TCP port (\d+) /.exec(change.description)?.[1]);

    it('keeps 8443 open when the finding authorizes TCP 80, 443 and 8443, still revokes 3389, and says where the list came from', async () => {
      // Prepare
      const groupId = await securityGroup(WORLD_OPEN_8443_AND_3389);
      const ctx = contextFor(groupId, undefined, AUTHORIZED_80_443_8443);
      // Act
      const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
      await playbook.apply(ctx, plan);
      // Assess
      expect(plan.summary).toBe(
        `Revoke 1 world-open ingress rule(s) to unauthorized ports on ${groupId}; ` +
          "authorized: TCP 80, 443, 8443 (from the finding's control parameters), no UDP port (Security Hub's default)",
      );
      expect(revokedPorts(plan)).toEqual(['3389']);
      expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['tcp 443-443 0.0.0.0/0 https', 'tcp 8443-8443 0.0.0.0/0 public api']);
      expect(await playbook.verify(ctx)).toMatchObject({ compliant: true, detail: expect.stringContaining("TCP 80, 443, 8443 (from the finding's control parameters)") });
    });

    it('verifies against the finding\'s authorized ports: a world-open 8443 passes only when the finding authorizes it', async () => {
      // Prepare
      const groupId = await securityGroup([rule('tcp', 8443, 8443, { v4: '0.0.0.0/0' })]);
      // Act
      const withParameters = await playbook.verify(contextFor(groupId, undefined, AUTHORIZED_80_443_8443));
      const withDefaults = await playbook.verify(contextFor(groupId));
      // Assess
      expect(withParameters).toMatchObject({ compliant: true });
      expect(withDefaults).toMatchObject({ compliant: false, detail: expect.stringContaining("TCP 80, 443 (Security Hub's default)") });
    });

    it('a policy setting overrides the finding\'s parameter: it may authorize fewer ports, so 8443 is revoked too', async () => {
      // Prepare
      const groupId = await securityGroup(WORLD_OPEN_8443_AND_3389);
      const ctx = contextFor(groupId, { authorizedTcpPorts: [80, 443] }, AUTHORIZED_80_443_8443);
      // Act
      const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
      await playbook.apply(ctx, plan);
      // Assess
      expect(plan.summary).toContain("authorized: TCP 80, 443 (from the policy's playbook settings), no UDP port (Security Hub's default)");
      expect(revokedPorts(plan).sort()).toEqual(['3389', '8443']);
      expect(withoutIds(await rulesOf(groupId, 'in'))).toEqual(['tcp 443-443 0.0.0.0/0 https']);
      expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    });

    it('refuses a policy setting that authorizes more than the control, before changing anything', async () => {
      // Prepare: Security Hub would still fail a group left open on 8443.
      const groupId = await securityGroup(WORLD_OPEN_8443_AND_3389);
      const before = await rulesOf(groupId, 'in');
      const ctx = contextFor(groupId, { authorizedTcpPorts: [80, 443, 8443] });
      // Act
      const planning = Promise.resolve().then(async () => playbook.plan(ctx, await playbook.snapshot(ctx)));
      // Assess
      await expect(planning).rejects.toMatchObject({
        name: ErrorName.InvalidControlParameters,
        message: expect.stringMatching(/setting authorizedTcpPorts \(80, 443, 8443\) is less strict than the control's authorizedTcpPorts \(80, 443, Security Hub's default\).*remove it from the policy's playbookSettings/),
      });
      await expect(playbook.verify(ctx)).rejects.toMatchObject({ name: ErrorName.InvalidControlParameters });
      expect(await rulesOf(groupId, 'in')).toEqual(before);
    });

    it.each([
      ['a value that is not a port', { authorizedTcpPorts: ['abc'] }, /control parameter "authorizedTcpPorts" = \["abc"\] is not valid/],
      ['a port out of range', { authorizedTcpPorts: ['80', '70000'] }, /control parameter "authorizedTcpPorts" = \["80","70000"\] is not valid/],
      ['an unknown name', { authorizedSctpPorts: ['80'] }, /control parameter "authorizedSctpPorts" is not one playbook ec2-revoke-world-open-unauthorized-ports knows \(authorizedTcpPorts, authorizedUdpPorts\)/],
    ])('fails closed with InvalidControlParameters on %s, naming the finding, and changes nothing', async (_case, parameters, message) => {
      // Prepare
      const groupId = await securityGroup(WORLD_OPEN_8443_AND_3389);
      const before = await rulesOf(groupId, 'in');
      // Act
      const building = () => contextFor(groupId, undefined, parameters);
      // Assess: without a context no playbook step can run.
      expect(building).toThrow(InvalidControlParametersError);
      expect(building).toThrow(message);
      expect(building).toThrow(new RegExp(`finding arn:aws:securityhub:.*EC2\\.18/finding/.*${groupId} \\(control EC2\\.18\\).*Nothing was changed`));
      expect(await rulesOf(groupId, 'in')).toEqual(before);
    });

    it('an empty value is Security Hub\'s default, not an empty list of ports', async () => {
      // Prepare: Security Hub sends authorizedUdpPorts: [] when it has no default.
      const groupId = await securityGroup([rule('tcp', 443, 443, { v4: '0.0.0.0/0' })]);
      // Act
      const ctx = contextFor(groupId, undefined, { authorizedTcpPorts: [], authorizedUdpPorts: [] });
      // Assess
      expect(ctx.parameters).toEqual({ authorizedTcpPorts: [80, 443], authorizedUdpPorts: [] });
      expect(ctx.parametersFromFinding).toEqual([]);
      expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    });
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
