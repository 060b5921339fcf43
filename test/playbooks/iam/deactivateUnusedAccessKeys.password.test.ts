import { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { impactOf } from '../../../tasks/playbooks/definePlaybook.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { RANDOM_PASSWORD_LENGTH } from '../../../tasks/playbooks/iam/consolePassword.js';
import { deactivateUnusedAccessKeys as playbook } from '../../../tasks/playbooks/iam/deactivateUnusedAccessKeys.js';
import { recordCalls } from '../../../workflows/local/sdkFaults.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { hasLoginProfile, statusesOf, userWithKeys, withPassword, withShiftedKeyDates, type KeyDateShifts } from './keyDates.js';

const DATE = '\\d{4}-\\d{2}-\\d{2}';

describe('deactivateUnusedAccessKeys (IAM.8): console passwords, against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);

  /** A context whose IAM client sees the shifted passwords and keys as created / last used that many days ago. */
  function contextFor(userArn: string, shifts: Partial<KeyDateShifts>, settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsIamUser', resourceId: userArn, controlId: 'IAM.8' });
    const clients = withShiftedKeyDates(aws.clients(), { created: {}, lastUsed: {}, ...shifts });
    return createPlaybookContext(playbook, request, clients, settings);
  }

  it('verify fails a password never used for 120 days; the disruptive plan deletes it and leaves keys and other users alone', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 1);
    const bob = await userWithKeys(iam(), 'bob', 0);
    await withPassword(iam(), alice.userName);
    await withPassword(iam(), bob.userName);
    const ctx = contextFor(alice.arn, { passwordCreated: { [alice.userName]: 120, [bob.userName]: 120 } });
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `IAM user ${alice.userName} still has a console password unused for more than 90 days` });
    expect(plan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(new RegExp(`^Delete the console password of IAM user ${alice.userName}: never used, created ${DATE}, 120 days ago \\(limit 90 days\\)$`)),
    ]);
    expect(impactOf(playbook, plan)).toEqual({ level: 'disruptive', why: expect.stringMatching(/can no longer sign in.*cannot bring the old password back.*administrator/) });
    expect(await hasLoginProfile(iam(), alice.userName)).toBe(false);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await hasLoginProfile(iam(), bob.userName)).toBe(true);
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [alice.keyIds[0]!]: 'Active' });
  });

  it('counts a password from its last sign-in, not its creation', async () => {
    // Prepare
    const dormant = await userWithKeys(iam(), 'dormant', 0);
    const active = await userWithKeys(iam(), 'active', 0);
    await withPassword(iam(), dormant.userName);
    await withPassword(iam(), active.userName);
    const shifts = {
      passwordCreated: { [dormant.userName]: 400, [active.userName]: 400 },
      passwordLastUsed: { [dormant.userName]: 120, [active.userName]: 10 },
    };
    // Act
    const dormantCtx = contextFor(dormant.arn, shifts);
    const activeCtx = contextFor(active.arn, shifts);
    const dormantPlan = await playbook.plan(dormantCtx, await playbook.snapshot(dormantCtx));
    const activePlan = await playbook.plan(activeCtx, await playbook.snapshot(activeCtx));
    // Assess
    expect(dormantPlan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(new RegExp(`^Delete the console password of IAM user ${dormant.userName}: last used ${DATE}, 120 days ago \\(limit 90 days\\)$`)),
    ]);
    expect(activePlan.changes).toEqual([]);
    expect(activePlan.impact).toBeUndefined();
    expect(await playbook.verify(activeCtx)).toMatchObject({ compliant: true });
  });

  it('a password created recently and never used is not unused yet', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 0);
    await withPassword(iam(), alice.userName);
    const ctx = contextFor(alice.arn, { passwordCreated: { [alice.userName]: 30 } });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await hasLoginProfile(iam(), alice.userName)).toBe(true);
  });

  it('rolls back with a new random password that must be reset, since AWS keeps no copy of the old one', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 1);
    await withPassword(iam(), alice.userName);
    const ctx = contextFor(alice.arn, { created: { [alice.keyIds[0]!]: 120 }, passwordCreated: { [alice.userName]: 120 } });
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    const recording = recordCalls();
    // Act
    try {
      await playbook.rollback(ctx, before);
      await playbook.rollback(ctx, before);
    } finally {
      recording.stop();
    }
    // Assess
    expect(before).toMatchObject({ consolePassword: true });
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [alice.keyIds[0]!]: 'Active' });
    const created = recording.calls.filter((call) => call.command === 'CreateLoginProfile');
    expect(created).toHaveLength(1);
    const input = created[0]!.input as { UserName: string; Password: string; PasswordResetRequired: boolean };
    expect(input).toMatchObject({ UserName: alice.userName, PasswordResetRequired: true });
    expect(input.Password).toHaveLength(RANDOM_PASSWORD_LENGTH);
    for (const characterClass of [/[A-Z]/, /[a-z]/, /[0-9]/, /[!@#$%^&*()_+\-=[\]{}|']/]) expect(input.Password).toMatch(characterClass);
    expect(input.Password).not.toBe('Correct-Horse-Battery-9');
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 0);
    await withPassword(iam(), alice.userName);
    const ctx = contextFor(alice.arn, { passwordCreated: { [alice.userName]: 120 } });
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await hasLoginProfile(iam(), alice.userName)).toBe(false);
    expect(await playbook.snapshot(ctx)).toMatchObject({ consolePassword: false });
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('keeps a planned password the person signed in with while the plan waited for approval', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 0);
    await withPassword(iam(), alice.userName);
    const shifts: Partial<KeyDateShifts> = { passwordCreated: { [alice.userName]: 400 }, passwordLastUsed: { [alice.userName]: 120 } };
    const ctx = contextFor(alice.arn, shifts);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    shifts.passwordLastUsed![alice.userName] = 0;
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes).toHaveLength(1);
    expect(await hasLoginProfile(iam(), alice.userName)).toBe(true);
  });

  it('refuses a setting looser than IAM.8, naming the control', () => {
    // Act + Assess
    expect(() => contextFor('arn:aws:iam::123456789012:user/alice', {}, { maxUnusedDays: 120 })).toThrow(
      /IAM\.8 requires credentials unused for 90 days to be removed: maxUnusedDays may be at most 90/,
    );
    expect(playbook.settings.parse({ maxUnusedDays: 90 })).toEqual({ maxUnusedDays: 90 });
  });
});
