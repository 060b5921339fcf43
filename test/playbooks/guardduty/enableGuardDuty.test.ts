import { CreateDetectorCommand, GetDetectorCommand, GuardDutyClient, ListDetectorsCommand, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableGuardDuty as playbook } from '../../../tasks/playbooks/guardduty/enableGuardDuty.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../../workflows/local/awsEnv.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('enableGuardDuty (GuardDuty.1) against moto', () => {
  const aws = useMoto();
  // Each test uses its own region: GuardDuty allows one detector per account and region, and moto keeps them across tests.
  const guardduty = (region: string) => aws.clients(LOCAL_ADMIN_ACCOUNT, region).client(GuardDutyClient);
  const contextFor = (region: string) =>
    createPlaybookContext(
      playbook,
      requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${LOCAL_ADMIN_ACCOUNT}`, controlId: 'GuardDuty.1', region }),
      aws.clients(LOCAL_ADMIN_ACCOUNT, region),
    );
  const detectorsIn = async (region: string) => (await guardduty(region).send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  const detector = async (region: string, DetectorId: string) => guardduty(region).send(new GetDetectorCommand({ DetectorId }));

  it('creates a detector tagged ours where there is none, and leaves other regions alone', async () => {
    // Prepare
    const ctx = contextFor('eu-west-1');
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ detectorId: null, enabled: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ creates: { type: 'AWS::GuardDuty::Detector', monthlyCost: '$10–100' } });
    expect(plan.changes[0]!.description).toContain('rollback removes it');
    const [id] = await detectorsIn('eu-west-1');
    expect(await detector('eu-west-1', id!)).toMatchObject({ Status: 'ENABLED', Tags: { 'rectify:created-by': 'guardduty-enable-detector' } });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `GuardDuty in account ${LOCAL_ADMIN_ACCOUNT} in eu-west-1: detector ${id} is enabled` });
    expect(await detectorsIn('eu-west-2')).toEqual([]);
  });

  it('verify answers non-compliant without a detector and with a disabled one', async () => {
    // Prepare
    const ctx = contextFor('eu-west-3');
    // Act
    const none = await playbook.verify(ctx);
    const { DetectorId } = await guardduty('eu-west-3').send(new CreateDetectorCommand({ Enable: false }));
    const disabled = await playbook.verify(ctx);
    // Assess
    expect(none).toEqual({ compliant: false, detail: `GuardDuty in account ${LOCAL_ADMIN_ACCOUNT} in eu-west-3: there is no detector` });
    expect(disabled).toEqual({ compliant: false, detail: `GuardDuty in account ${LOCAL_ADMIN_ACCOUNT} in eu-west-3: detector ${DetectorId} is disabled` });
  });

  it('re-enables a disabled detector rather than creating one, and rollback disables it again', async () => {
    // Prepare
    const { DetectorId } = await guardduty('ap-south-1').send(new CreateDetectorCommand({ Enable: false, FindingPublishingFrequency: 'SIX_HOURS', Tags: { team: 'sec' } }));
    const ctx = contextFor('ap-south-1');
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    // Act
    await playbook.apply(ctx, plan);
    const applied = await detector('ap-south-1', DetectorId!);
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes.map((c) => c.description)[0]).toMatch(new RegExp(`^Enable GuardDuty detector ${DetectorId} .* again`));
    expect(applied).toMatchObject({ Status: 'ENABLED', FindingPublishingFrequency: 'SIX_HOURS', Tags: { team: 'sec' } });
    expect(await detectorsIn('ap-south-1')).toEqual([DetectorId]);
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });

  it('rollback deletes the detector it created, but not a detector a person created since the snapshot', async () => {
    // Prepare
    const ctx = contextFor('ap-northeast-1');
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    const other = contextFor('ap-northeast-2');
    const otherBefore = await playbook.snapshot(other);
    // A person's detector (no rectify:created-by tag) appears where the snapshot saw none.
    const { DetectorId: theirs } = await guardduty('ap-northeast-2').send(new CreateDetectorCommand({ Enable: true, Tags: { team: 'sec' } }));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    await playbook.rollback(other, otherBefore);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await detectorsIn('ap-northeast-1')).toEqual([]);
    expect(await detectorsIn('ap-northeast-2')).toEqual([theirs]);
  });

  it('changes nothing when applied twice, and plans nothing where GuardDuty is on', async () => {
    // Prepare
    const ctx = contextFor('ca-central-1');
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await detectorsIn('ca-central-1');
    // Act
    await playbook.apply(ctx, plan);
    const again = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(afterFirst).toHaveLength(1);
    expect(await detectorsIn('ca-central-1')).toEqual(afterFirst);
    expect(again.changes).toEqual([]);
  });

  it('leaves an enabled detector someone disabled-and-re-enabled alone on rollback when the snapshot had it on', async () => {
    // Prepare
    const { DetectorId } = await guardduty('sa-east-1').send(new CreateDetectorCommand({ Enable: true }));
    const ctx = contextFor('sa-east-1');
    const before = await playbook.snapshot(ctx);
    // Act
    await playbook.rollback(ctx, before);
    await guardduty('sa-east-1').send(new UpdateDetectorCommand({ DetectorId: DetectorId!, Enable: true }));
    // Assess
    expect(before).toEqual({ detectorId: DetectorId, enabled: true });
    expect((await detector('sa-east-1', DetectorId!)).Status).toBe('ENABLED');
  });
});
