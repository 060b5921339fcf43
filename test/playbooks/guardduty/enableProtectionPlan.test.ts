import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand, UpdateDetectorCommand, type UpdateDetectorCommandInput } from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableProtectionPlan as playbook } from '../../../tasks/playbooks/guardduty/enableProtectionPlan.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

/**
 * moto 5.2.1's UpdateDetector replaces the whole Features list, so GuardDuty is stubbed as its API
 * reference documents it: UpdateDetector changes the status of the features it names and keeps the
 * others; GetDetector reports every feature with its status.
 */
function stubbedGuardDuty(controlId: string, features: Record<string, 'ENABLED' | 'DISABLED'> | null) {
  const client = new GuardDutyClient({ region: 'us-east-1' });
  const guardduty = mockClient(client);
  const state = { features: { ...(features ?? {}) } };
  guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: features ? ['d-1'] : [] });
  guardduty.on(GetDetectorCommand).callsFake(async () => ({
    Status: 'ENABLED',
    Tags: { team: 'security' },
    ServiceRole: 'arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty',
    Features: Object.entries(state.features).map(([Name, Status]) => ({ Name, Status })),
  }));
  guardduty.on(UpdateDetectorCommand).callsFake(async (input: UpdateDetectorCommandInput) => {
    for (const f of input.Features ?? []) state.features[f.Name!] = f.Status as 'ENABLED' | 'DISABLED';
    return {};
  });
  // A finding of these controls names the detector; with none (no detector) it names the account.
  const resourceId = features ? 'arn:aws:guardduty:us-east-1:123456789012:detector/d-1' : 'AWS::::Account:123456789012';
  const request = requestFor({ resourceType: features ? 'AwsGuardDutyDetector' : 'AwsAccount', resourceId, controlId });
  return { guardduty, state, ctx: createPlaybookContext(playbook, request, stubbedClients([client])) };
}

const ALL_OFF = { S3_DATA_EVENTS: 'DISABLED', EKS_AUDIT_LOGS: 'DISABLED', RDS_LOGIN_EVENTS: 'DISABLED', LAMBDA_NETWORK_LOGS: 'DISABLED' } as const;

describe('enableProtectionPlan (GuardDuty.5, .6, .9, .10), GuardDuty stubbed', () => {
  it.each([
    ['GuardDuty.5', 'EKS_AUDIT_LOGS'],
    ['GuardDuty.6', 'LAMBDA_NETWORK_LOGS'],
    ['GuardDuty.9', 'RDS_LOGIN_EVENTS'],
    ['GuardDuty.10', 'S3_DATA_EVENTS'],
  ])('%s turns on %s alone with one UpdateDetector, the other plans unchanged', async (controlId, feature) => {
    // Prepare
    const { guardduty, state, ctx } = stubbedGuardDuty(controlId, ALL_OFF);
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before.compliant).toBe(false);
    expect(plan.impact?.level).toBe('disruptive');
    expect(guardduty.commandCalls(UpdateDetectorCommand).map((c) => c.args[0].input)).toEqual([{ DetectorId: 'd-1', Features: [{ Name: feature, Status: 'ENABLED' }] }]);
    expect(state.features).toEqual({ ...ALL_OFF, [feature]: 'ENABLED' });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await playbook.readTags!(ctx)).toEqual({ team: 'security' });
    // ListDetectors only where the finding names no detector (the refusal below).
    expect(actionsSentTo({ GuardDuty: guardduty })).toEqual(new Set(playbook.permissions.filter((a) => a !== 'guardduty:ListDetectors')));
  });

  it('rolls back to off, twice with one change, and the snapshot is as before', async () => {
    // Prepare
    const { guardduty, ctx } = stubbedGuardDuty('GuardDuty.10', ALL_OFF);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(guardduty.commandCalls(UpdateDetectorCommand).map((c) => c.args[0].input.Features)).toEqual([
      [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }],
      [{ Name: 'S3_DATA_EVENTS', Status: 'DISABLED' }],
    ]);
  });

  it('changes nothing when applied twice; an enabled plan plans nothing and rollback leaves it on', async () => {
    // Prepare
    const { guardduty, ctx } = stubbedGuardDuty('GuardDuty.9', ALL_OFF);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    const on = stubbedGuardDuty('GuardDuty.9', { ...ALL_OFF, RDS_LOGIN_EVENTS: 'ENABLED' });
    // Act
    await playbook.apply(ctx, plan);
    await playbook.apply(ctx, plan);
    const onSnapshot = await playbook.snapshot(on.ctx);
    const onPlan = await playbook.plan(on.ctx, onSnapshot);
    await playbook.rollback(on.ctx, onSnapshot);
    // Assess
    expect(guardduty.commandCalls(UpdateDetectorCommand)).toHaveLength(1);
    expect(onPlan.changes).toEqual([]);
    expect(on.guardduty.commandCalls(UpdateDetectorCommand)).toEqual([]);
  });

  it('refuses a region without a detector before any change, pointing at GuardDuty.1', async () => {
    // Prepare
    const { guardduty, ctx } = stubbedGuardDuty('GuardDuty.6', null);
    // Act
    const snapshotting = playbook.snapshot(ctx);
    // Assess
    await expect(snapshotting).rejects.toThrow(/GuardDuty is not enabled .* Remediate GuardDuty.1 first/);
    expect(guardduty.commandCalls(UpdateDetectorCommand)).toEqual([]);
    expect(actionsSentTo({ GuardDuty: guardduty })).toEqual(new Set(['guardduty:ListDetectors']));
  });
});
