import { CreateTransitGatewayCommand, DescribeTransitGatewaysCommand, EC2Client, ModifyTransitGatewayCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { disableTransitGatewayAutoAccept as playbook } from '../../../tasks/playbooks/ec2/disableTransitGatewayAutoAccept.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const gatewayArn = (id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:transit-gateway/${id}`;

describe('disableTransitGatewayAutoAccept (EC2.23) against moto', () => {
  const aws = useMoto();
  const ec2 = () => aws.clients().client(EC2Client);

  async function gateway(autoAccept: 'enable' | 'disable'): Promise<string> {
    const { TransitGateway } = await ec2().send(
      new CreateTransitGatewayCommand({
        Description: 'hub',
        Options: { AutoAcceptSharedAttachments: autoAccept, DnsSupport: 'enable', DefaultRouteTableAssociation: 'disable' },
      }),
    );
    return TransitGateway!.TransitGatewayId!;
  }
  const optionsOf = async (id: string) =>
    (await ec2().send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [id] }))).TransitGateways![0]!.Options!;
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsEc2TransitGateway', resourceId: gatewayArn(id), controlId: 'EC2.23' }), aws.clients());

  it('turns auto-accept off, leaves the other options and a neighbouring gateway alone', async () => {
    // Prepare
    const id = await gateway('enable');
    const neighbour = await gateway('enable');
    const ctx = contextFor(id);
    const before = await optionsOf(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ transitGatewayId: id, autoAcceptSharedAttachments: 'enable' });
    expect(plan.changes.map((c) => c.description)).toEqual([`Set AutoAcceptSharedAttachments to disable on transit gateway ${gatewayArn(id)}`]);
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('pendingAcceptance') });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Transit gateway ${id} has AutoAcceptSharedAttachments disable (EC2.23)` });
    expect(await optionsOf(id)).toEqual({ ...before, AutoAcceptSharedAttachments: 'disable' });
    expect((await optionsOf(neighbour)).AutoAcceptSharedAttachments).toBe('enable');
  });

  it('verify answers non-compliant for a gateway that auto-accepts, and again after it is turned back on', async () => {
    // Prepare
    const id = await gateway('enable');
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await ec2().send(new ModifyTransitGatewayCommand({ TransitGatewayId: id, Options: { AutoAcceptSharedAttachments: 'enable' } }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Transit gateway ${id} has AutoAcceptSharedAttachments enable (EC2.23)` });
    expect(fixed.compliant).toBe(true);
    expect(putBack.compliant).toBe(false);
  });

  it('rolls back to auto-accept on, twice without harm', async () => {
    // Prepare
    const id = await gateway('enable');
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
    expect((await optionsOf(id)).AutoAcceptSharedAttachments).toBe('enable');
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await gateway('enable');
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await optionsOf(id);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await optionsOf(id)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a gateway that does not auto-accept, and its rollback leaves it so', async () => {
    // Prepare
    const id = await gateway('disable');
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await optionsOf(id)).AutoAcceptSharedAttachments).toBe('disable');
  });

  it('refuses a transit gateway that does not exist', async () => {
    // Act
    const snapshot = playbook.snapshot(contextFor('tgw-0123456789abcdef0'));
    // Assess
    await expect(snapshot).rejects.toThrow(/transit gateway .*tgw-0123456789abcdef0 does not exist/);
  });
});
