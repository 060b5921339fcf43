import { DisableMacieCommand, EnableMacieCommand, GetMacieSessionCommand, Macie2Client, type EnableMacieCommandInput } from '@aws-sdk/client-macie2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableMacie as playbook } from '../../../tasks/playbooks/macie/enableMacie.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

/**
 * moto 5.2.1 answers GetMacieSession with dates the SDK refuses ("Invalid RFC-3339 date-time value")
 * and starts every region with Macie on, so Macie is stubbed as the Macie API reference documents it:
 * GetMacieSession answers AccessDeniedException "Macie is not enabled" where Macie is off, the session
 * (status ENABLED or PAUSED) where it is on; EnableMacie turns it on; DisableMacie turns it off.
 */
function stubbedMacie(initial: 'ENABLED' | 'PAUSED' | 'NONE') {
  const client = new Macie2Client({ region: 'eu-west-1' });
  const macie = mockClient(client);
  const state = { status: initial };
  macie.on(GetMacieSessionCommand).callsFake(async () => {
    if (state.status === 'NONE') throw Object.assign(new Error('Macie is not enabled.'), { name: 'AccessDeniedException' });
    return { status: state.status, findingPublishingFrequency: 'FIFTEEN_MINUTES', serviceRole: 'arn:aws:iam::123456789012:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie' };
  });
  macie.on(EnableMacieCommand).callsFake(async (input: EnableMacieCommandInput) => {
    if (state.status !== 'NONE') throw Object.assign(new Error('Macie is already enabled'), { name: 'ConflictException' });
    state.status = input.status ?? 'ENABLED';
    return {};
  });
  macie.on(DisableMacieCommand).callsFake(async () => {
    state.status = 'NONE';
    return {};
  });
  const request = requestFor({ resourceType: 'AwsAccount', resourceId: 'AWS::::Account:123456789012', controlId: 'Macie.1', region: 'eu-west-1' });
  return { macie, state, ctx: createPlaybookContext(playbook, request, stubbedClients([client], '123456789012', 'eu-west-1')) };
}

describe('enableMacie (Macie.1), Macie stubbed', () => {
  it('turns Macie on where it is off with one EnableMacie, and declares exactly the actions it used', async () => {
    // Prepare
    const { macie, state, ctx } = stubbedMacie('NONE');
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    const verified = await playbook.verify(ctx);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(snapshot).toEqual({ status: 'NONE' });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.summary).toContain('Macie adds cost');
    expect(plan.changes[0]!.description).toContain('deletes the configuration and findings Macie made');
    expect(macie.commandCalls(EnableMacieCommand).map((c) => c.args[0].input)).toEqual([{ status: 'ENABLED' }]);
    expect(verified).toEqual({ compliant: true, detail: 'Macie in account 123456789012 in eu-west-1 is enabled' });
    expect(state.status).toBe('NONE');
    // EnableMacie needs iam:CreateServiceLinkedRole too (test/permissions/sdkActions.ts).
    expect(actionsSentTo({ Macie2: macie })).toEqual(new Set(playbook.permissions));
  });

  it('verify answers non-compliant where Macie is off and where it is paused', async () => {
    // Act
    const off = await playbook.verify(stubbedMacie('NONE').ctx);
    const paused = await playbook.verify(stubbedMacie('PAUSED').ctx);
    // Assess
    expect(off).toEqual({ compliant: false, detail: 'Macie in account 123456789012 in eu-west-1 is not enabled' });
    expect(paused).toEqual({ compliant: false, detail: 'Macie in account 123456789012 in eu-west-1 is paused' });
  });

  it('refuses to resume a paused Macie and sends no change', async () => {
    // Prepare
    const { macie, ctx } = stubbedMacie('PAUSED');
    // Act
    const planning = await (async () => playbook.plan(ctx, await playbook.snapshot(ctx)))().catch((error: Error) => error);
    const applying = await playbook.apply(ctx, { summary: '', changes: [] }).catch((error: Error) => error);
    // Assess
    expect(String(planning)).toMatch(/Macie is paused .* Nothing was changed/);
    expect(String(applying)).toMatch(/Rectify does not resume a deliberate pause/);
    expect(macie.commandCalls(EnableMacieCommand)).toEqual([]);
  });

  it('rolls back to off, twice with one DisableMacie', async () => {
    // Prepare
    const { macie, ctx } = stubbedMacie('NONE');
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(macie.commandCalls(DisableMacieCommand)).toHaveLength(1);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied twice; where Macie is on, plans nothing and rollback never disables it', async () => {
    // Prepare
    const { macie, ctx } = stubbedMacie('NONE');
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    const on = stubbedMacie('ENABLED');
    // Act
    await playbook.apply(ctx, plan);
    await playbook.apply(ctx, plan);
    const onSnapshot = await playbook.snapshot(on.ctx);
    const onPlan = await playbook.plan(on.ctx, onSnapshot);
    await playbook.rollback(on.ctx, onSnapshot);
    // Assess
    expect(macie.commandCalls(EnableMacieCommand)).toHaveLength(1);
    expect(onPlan.changes).toEqual([]);
    expect(on.macie.commandCalls(DisableMacieCommand)).toEqual([]);
    expect(on.state.status).toBe('ENABLED');
  });

  it('does not take a real permission error for "Macie is off"', async () => {
    // Prepare
    const { macie, ctx } = stubbedMacie('NONE');
    macie.on(GetMacieSessionCommand).rejects(Object.assign(new Error('User is not authorized to perform: macie2:GetMacieSession'), { name: 'AccessDeniedException' }));
    // Act
    const verifying = playbook.verify(ctx);
    // Assess
    await expect(verifying).rejects.toThrow(/not authorized/);
  });
});
