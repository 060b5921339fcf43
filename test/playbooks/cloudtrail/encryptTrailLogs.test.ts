import { CloudTrailClient, CreateTrailCommand, GetTrailCommand, GetTrailStatusCommand, StartLoggingCommand, type CreateTrailCommandInput } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { encryptTrailLogs as playbook } from '../../../tasks/playbooks/cloudtrail/encryptTrailLogs.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('encryptTrailLogs (CloudTrail.2) against moto', () => {
  const aws = useMoto();
  /** A fresh account per test: Rectify's key is one per account and Region. */
  const newAccount = () => `4${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`;
  const cloudtrail = (account: string) => aws.clients(account).client(CloudTrailClient);
  const kms = (account: string) => aws.clients(account).client(KMSClient);
  const trailArn = (account: string, name: string) => `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}`;

  async function trail(account: string, input: Partial<CreateTrailCommandInput> = {}): Promise<string> {
    const name = `trail-${crypto.randomUUID().slice(0, 8)}`;
    await aws.clients(account).client(S3Client).send(new CreateBucketCommand({ Bucket: `${name}-logs` }));
    await cloudtrail(account).send(new CreateTrailCommand({ Name: name, S3BucketName: `${name}-logs`, S3KeyPrefix: 'audit', IsMultiRegionTrail: true, ...input }));
    await cloudtrail(account).send(new StartLoggingCommand({ Name: name }));
    return name;
  }
  const contextFor = (account: string, name: string, settings?: Record<string, unknown>) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsCloudTrailTrail', resourceId: trailArn(account, name), controlId: 'CloudTrail.2', account }), aws.clients(account), settings);
  const trailOf = async (account: string, Name: string) => (await cloudtrail(account).send(new GetTrailCommand({ Name }))).Trail!;
  const keyState = async (account: string) =>
    (await kms(account).send(new DescribeKeyCommand({ KeyId: 'alias/rectify-cloudtrail' })).catch(() => ({ KeyMetadata: undefined }))).KeyMetadata?.KeyState;

  it('says non-compliant, then creates the rotating, tagged key and encrypts this trail only', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const neighbour = await trail(account);
    const ctx = contextFor(account, name);
    const { KmsKeyId: _none, ...rest } = await trailOf(account, name);
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Trail ${name} has no KMS key (SSE-S3 only)` });
    expect(snapshot).toEqual({ kmsKeyId: null, rectifyKeyReady: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((c) => c.description)).toEqual([
      expect.stringMatching(/^Create AWS::KMS::Key alias\/rectify-cloudtrail \(tagged rectify:created-by, a symmetric KMS key with yearly rotation/),
      `Encrypt the log files of trail ${trailArn(account, name)} with KMS key alias/rectify-cloudtrail (SSE-KMS); files already delivered stay as they are`,
    ]);
    const { KeyMetadata: key } = await kms(account).send(new DescribeKeyCommand({ KeyId: 'alias/rectify-cloudtrail' }));
    const { KmsKeyId, ...after } = await trailOf(account, name);
    expect(KmsKeyId).toBe(key!.Arn);
    expect(after).toEqual(rest);
    expect((await cloudtrail(account).send(new GetTrailStatusCommand({ Name: name }))).IsLogging).toBe(true);
    expect((await trailOf(account, neighbour)).KmsKeyId).toBeFalsy();
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await kms(account).send(new GetKeyRotationStatusCommand({ KeyId: key!.KeyId }))).KeyRotationEnabled).toBe(true);
    expect((await kms(account).send(new ListResourceTagsCommand({ KeyId: key!.KeyId }))).Tags).toEqual([{ TagKey: 'rectify:created-by', TagValue: 'cloudtrail-encrypt-trail-logs' }]);
    const policy = JSON.parse((await kms(account).send(new GetKeyPolicyCommand({ KeyId: key!.KeyId, PolicyName: 'default' }))).Policy!);
    expect(policy.Statement.map((s: { Principal: unknown; Action: string }) => [s.Principal, s.Action])).toEqual([
      [{ AWS: `arn:aws:iam::${account}:root` }, 'kms:*'],
      [{ Service: 'cloudtrail.amazonaws.com' }, 'kms:GenerateDataKey*'],
      [{ Service: 'cloudtrail.amazonaws.com' }, 'kms:DescribeKey'],
    ]);
    expect(policy.Statement[1].Condition.ArnLike['aws:SourceArn']).toBe(`arn:aws:cloudtrail:*:${account}:trail/*`);
  });

  it('rolls back: the trail without a key again, and the created key pending deletion', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const ctx = contextFor(account, name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await trailOf(account, name)).KmsKeyId).toBeFalsy();
    expect(await keyState(account)).toBe('PendingDeletion');
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('reuses its key for a second trail, and keeps it on rollback while that trail uses it', async () => {
    // Prepare
    const account = newAccount();
    const first = await trail(account);
    const second = await trail(account);
    const ctx = contextFor(account, first);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    const other = contextFor(account, second);
    const otherPlan = await playbook.plan(other, await playbook.snapshot(other));
    await playbook.apply(other, otherPlan);
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(otherPlan.changes).toHaveLength(1);
    expect(await keyState(account)).toBe('Enabled');
    expect((await trailOf(account, second)).KmsKeyId).toMatch(/^arn:aws:kms:/);
    expect((await trailOf(account, first)).KmsKeyId).toBeFalsy();
  });

  it('uses the key named in settings, creates none and schedules nothing on rollback', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const { KeyMetadata: theirs } = await kms(account).send(new CreateKeyCommand({ Description: 'their CloudTrail key' }));
    const ctx = contextFor(account, name, { kmsKeyId: theirs!.Arn });
    const before = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const encrypted = (await trailOf(account, name)).KmsKeyId;
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes).toHaveLength(1);
    expect(encrypted).toBe(theirs!.Arn);
    expect(await keyState(account)).toBeUndefined();
    expect((await kms(account).send(new DescribeKeyCommand({ KeyId: theirs!.KeyId }))).KeyMetadata?.KeyState).toBe('Enabled');
  });

  it('changes nothing when applied a second time, and plans nothing for an encrypted trail', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const ctx = contextFor(account, name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await trailOf(account, name);
    // Act
    await playbook.apply(ctx, plan);
    const snapshot = await playbook.snapshot(ctx);
    // Assess
    expect(await trailOf(account, name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, snapshot)).changes).toEqual([]);
  });

  it('refuses to reuse its key while it is pending deletion, and changes nothing', async () => {
    // Prepare: a first run rolled back leaves the key pending deletion.
    const account = newAccount();
    const name = await trail(account);
    const ctx = contextFor(account, name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    await playbook.rollback(ctx, before);
    // Act
    const applying = playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    await expect(applying).rejects.toThrow(/alias\/rectify-cloudtrail points to key .* which is PendingDeletion/);
    expect((await trailOf(account, name)).KmsKeyId).toBeFalsy();
  });

  it('refuses a service\'s own trail (…-DO-NOT-EDIT) and changes nothing', async () => {
    // Prepare: the trail Macie classic made for itself, as in the AWS sample CloudTrail.2 finding.
    const account = newAccount();
    const name = 'AWSMacieTrail-DO-NOT-EDIT';
    await aws.clients(account).client(S3Client).send(new CreateBucketCommand({ Bucket: `macie-${account}` }));
    await cloudtrail(account).send(new CreateTrailCommand({ Name: name, S3BucketName: `macie-${account}` }));
    const ctx = contextFor(account, name);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(/belongs to a service that made it \(AWSMacieTrail-DO-NOT-EDIT\)/);
    expect((await trailOf(account, name)).KmsKeyId).toBeFalsy();
    expect(await keyState(account)).toBeUndefined();
  });
});
