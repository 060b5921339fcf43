import { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { impactOf } from '../../../tasks/playbooks/definePlaybook.js';
import { removeCredentialsUnused45Days as playbook } from '../../../tasks/playbooks/iam/removeCredentialsUnused45Days.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { hasLoginProfile, statusesOf, useKey, userWithKeys, withPassword, withShiftedKeyDates, type KeyDateShifts } from './keyDates.js';

const DATE = '\\d{4}-\\d{2}-\\d{2}';

describe('removeCredentialsUnused45Days (IAM.22) against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);

  /** A context whose IAM client sees the shifted keys and passwords as created / last used that many days ago. */
  function contextFor(userArn: string, shifts: Partial<KeyDateShifts>, settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsIamUser', resourceId: userArn, controlId: 'IAM.22' });
    const clients = withShiftedKeyDates(aws.clients(), { created: {}, lastUsed: {}, ...shifts });
    return createPlaybookContext(playbook, request, clients, settings);
  }

  it('deactivates a key unused for 60 days, which IAM.8 would keep, and keeps a key used 30 days ago and other users alone', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const bob = await userWithKeys(iam(), 'bob', 1);
    const [idle, recent] = alice.keyIds as [string, string];
    await useKey(aws.endpoint, alice.secrets[0]!);
    await useKey(aws.endpoint, alice.secrets[1]!);
    const ctx = contextFor(alice.arn, {
      created: { [idle]: 400, [recent]: 400, [bob.keyIds[0]!]: 60 },
      lastUsed: { [idle]: 60, [recent]: 30 },
    });
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `IAM user ${alice.userName} still has access key ${idle} unused for more than 45 days` });
    expect(plan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(new RegExp(`^Deactivate access key ${idle} of IAM user ${alice.userName}: last used ${DATE}, 60 days ago \\(limit 45 days\\)$`)),
    ]);
    expect(await playbook.verify(ctx)).toEqual({
      compliant: true,
      detail: `IAM user ${alice.userName} has no active access key or console password unused for more than 45 days`,
    });
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [idle]: 'Inactive', [recent]: 'Active' });
    expect(await statusesOf(iam(), bob.userName)).toEqual({ [bob.keyIds[0]!]: 'Active' });
  });

  it('deletes a console password never used for 50 days, in a plan that says rollback cannot bring it back', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 0);
    await withPassword(iam(), alice.userName);
    const ctx = contextFor(alice.arn, { passwordCreated: { [alice.userName]: 50 } });
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `IAM user ${alice.userName} still has a console password unused for more than 45 days` });
    expect(impactOf(playbook, plan)).toEqual({ level: 'disruptive', why: expect.stringContaining('cannot bring the old password back') });
    expect(await hasLoginProfile(iam(), alice.userName)).toBe(false);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    await playbook.rollback(ctx, snapshot);
    expect(await hasLoginProfile(iam(), alice.userName)).toBe(true);
  });

  it('rolls back by re-activating the key it deactivated', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const ctx = contextFor(alice.arn, { created: { [alice.keyIds[0]!]: 50 } });
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [alice.keyIds[0]!]: 'Active', [alice.keyIds[1]!]: 'Active' });
  });

  it('changes nothing when applied a second time, and then plans nothing', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const ctx = contextFor(alice.arn, { created: { [alice.keyIds[0]!]: 50 } });
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, afterFirst)).changes).toEqual([]);
  });

  it('plans nothing for a user whose credentials are younger than 45 days', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 1);
    await withPassword(iam(), alice.userName);
    const ctx = contextFor(alice.arn, { created: { [alice.keyIds[0]!]: 40 }, passwordCreated: { [alice.userName]: 40 } });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fails the snapshot of a user that does not exist', async () => {
    // Prepare
    const ctx = contextFor(`arn:aws:iam::123456789012:user/ghost-${crypto.randomUUID().slice(0, 8)}`, {});
    // Act / Assess
    await expect(playbook.snapshot(ctx)).rejects.toThrow(/cannot be found|does not exist/);
  });

  it('refuses a setting looser than IAM.22, naming the control, and defaults to 45 days', () => {
    // Act / Assess
    expect(() => contextFor('arn:aws:iam::123456789012:user/alice', {}, { maxUnusedDays: 90 })).toThrow(
      /IAM\.22 requires credentials unused for 45 days to be removed: maxUnusedDays may be at most 45/,
    );
    expect(playbook.settings.parse({})).toEqual({ maxUnusedDays: 45 });
  });
});
