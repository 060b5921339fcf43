import { describe, expect, it } from 'vitest';
import { launchConfigurationRequireImdsV2 } from '../../../tasks/playbooks/autoscaling/launchConfigurationRequireImdsV2.js';
import type { Playbook } from '../../../tasks/playbooks/definePlaybook.js';
import { useMoto } from '../../support/moto.js';
import { DEFINITION, launchConfigurations } from './launchConfigurationFixtures.js';

const playbook = launchConfigurationRequireImdsV2 as unknown as Playbook;
const OPTIONAL = { MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' } } as const;

describe('launchConfigurationRequireImdsV2 (AutoScaling.3) against moto', () => {
  const aws = useMoto();
  const lcs = launchConfigurations(() => aws.clients());

  it('copies the launch configuration with only HttpTokens required, moves every group using it, and deletes the original; a neighbour stays', async () => {
    // Prepare
    await lcs.create('web', OPTIONAL);
    await lcs.create('batch', OPTIONAL);
    await lcs.group('web-blue', 'web');
    await lcs.group('web-green', 'web');
    await lcs.group('batch', 'batch');
    const ctx = await lcs.contextFor(playbook, 'web', 'AutoScaling.3');
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toMatchObject({ compliant: false, detail: expect.stringContaining('still exists and does not') });
    expect(snapshot).toMatchObject({ name: 'web', groups: ['web-blue', 'web-green'], copy: null });
    expect(plan.changes.map((c) => c.description)).toEqual([
      expect.stringMatching(/^Create AWS::AutoScaling::LaunchConfiguration rectify-imdsv2-web \(a copy of web with HttpTokens required .*Rectify knows it by its name and definition; rollback removes it\); cost < \$1\/month/),
      expect.stringContaining('Point Auto Scaling group web-blue at rectify-imdsv2-web'),
      expect.stringContaining('Point Auto Scaling group web-green at rectify-imdsv2-web'),
      expect.stringContaining('Delete launch configuration web, which no group uses then'),
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(await lcs.read('web')).toBeUndefined();
    expect(await lcs.read('rectify-imdsv2-web')).toMatchObject({ ...DEFINITION, MetadataOptions: { ...OPTIONAL.MetadataOptions, HttpTokens: 'required' } });
    expect([await lcs.launchConfigurationOf('web-blue'), await lcs.launchConfigurationOf('web-green'), await lcs.launchConfigurationOf('batch')]).toEqual([
      'rectify-imdsv2-web',
      'rectify-imdsv2-web',
      'batch',
    ]);
    expect(await lcs.read('batch')).toMatchObject({ MetadataOptions: { HttpTokens: 'optional' } });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true, detail: expect.stringContaining('is deleted; its groups launch from rectify-imdsv2-web') });
  });

  it('verify fails a launch configuration that sets no metadata options (the rule fails "not included")', async () => {
    // Prepare
    await lcs.create('plain');
    await lcs.group('plain', 'plain');
    const ctx = await lcs.contextFor(playbook, 'plain', 'AutoScaling.3');
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect(before.compliant).toBe(false);
    expect(await lcs.read('rectify-imdsv2-plain')).toMatchObject({ MetadataOptions: { HttpTokens: 'required' } });
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('rolls back: the original is created again with its definition, the groups point at it, and the copy is deleted', async () => {
    // Prepare
    await lcs.create('orders', OPTIONAL);
    await lcs.group('orders', 'orders');
    const ctx = await lcs.contextFor(playbook, 'orders', 'AutoScaling.3');
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await lcs.read('rectify-imdsv2-orders')).toBeUndefined();
    expect(await lcs.launchConfigurationOf('orders')).toBe('orders');
    expect(await lcs.read('orders')).toMatchObject({ ...DEFINITION, ...OPTIONAL });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    await lcs.create('reports', OPTIONAL);
    await lcs.group('reports', 'reports');
    const ctx = await lcs.contextFor(playbook, 'reports', 'AutoScaling.3');
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const copy = await lcs.read('rectify-imdsv2-reports');
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await lcs.read('rectify-imdsv2-reports')).toEqual(copy);
    expect(await lcs.launchConfigurationOf('reports')).toBe('rectify-imdsv2-reports');
  });

  it('plans nothing for a launch configuration that requires IMDSv2', async () => {
    // Prepare
    await lcs.create('strict', { MetadataOptions: { HttpTokens: 'required' } });
    await lcs.group('strict', 'strict');
    const ctx = await lcs.contextFor(playbook, 'strict', 'AutoScaling.3');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('refuses a launch configuration no group uses, and one with an instance profile; nothing changes', async () => {
    // Prepare
    await lcs.create('unused', OPTIONAL);
    await lcs.create('with-role', { ...OPTIONAL, IamInstanceProfile: 'web-profile' });
    await lcs.group('with-role', 'with-role');
    const unused = await lcs.contextFor(playbook, 'unused', 'AutoScaling.3');
    const withRole = await lcs.contextFor(playbook, 'with-role', 'AutoScaling.3');
    // Act: one after the other, each refusal caught where it is made
    const refusal = async (ctx: typeof unused) => {
      try {
        await playbook.plan(ctx, await playbook.snapshot(ctx));
        return 'planned';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const unusedRefused = await refusal(unused);
    const withRoleRefused = await refusal(withRole);
    // Assess
    expect(unusedRefused).toMatch(/no Auto Scaling group uses it/);
    expect(withRoleRefused).toMatch(/iam:PassRole/);
    expect(await lcs.read('unused')).toBeDefined();
    expect(await lcs.launchConfigurationOf('with-role')).toBe('with-role');
  });

  it('fails the snapshot of a missing launch configuration', async () => {
    // Prepare
    const ctx = await lcs.contextFor(playbook, 'gone', 'AutoScaling.3');
    // Act / Assess
    await expect(playbook.snapshot(ctx)).rejects.toThrow(/was not found/);
  });
});
