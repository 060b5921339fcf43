import { IAMClient, ListUserTagsCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { deactivateUnusedAccessKeys as playbook } from '../../../tasks/playbooks/iam/deactivateUnusedAccessKeys.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { statusesOf, useKey, userWithKeys, withShiftedKeyDates, type KeyDateShifts } from './keyDates.js';

const DATE = '\\d{4}-\\d{2}-\\d{2}';

describe('deactivateUnusedAccessKeys (IAM.8) against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);

  /** A context whose IAM client sees the shifted keys as created / last used that many days ago. */
  function contextFor(userArn: string, shifts: Partial<KeyDateShifts>, settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsIamUser', resourceId: userArn, controlId: 'IAM.8' });
    const clients = withShiftedKeyDates(aws.clients(), { created: shifts.created ?? {}, lastUsed: shifts.lastUsed ?? {} });
    return createPlaybookContext(playbook, request, clients, settings);
  }

  it('deactivates an old key never used and keeps the key in use, the tags and other users alone', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2, [{ Key: 'team', Value: 'payments' }]);
    const bob = await userWithKeys(iam(), 'bob', 1);
    const [idle, busy] = alice.keyIds as [string, string];
    await useKey(aws.endpoint, alice.secrets[1]!);
    const ctx = contextFor(alice.arn, { created: { [idle]: 120, [busy]: 120, [bob.keyIds[0]!]: 120 } });
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `IAM user ${alice.userName} still has access key ${idle} unused for more than 90 days` });
    // Keys only: the plan's impact is the playbook's declared one.
    expect(plan.impact).toBeUndefined();
    const expected = `^Deactivate access key ${idle} of IAM user ${alice.userName}: never used, created ${DATE}, 120 days ago \\(limit 90 days\\)$`;
    expect(plan.changes.map((change) => change.description)).toEqual([expect.stringMatching(new RegExp(expected))]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [idle]: 'Inactive', [busy]: 'Active' });
    expect(await statusesOf(iam(), bob.userName)).toEqual({ [bob.keyIds[0]!]: 'Active' });
    const { Tags } = await iam().send(new ListUserTagsCommand({ UserName: alice.userName }));
    expect(Tags).toEqual([{ Key: 'team', Value: 'payments' }]);
  });

  it('counts a key last used long ago as unused, and a young key never used as fine', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const [dormant, fresh] = alice.keyIds as [string, string];
    await useKey(aws.endpoint, alice.secrets[0]!);
    const ctx = contextFor(alice.arn, { created: { [dormant]: 400 }, lastUsed: { [dormant]: 120 } });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(
        new RegExp(`^Deactivate access key ${dormant} of IAM user ${alice.userName}: last used ${DATE}, 120 days ago \\(limit 90 days\\)$`),
      ),
    ]);
    expect(plan.changes.some((change) => change.description.includes(fresh))).toBe(false);
  });

  it('rolls back by re-activating the key it deactivated', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const ctx = contextFor(alice.arn, { created: { [alice.keyIds[0]!]: 120 } });
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [alice.keyIds[0]!]: 'Active', [alice.keyIds[1]!]: 'Active' });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const ctx = contextFor(alice.arn, { created: { [alice.keyIds[0]!]: 120 } });
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a user whose active keys are in use or new', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    await useKey(aws.endpoint, alice.secrets[0]!);
    const ctx = contextFor(alice.arn, { created: { [alice.keyIds[0]!]: 300 } });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toEqual({
      compliant: true,
      detail: `IAM user ${alice.userName} has no active access key or console password unused for more than 90 days`,
    });
  });

  it('skips a planned key that was used while the plan waited for approval', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 1);
    const [key] = alice.keyIds as [string];
    const shifts: KeyDateShifts = { created: { [key]: 400 }, lastUsed: { [key]: 120 } };
    await useKey(aws.endpoint, alice.secrets[0]!);
    const ctx = contextFor(alice.arn, shifts);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    delete shifts.lastUsed[key];
    await useKey(aws.endpoint, alice.secrets[0]!);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes).toHaveLength(1);
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [key]: 'Active' });
  });

  it('leaves inactive keys alone, whatever their age', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 1);
    await iam().send(new UpdateAccessKeyCommand({ UserName: alice.userName, AccessKeyId: alice.keyIds[0], Status: 'Inactive' }));
    const ctx = contextFor(alice.arn, { created: { [alice.keyIds[0]!]: 900 } }, { maxUnusedDays: 0 });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(playbook.settings.parse({})).toEqual({ maxUnusedDays: 90 });
  });
});
