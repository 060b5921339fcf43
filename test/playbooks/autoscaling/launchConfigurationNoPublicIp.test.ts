import { describe, expect, it } from 'vitest';
import { launchConfigurationNoPublicIp } from '../../../tasks/playbooks/autoscaling/launchConfigurationNoPublicIp.js';
import type { Playbook } from '../../../tasks/playbooks/definePlaybook.js';
import { useMoto } from '../../support/moto.js';
import { DEFINITION, launchConfigurations } from './launchConfigurationFixtures.js';

const playbook = launchConfigurationNoPublicIp as unknown as Playbook;
const PUBLIC = { AssociatePublicIpAddress: true, MetadataOptions: { HttpTokens: 'optional' } } as const;

describe('launchConfigurationNoPublicIp (Autoscaling.5) against moto', () => {
  const aws = useMoto();
  const lcs = launchConfigurations(() => aws.clients());

  it('copies the launch configuration with AssociatePublicIpAddress false only, moves its group and deletes the original; a neighbour stays', async () => {
    // Prepare
    await lcs.create('web', PUBLIC);
    await lcs.create('edge', PUBLIC);
    await lcs.group('web', 'web');
    await lcs.group('edge', 'edge');
    const ctx = await lcs.contextFor(playbook, 'web', 'Autoscaling.5');
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before.compliant).toBe(false);
    expect(plan.changes[0]!.description).toMatch(/^Create AWS::AutoScaling::LaunchConfiguration rectify-no-public-ip-web .*AssociatePublicIpAddress false/);
    expect(await lcs.read('web')).toBeUndefined();
    expect(await lcs.read('rectify-no-public-ip-web')).toMatchObject({ ...DEFINITION, AssociatePublicIpAddress: false, MetadataOptions: { HttpTokens: 'optional' } });
    expect(await lcs.launchConfigurationOf('web')).toBe('rectify-no-public-ip-web');
    expect(await lcs.read('edge')).toMatchObject({ AssociatePublicIpAddress: true });
    expect(await lcs.launchConfigurationOf('edge')).toBe('edge');
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('rolls back to the snapshot and leaves no copy; applying twice changes nothing', async () => {
    // Prepare
    await lcs.create('orders', PUBLIC);
    await lcs.group('orders', 'orders');
    const ctx = await lcs.contextFor(playbook, 'orders', 'Autoscaling.5');
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    await playbook.apply(ctx, plan);
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await lcs.read('rectify-no-public-ip-orders')).toBeUndefined();
    expect(await lcs.launchConfigurationOf('orders')).toBe('orders');
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('plans nothing for a launch configuration that assigns no public IP', async () => {
    // Prepare
    await lcs.create('private', { AssociatePublicIpAddress: false });
    await lcs.group('private', 'private');
    const ctx = await lcs.contextFor(playbook, 'private', 'Autoscaling.5');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fails the snapshot of a missing launch configuration', async () => {
    // Prepare
    const ctx = await lcs.contextFor(playbook, 'gone', 'Autoscaling.5');
    // Act / Assess
    await expect(playbook.snapshot(ctx)).rejects.toThrow(/was not found/);
  });
});
