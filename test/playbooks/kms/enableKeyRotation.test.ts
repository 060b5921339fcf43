import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  type CreateKeyCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableKeyRotation as playbook } from '../../../tasks/playbooks/kms/enableKeyRotation.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const keyArn = (keyId: string) => `arn:aws:kms:us-east-1:123456789012:key/${keyId}`;
const requestForKey = (keyId: string) => requestFor({ resourceType: 'AwsKmsKey', resourceId: keyArn(keyId), controlId: 'KMS.4' });

describe('enableKeyRotation (KMS.4) against moto', () => {
  const aws = useMoto();
  const kms = () => aws.clients().client(KMSClient);

  async function key(input: CreateKeyCommandInput = {}, rotation = false): Promise<string> {
    const { KeyMetadata } = await kms().send(new CreateKeyCommand({ Description: 'orders table', ...input }));
    if (rotation) await kms().send(new EnableKeyRotationCommand({ KeyId: KeyMetadata!.KeyId }));
    return KeyMetadata!.KeyId!;
  }
  const contextFor = (keyId: string) => createPlaybookContext(playbook, requestForKey(keyId), aws.clients());
  const rotationOf = async (KeyId: string) =>
    (await kms().send(new GetKeyRotationStatusCommand({ KeyId }))).KeyRotationEnabled;

  /** Everything about the key that rotation must not touch. */
  async function keyOtherThanRotation(KeyId: string) {
    const { KeyMetadata } = await kms().send(new DescribeKeyCommand({ KeyId }));
    const { Policy } = await kms().send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }));
    const { Aliases = [] } = await kms().send(new ListAliasesCommand({ KeyId }));
    return { ...KeyMetadata, Policy, aliases: Aliases.map((alias) => alias.AliasName) };
  }

  it('enables rotation and leaves the rest of the key alone', async () => {
    // Prepare
    const keyId = await key();
    await kms().send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: keyId }));
    const { CiphertextBlob } = await kms().send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('order 42') }));
    const ctx = contextFor(keyId);
    const keyBefore = await keyOtherThanRotation(keyId);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ rotationEnabled: false });
    expect(plan.changes.map((change) => change.description)).toEqual([`Enable automatic yearly rotation of KMS key ${keyArn(keyId)}`]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(plan.summary).toContain(`Enable automatic rotation of KMS key ${keyId} (non-disruptive: `);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await rotationOf(keyId)).toBe(true);
    expect(await keyOtherThanRotation(keyId)).toEqual(keyBefore);
    const { Plaintext } = await kms().send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(Plaintext!).toString()).toBe('order 42');
  });

  it('rolls back to rotation disabled', async () => {
    // Prepare
    const keyId = await key();
    const ctx = contextFor(keyId);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await rotationOf(keyId)).toBe(false);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify answers non-compliant for an enabled key without rotation, and again after rotation is turned off', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const keyId = await key();
    const ctx = contextFor(keyId);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await kms().send(new DisableKeyRotationCommand({ KeyId: keyId }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Automatic rotation of KMS key ${keyId} is disabled` });
    expect(fixed).toEqual({ compliant: true, detail: `Automatic rotation of KMS key ${keyId} is enabled` });
    expect(putBack.compliant).toBe(false);
  });

  it.each([
    ['a disabled key', (KeyId: string) => kms().send(new DisableKeyCommand({ KeyId })), /its state is Disabled/],
    ['a key pending deletion', (KeyId: string) => kms().send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 7 })), /its state is PendingDeletion/],
  ] as const)('verify passes %s without rotation, which KMS.4 does not evaluate, and plan refuses it', async (_kind, change, reason) => {
    // Prepare
    const keyId = await key();
    await change(keyId);
    const ctx = contextFor(keyId);
    // Act
    const result = await playbook.verify(ctx);
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(result).toMatchObject({ compliant: true, detail: expect.stringMatching(new RegExp(`^KMS.4 does not evaluate KMS key ${keyId}: `)) });
    expect(result.detail).toMatch(reason);
    await expect(planning).rejects.toThrow(reason);
    expect(await rotationOf(keyId)).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const keyId = await key();
    const ctx = contextFor(keyId);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await keyOtherThanRotation(keyId);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await rotationOf(keyId)).toBe(true);
    expect(await keyOtherThanRotation(keyId)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a key that already rotates, and its rollback keeps rotation on', async () => {
    // Prepare
    const keyId = await key({}, true);
    const ctx = contextFor(keyId);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await rotationOf(keyId)).toBe(true);
  });

  it.each([
    ['an asymmetric key', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }, /key spec is RSA_2048/],
    ['an HMAC key', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }, /key spec is HMAC_256/],
    ['a key with imported key material', { Origin: 'EXTERNAL' }, /key material is imported/],
  ] as const)('refuses %s and changes nothing', async (_kind, input, reason) => {
    // Prepare
    const keyId = await key(input);
    const ctx = contextFor(keyId);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const planning = playbook.plan(ctx, snapshot);
    // Assess
    await expect(planning).rejects.toThrow(reason);
    await expect(planning).rejects.toThrow(`Cannot enable rotation of KMS key ${keyArn(keyId)}`);
    expect(await rotationOf(keyId)).toBe(false);
  });

  it.each([
    ['an asymmetric key', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }],
    ['an HMAC key', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }],
  ] as const)('verify passes %s, which KMS.4 does not evaluate', async (_kind, input) => {
    // Prepare
    const keyId = await key(input);
    // Act
    const result = await playbook.verify(contextFor(keyId));
    // Assess
    expect(result).toMatchObject({ compliant: true, detail: expect.stringContaining(`KMS.4 does not evaluate KMS key ${keyId}: its key spec is ${input.KeySpec}`) });
  });

  it('verify fails a symmetric key with imported key material: it is in scope, and KMS cannot rotate it', async () => {
    // Prepare: whether KMS.4 evaluates such keys is not documented; failing them is the answer that never hides a finding.
    const keyId = await key({ Origin: 'EXTERNAL' });
    // Act
    const result = await playbook.verify(contextFor(keyId));
    // Assess
    expect(result.compliant).toBe(false);
  });
});

describe('enableKeyRotation with an AWS managed key', () => {
  // moto creates every key as KeyManager CUSTOMER, so DescribeKey is stubbed to answer as KMS does for aws/* keys.
  it('refuses the key, naming it and the reason', async () => {
    // Prepare
    const kms = new KMSClient({ region: 'us-east-1' });
    const stub = mockClient(kms);
    stub.on(DescribeKeyCommand).resolves({
      KeyMetadata: { KeyId: 'managed', KeyManager: 'AWS', KeySpec: 'SYMMETRIC_DEFAULT', Origin: 'AWS_KMS', KeyState: 'Enabled' },
    });
    const clients: AwsClients = { account: '123456789012', region: 'us-east-1', client: <C>() => kms as unknown as C };
    const ctx = createPlaybookContext(playbook, requestForKey('managed'), clients);
    // Act
    const planning = playbook.plan(ctx, { rotationEnabled: true });
    const verified = await playbook.verify(ctx);
    // Assess
    await expect(planning).rejects.toThrow(`Cannot enable rotation of KMS key ${keyArn('managed')}`);
    await expect(planning).rejects.toThrow(/AWS managed key/);
    expect(stub.commandCalls(EnableKeyRotationCommand)).toHaveLength(0);
    expect(verified).toMatchObject({ compliant: true, detail: expect.stringContaining('KMS.4 does not evaluate KMS key managed: it is an AWS managed key') });
  });
});
