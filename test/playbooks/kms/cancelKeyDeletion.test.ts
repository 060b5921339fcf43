import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { cancelKeyDeletion as playbook } from '../../../tasks/playbooks/kms/cancelKeyDeletion.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const keyArn = (keyId: string) => `arn:aws:kms:us-east-1:123456789012:key/${keyId}`;

describe('cancelKeyDeletion (KMS.3) against moto', () => {
  const aws = useMoto();
  const kms = () => aws.clients().client(KMSClient);

  async function key(pendingWindowInDays?: number): Promise<string> {
    const { KeyMetadata } = await kms().send(new CreateKeyCommand({ Description: 'orders table' }));
    const KeyId = KeyMetadata!.KeyId!;
    if (pendingWindowInDays) await kms().send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: pendingWindowInDays }));
    return KeyId;
  }
  const contextFor = (keyId: string, settings?: unknown) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsKmsKey', resourceId: keyArn(keyId), controlId: 'KMS.3' }), aws.clients(), settings);
  const metadataOf = async (KeyId: string) => (await kms().send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;

  it('cancels the deletion and enables the key, leaving its aliases and a neighbouring key pending deletion', async () => {
    // Prepare
    const keyId = await key(10);
    const neighbour = await key(10);
    await kms().send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: keyId }));
    const ctx = contextFor(keyId);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ keyState: 'PendingDeletion', deletionWindowInDays: 10 });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Cancel the deletion of KMS key ${keyArn(keyId)}, scheduled to happen within 10 day(s)`,
      `Enable KMS key ${keyArn(keyId)} (KMS leaves a key whose deletion is cancelled disabled)`,
    ]);
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('reverses a deletion someone scheduled') });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `KMS key ${keyId} is Enabled (KMS.3)` });
    expect(await metadataOf(keyId)).toMatchObject({ KeyState: 'Enabled', Enabled: true });
    expect((await metadataOf(keyId)).DeletionDate).toBeUndefined();
    expect((await kms().send(new ListAliasesCommand({ KeyId: keyId }))).Aliases?.map((a) => a.AliasName)).toEqual(['alias/orders']);
    expect((await metadataOf(neighbour)).KeyState).toBe('PendingDeletion');
  });

  it('leaves the key disabled when the settings say so', async () => {
    // Prepare
    const keyId = await key(30);
    const ctx = contextFor(keyId, { enableKey: false });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes).toHaveLength(1);
    expect((await metadataOf(keyId)).KeyState).toBe('Disabled');
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('verify answers non-compliant for a key pending deletion, and again after it is scheduled anew', async () => {
    // Prepare
    const keyId = await key(7);
    const ctx = contextFor(keyId);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await kms().send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `KMS key ${keyId} is PendingDeletion: its deletion is scheduled (KMS.3)` });
    expect(fixed.compliant).toBe(true);
    expect(putBack.compliant).toBe(false);
  });

  it('rolls back by scheduling the deletion again with the waiting period that was left, twice without harm', async () => {
    // Prepare
    const keyId = await key(12);
    const ctx = contextFor(keyId);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
    const { DeletionDate } = await metadataOf(keyId);
    expect(Math.round((DeletionDate!.getTime() - Date.now()) / 86_400_000)).toBe(12);
  });

  it('changes nothing when applied a second time, and a key someone disabled meanwhile stays disabled', async () => {
    // Prepare
    const keyId = await key(30);
    const ctx = contextFor(keyId);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    await kms().send(new DisableKeyCommand({ KeyId: keyId }));
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect((await metadataOf(keyId)).KeyState).toBe('Disabled');
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a key not scheduled for deletion, and its rollback schedules nothing', async () => {
    // Prepare
    const keyId = await key();
    const ctx = contextFor(keyId);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(snapshot).toEqual({ keyState: 'Enabled', deletionWindowInDays: null });
    expect(plan.changes).toEqual([]);
    expect((await metadataOf(keyId)).KeyState).toBe('Enabled');
  });

  it('fails the snapshot of a key that does not exist', async () => {
    // Act
    const snapshot = playbook.snapshot(contextFor('11111111-2222-3333-4444-555555555555'));
    // Assess
    await expect(snapshot).rejects.toThrow();
  });
});
