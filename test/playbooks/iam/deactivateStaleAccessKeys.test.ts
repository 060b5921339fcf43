import { IAMClient, ListUserTagsCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { deactivateStaleAccessKeys as playbook } from '../../../tasks/playbooks/iam/deactivateStaleAccessKeys.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { statusesOf, userWithKeys, withShiftedKeyDates, type KeyDateShifts } from './keyDates.js';

const DATE = '\\d{4}-\\d{2}-\\d{2}';

describe('deactivateStaleAccessKeys (IAM.3) against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);

  /** A context whose IAM client sees the keys in `created` as that many days old (moto cannot backdate keys). */
  function contextFor(userArn: string, created: Record<string, number>, settings?: unknown) {
    const shifts: KeyDateShifts = { created, lastUsed: {} };
    const request = requestFor({ resourceType: 'AwsIamUser', resourceId: userArn, controlId: 'IAM.3' });
    return createPlaybookContext(playbook, request, withShiftedKeyDates(aws.clients(), shifts), settings);
  }
  const deactivate = (UserName: string, AccessKeyId: string) =>
    iam().send(new UpdateAccessKeyCommand({ UserName, AccessKeyId, Status: 'Inactive' }));

  it('deactivates the key older than 90 days and leaves the young key, the tags and other users alone', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2, [{ Key: 'team', Value: 'payments' }]);
    const bob = await userWithKeys(iam(), 'bob', 1);
    const [old, young] = alice.keyIds as [string, string];
    const ctx = contextFor(alice.arn, { [old]: 120, [bob.keyIds[0]!]: 120 });
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `IAM user ${alice.userName} still has active key(s) ${old} older than 90 days` });
    expect(plan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(
        new RegExp(`^Deactivate access key ${old} of IAM user ${alice.userName}: created ${DATE}, 120 days ago \\(limit 90 days\\)$`),
      ),
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [old]: 'Inactive', [young]: 'Active' });
    expect(await statusesOf(iam(), bob.userName)).toEqual({ [bob.keyIds[0]!]: 'Active' });
    const { Tags } = await iam().send(new ListUserTagsCommand({ UserName: alice.userName }));
    expect(Tags).toEqual([{ Key: 'team', Value: 'payments' }]);
  });

  it('rolls back by re-activating the key it deactivated', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const ctx = contextFor(alice.arn, { [alice.keyIds[0]!]: 120 });
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
    const ctx = contextFor(alice.arn, { [alice.keyIds[0]!]: 120 });
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a user whose only old key is already inactive', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const [old, young] = alice.keyIds as [string, string];
    await deactivate(alice.userName, old);
    const ctx = contextFor(alice.arn, { [old]: 200, [young]: 30 });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toBe(`IAM user ${alice.userName} has no active access key older than 90 days`);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('rollback leaves a key that was inactive before the remediation inactive', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 2);
    const [stale, retired] = alice.keyIds as [string, string];
    await deactivate(alice.userName, retired);
    const ctx = contextFor(alice.arn, { [stale]: 120, [retired]: 400 });
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [stale]: 'Active', [retired]: 'Inactive' });
  });

  it('uses the maximum age from settings, and 90 days by default', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 1);
    const created = { [alice.keyIds[0]!]: 45 };
    // Act
    const strict = contextFor(alice.arn, created, { maxAccessKeyAgeDays: 30 });
    const lenient = contextFor(alice.arn, created);
    // Assess
    expect((await playbook.plan(strict, await playbook.snapshot(strict))).changes).toHaveLength(1);
    expect((await playbook.plan(lenient, await playbook.snapshot(lenient))).changes).toEqual([]);
    expect(playbook.settings.parse({})).toEqual({ maxAccessKeyAgeDays: 90 });
  });

  it('refuses a maximum age looser than IAM.3, naming the control', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 1);
    // Act + Assess
    expect(() => contextFor(alice.arn, {}, { maxAccessKeyAgeDays: 91 })).toThrow(
      /IAM\.3 requires active access keys to be rotated within 90 days: maxAccessKeyAgeDays may be at most 90/,
    );
    expect(() => playbook.settings.parse({ maxAccessKeyAgeDays: 10000 })).toThrow(/IAM\.3 requires/);
    expect(await statusesOf(iam(), alice.userName)).toEqual({ [alice.keyIds[0]!]: 'Active' });
  });

  it('reads the user tags with IAM, since the tagging API does not cover IAM', async () => {
    // Prepare
    const alice = await userWithKeys(iam(), 'alice', 0, [{ Key: 'rectify:exempt', Value: 'until 2030-01-01' }]);
    // Act
    const tags = await playbook.readTags!(contextFor(alice.arn, {}));
    // Assess
    expect(tags).toEqual({ 'rectify:exempt': 'until 2030-01-01' });
  });

  it('refuses a resource that is not an IAM user, changing nothing', async () => {
    // Prepare
    const ctx = contextFor('AWS::IAM::AccessKey:AKIAIOSFODNN7EXAMPLE', {});
    // Act
    const snapshotting = playbook.snapshot(ctx);
    // Assess
    await expect(snapshotting).rejects.toThrow(/names AWS::IAM::AccessKey:AKIAIOSFODNN7EXAMPLE, which is not an IAM user ARN/);
  });
});
