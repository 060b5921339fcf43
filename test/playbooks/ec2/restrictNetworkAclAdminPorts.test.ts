import {
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateVpcCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  type CreateNetworkAclEntryCommandInput,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { restrictNetworkAclAdminPorts as playbook } from '../../../tasks/playbooks/ec2/restrictNetworkAclAdminPorts.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

type Entry = Omit<CreateNetworkAclEntryCommandInput, 'NetworkAclId' | 'Egress'> & { Egress?: boolean };

const tcp = (RuleNumber: number, from: number, to: number, source = '0.0.0.0/0'): Entry => ({
  RuleNumber,
  Protocol: '6',
  RuleAction: 'allow',
  ...(source.includes(':') ? { Ipv6CidrBlock: source } : { CidrBlock: source }),
  PortRange: { From: from, To: to },
});

describe('restrictNetworkAclAdminPorts (EC2.21) against moto', () => {
  const aws = useMoto();
  const ec2 = () => aws.clients().client(EC2Client);

  async function networkAcl(entries: Entry[]): Promise<string> {
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }));
    const { NetworkAcl } = await ec2().send(new CreateNetworkAclCommand({ VpcId: Vpc!.VpcId! }));
    const id = NetworkAcl!.NetworkAclId!;
    for (const e of entries) await ec2().send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, Egress: false, ...e }));
    return id;
  }
  const arnOf = (id: string) => `arn:aws:ec2:us-east-1:123456789012:network-acl/${id}`;
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsEc2NetworkAcl', resourceId: arnOf(id), controlId: 'EC2.21' }), aws.clients());
  /** Every entry of the ACL, both directions, in a stable order. */
  const entriesOf = async (id: string) =>
    ((await ec2().send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls![0]!.Entries ?? [])
      .map((e) => ({ n: e.RuleNumber, egress: e.Egress, protocol: e.Protocol, action: e.RuleAction, cidr: e.CidrBlock ?? e.Ipv6CidrBlock, ports: e.PortRange ? `${e.PortRange.From}-${e.PortRange.To}` : undefined }))
      .sort((a, b) => Number(a.egress) - Number(b.egress) || a.n! - b.n!);

  it('deletes SSH and RDP entries open to IPv4 and IPv6, keeps the rest, and a neighbouring ACL is untouched', async () => {
    // Prepare
    const entries = [tcp(100, 22, 22), tcp(110, 3389, 3389, '::/0'), tcp(120, 22, 22, '10.0.0.0/8'), tcp(130, 443, 443), { ...tcp(100, 22, 22), Egress: true }];
    const id = await networkAcl(entries);
    const neighbour = await networkAcl([tcp(100, 22, 22)]);
    const neighbourBefore = await entriesOf(neighbour);
    const ctx = contextFor(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((c) => c.description)).toEqual([
      'Delete inbound entry #100 allow TCP port 22 from 0.0.0.0/0',
      'Delete inbound entry #110 allow TCP port 3389 from ::/0',
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Network ACL ${id}: no inbound entry allows 22 or 3389 from 0.0.0.0/0 or ::/0` });
    const after = await entriesOf(id);
    expect(after.filter((e) => !e.egress).map((e) => e.n)).toEqual([120, 130]);
    expect(after.some((e) => e.egress && e.n === 100)).toBe(true);
    expect(await entriesOf(neighbour)).toEqual(neighbourBefore);
  });

  it('verify answers non-compliant for SSH from anywhere, for UDP 3389 and for all traffic from ::/0', async () => {
    // Prepare
    const ssh = await networkAcl([tcp(100, 0, 1024)]);
    const udp = await networkAcl([{ ...tcp(100, 3389, 3389), Protocol: '17' }]);
    const all = await networkAcl([{ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Ipv6CidrBlock: '::/0' }]);
    const denied = await networkAcl([{ ...tcp(100, 22, 22), RuleAction: 'deny' }]);
    // Act
    const results = await Promise.all([ssh, udp, all, denied].map(async (id) => (await playbook.verify(contextFor(id))).compliant));
    // Assess
    expect(results).toEqual([false, false, false, true]);
    expect((await playbook.verify(contextFor(ssh))).detail).toBe(`Network ACL ${ssh} allows admin ports from anywhere: #100 allow TCP 0-1024 from 0.0.0.0/0`);
  });

  it('narrows a wide entry around 22 and 3389 in its place, keeping every other port, and rollback restores it exactly', async () => {
    // Prepare
    const id = await networkAcl([tcp(100, 0, 65535), tcp(200, 80, 80)]);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    const entriesBefore = await entriesOf(id);
    // Act
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const fixed = (await entriesOf(id)).filter((e) => !e.egress);
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes.map((c) => c.description)).toEqual([
      'Narrow inbound entry #100 allow TCP 0-65535 from 0.0.0.0/0 to #100 allow TCP 0-21 from 0.0.0.0/0 (without 22 and 3389)',
      "Add inbound entry #101 allow TCP 23-3388 from 0.0.0.0/0 to keep the rest of #100's range",
      "Add inbound entry #102 allow TCP 3390-65535 from 0.0.0.0/0 to keep the rest of #100's range",
    ]);
    expect(fixed.map((e) => [e.n, e.ports])).toEqual([[100, '0-21'], [101, '23-3388'], [102, '3390-65535'], [200, '80-80']]);
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await entriesOf(id)).toEqual(entriesBefore);
  });

  it('rolls back deleted entries, and leaves an entry someone changed since', async () => {
    // Prepare
    const id = await networkAcl([tcp(100, 22, 22), tcp(110, 3389, 3389)]);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    await ec2().send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, Egress: false, ...tcp(110, 3389, 3389, '10.1.0.0/16') }));
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    const restored = (await entriesOf(id)).filter((e) => !e.egress);
    expect(restored.map((e) => [e.n, e.cidr])).toEqual([[100, '0.0.0.0/0'], [110, '10.1.0.0/16']]);
  });

  it('changes nothing when applied a second time, and plans nothing for a compliant ACL', async () => {
    // Prepare
    const id = await networkAcl([tcp(100, 0, 65535)]);
    const compliant = await networkAcl([tcp(100, 22, 22, '10.0.0.0/8'), tcp(110, 443, 443)]);
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await entriesOf(id);
    // Act
    await playbook.apply(ctx, plan);
    const compliantCtx = contextFor(compliant);
    const compliantPlan = await playbook.plan(compliantCtx, await playbook.snapshot(compliantCtx));
    // Assess
    expect(await entriesOf(id)).toEqual(afterFirst);
    expect(compliantPlan.changes).toEqual([]);
  });

  it('refuses an all-traffic entry from anywhere, and a split with no free rule number, changing nothing', async () => {
    // Prepare
    const all = await networkAcl([{ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0' }]);
    const crowded = await networkAcl([tcp(100, 0, 65535), tcp(101, 80, 80)]);
    const before = [await entriesOf(all), await entriesOf(crowded)];
    // Act
    const planAll = Promise.resolve().then(async () => playbook.plan(contextFor(all), await playbook.snapshot(contextFor(all)))).then(() => 'planned', (e: Error) => e.message);
    const planCrowded = Promise.resolve().then(async () => playbook.plan(contextFor(crowded), await playbook.snapshot(contextFor(crowded)))).then(() => 'planned', (e: Error) => e.message);
    // Assess
    expect(await planAll).toMatch(/#100 allow all traffic from 0.0.0.0\/0: narrowing it .* Rectify changed nothing/);
    expect(await planCrowded).toMatch(/rule numbers 101, 102, but #101 is taken/);
    expect([await entriesOf(all), await entriesOf(crowded)]).toEqual(before);
  });

  it('fails the snapshot of a network ACL that does not exist', async () => {
    // Act & Assess
    await expect(playbook.snapshot(contextFor('acl-0123456789abcdef0'))).rejects.toThrow();
  });
});
