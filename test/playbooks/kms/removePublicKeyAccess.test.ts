import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { removePublicKeyAccess as playbook } from '../../../tasks/playbooks/kms/removePublicKeyAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const keyArn = (id: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}`;
const adminStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
const publicDecrypt = { Sid: 'PublicDecrypt', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' };
const orgUse = {
  Sid: 'OrganisationEncrypt',
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: 'kms:Encrypt',
  Resource: '*',
  Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123example' } },
};
// Pretty-printed on purpose: KMS keeps the text, and rollback must give back these exact bytes.
const policyText = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Id: 'key-orders', Statement: statements }, null, 2);

describe('removePublicKeyAccess (KMS.5) against moto', () => {
  const aws = useMoto();
  const kms = () => aws.clients().client(KMSClient);

  async function key(statements?: object[]): Promise<string> {
    const Policy = statements ? policyText(statements) : undefined;
    return (await kms().send(new CreateKeyCommand({ Description: 'orders', Policy }))).KeyMetadata!.KeyId!;
  }
  function contextFor(id: string) {
    const request = requestFor({ resourceType: 'AwsKmsKey', resourceId: keyArn(id), controlId: 'KMS.5' });
    return createPlaybookContext(playbook, request, aws.clients());
  }
  const policyOf = async (KeyId: string) => (await kms().send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }))).Policy!;

  it('answers non-compliant, removes the public statement and keeps the account\'s own and the pinned ones', async () => {
    // Prepare
    const id = await key([adminStatement, publicDecrypt, orgUse]);
    const neighbour = await key([adminStatement, publicDecrypt]);
    const ctx = contextFor(id);
    const neighbourBefore = await policyOf(neighbour);
    // Act
    const found = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(found).toMatchObject({ compliant: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((change) => change.description)).toEqual([
      `In the policy of KMS key ${id}, remove statement "PublicDecrypt" (it allows kms:Decrypt, kms:DescribeKey to *)`,
    ]);
    const after = JSON.parse(await policyOf(id));
    expect(after).toEqual({ Version: '2012-10-17', Id: 'key-orders', Statement: [adminStatement, orgUse] });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `The policy of KMS key ${id} has no statement that allows public access` });
    expect(await policyOf(neighbour)).toBe(neighbourBefore);
  });

  it('rolls back to the exact previous policy text, and twice changes nothing more', async () => {
    // Prepare
    const id = await key([adminStatement, publicDecrypt, orgUse]);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    // Act
    await playbook.rollback(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(await policyOf(id)).toBe(policyText([adminStatement, publicDecrypt, orgUse]));
    expect(await playbook.snapshot(ctx)).toEqual(snapshot);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await key([adminStatement, publicDecrypt]);
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await policyOf(id);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await policyOf(id)).toBe(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it.each([
    ['the default key policy', undefined],
    ['a pinned wildcard', [adminStatement, orgUse]],
  ])('plans nothing for a key with %s', async (_kind, statements) => {
    // Prepare
    const id = await key(statements);
    const ctx = contextFor(id);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('refuses when the public statement is the only one that administers the key, changing nothing', async () => {
    // Prepare: the default statement with its principal opened to everyone.
    const id = await key([{ ...adminStatement, Principal: { AWS: '*' } }, orgUse]);
    const ctx = contextFor(id);
    const before = await policyOf(id);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    const applying = playbook.apply(ctx, { summary: '', changes: [] });
    // Assess
    await expect(planning).rejects.toThrow(`Cannot remediate KMS.5 on KMS key ${id}`);
    await expect(planning).rejects.toThrow(`Change its principal to ${ROOT} by hand instead`);
    await expect(applying).rejects.toThrow(/could make the key unmanageable/);
    expect(await policyOf(id)).toBe(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('answers non-compliant again when the public grant comes back', async () => {
    // Prepare
    const id = await key([adminStatement, publicDecrypt]);
    const ctx = contextFor(id);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Act
    await kms().send(new PutKeyPolicyCommand({ KeyId: id, PolicyName: 'default', Policy: policyText([adminStatement, publicDecrypt]) }));
    // Assess
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('fails a missing key at the snapshot', async () => {
    await expect(playbook.snapshot(contextFor('00000000-0000-0000-0000-000000000000'))).rejects.toThrow();
  });
});
