import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableServerAccessLogging as playbook } from '../../../tasks/playbooks/s3/enableServerAccessLogging.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('enableServerAccessLogging (S3.9, CloudTrail.7) against moto', () => {
  const aws = useMoto();
  /** A fresh account per test: Rectify's access-log bucket is one per account and Region. */
  const newAccount = () => `3${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`;
  const s3 = (account: string) => aws.clients(account).client(S3Client);
  const logBucket = (account: string) => `rectify-access-logs-${account}-us-east-1`;

  async function bucket(account: string, prefix = 'data'): Promise<string> {
    const name = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
    await s3(account).send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }
  const contextFor = (account: string, name: string, controlId = 'S3.9', settings?: Record<string, unknown>) =>
    createPlaybookContext(
      playbook,
      requestFor({ resourceType: 'AwsS3Bucket', resourceId: `arn:aws:s3:::${name}`, controlId, account }),
      aws.clients(account),
      settings,
    );
  const loggingOf = async (account: string, Bucket: string) => (await s3(account).send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled;
  const exists = (account: string, Bucket: string) =>
    s3(account)
      .send(new HeadBucketCommand({ Bucket }))
      .then(() => true, () => false);

  it('says non-compliant, then creates the access-log bucket and turns logging on for this bucket only', async () => {
    // Prepare
    const account = newAccount();
    const name = await bucket(account);
    const neighbour = await bucket(account);
    const ctx = contextFor(account, name);
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Server access logging of bucket ${name} is off` });
    expect(snapshot).toEqual({ logging: null, accessLogBucketExisted: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((c) => c.description)).toEqual([
      expect.stringMatching(new RegExp(`^Create AWS::S3::Bucket ${logBucket(account)} \\(tagged rectify:created-by, encrypted with SSE-S3`)),
      `Turn on server access logging for bucket ${name} to s3://${logBucket(account)}/${name}/`,
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Server access logging of bucket ${name} is s3://${logBucket(account)}/${name}/` });
    expect(await loggingOf(account, name)).toEqual({ TargetBucket: logBucket(account), TargetPrefix: `${name}/` });
    expect(await loggingOf(account, neighbour)).toBeUndefined();
    expect((await s3(account).send(new GetBucketTaggingCommand({ Bucket: logBucket(account) }))).TagSet).toEqual([
      { Key: 'rectify:created-by', Value: 's3-enable-server-access-logging' },
    ]);
    const encryption = await s3(account).send(new GetBucketEncryptionCommand({ Bucket: logBucket(account) }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    const policy = JSON.parse((await s3(account).send(new GetBucketPolicyCommand({ Bucket: logBucket(account) }))).Policy ?? '{}');
    expect(policy.Statement).toContainEqual({
      Sid: 'S3ServerAccessLogsPolicy',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${logBucket(account)}/*`,
      Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } },
    });
  });

  it('rolls back: logging off again and the access-log bucket it created removed', async () => {
    // Prepare
    const account = newAccount();
    const name = await bucket(account);
    const ctx = contextFor(account, name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await loggingOf(account, name)).toBeUndefined();
    expect(await exists(account, logBucket(account))).toBe(false);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('keeps the access-log bucket on rollback while another bucket logs into it', async () => {
    // Prepare: the first run creates the bucket, a second run points another bucket at it.
    const account = newAccount();
    const first = await bucket(account);
    const second = await bucket(account);
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
    expect(await loggingOf(account, first)).toBeUndefined();
    expect(await exists(account, logBucket(account))).toBe(true);
    expect(await loggingOf(account, second)).toEqual({ TargetBucket: logBucket(account), TargetPrefix: `${second}/` });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const account = newAccount();
    const name = await bucket(account);
    const ctx = contextFor(account, name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await loggingOf(account, name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await loggingOf(account, name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a bucket that logs already, wherever it logs, and its rollback leaves it', async () => {
    // Prepare: a person's own log bucket, granted by ACL-free policy as S3 requires.
    const account = newAccount();
    const name = await bucket(account);
    const theirs = await bucket(account, 'their-logs');
    await s3(account).send(
      new PutBucketPolicyCommand({
        Bucket: theirs,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${theirs}/*` }],
        }),
      }),
    );
    await s3(account).send(new PutBucketLoggingCommand({ Bucket: name, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: theirs, TargetPrefix: 'x/' } } }));
    const ctx = contextFor(account, name, 'CloudTrail.7');
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await loggingOf(account, name)).toEqual({ TargetBucket: theirs, TargetPrefix: 'x/' });
  });

  it('logs to the bucket named in settings, creating nothing and removing nothing on rollback', async () => {
    // Prepare
    const account = newAccount();
    const name = await bucket(account);
    const theirs = await bucket(account, 'central-logs');
    await s3(account).send(
      new PutBucketPolicyCommand({
        Bucket: theirs,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${theirs}/*` }],
        }),
      }),
    );
    const ctx = contextFor(account, name, 'S3.9', { targetBucket: theirs });
    const before = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const fixed = await loggingOf(account, name);
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes.map((c) => c.description)).toEqual([`Turn on server access logging for bucket ${name} to s3://${theirs}/${name}/`]);
    expect(fixed).toEqual({ TargetBucket: theirs, TargetPrefix: `${name}/` });
    expect(await exists(account, logBucket(account))).toBe(false);
    expect(await exists(account, theirs)).toBe(true);
    expect(await loggingOf(account, name)).toBeUndefined();
  });

  it('refuses to log the access-log bucket into itself and changes nothing', async () => {
    // Prepare
    const account = newAccount();
    const name = await bucket(account);
    const ctx = contextFor(account, name);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const logCtx = contextFor(account, logBucket(account));
    // Act
    const planning = playbook.plan(logCtx, await playbook.snapshot(logCtx));
    // Assess
    await expect(planning).rejects.toThrow(`Bucket ${logBucket(account)} is the access-log bucket`);
    expect(await loggingOf(account, logBucket(account))).toBeUndefined();
  });
});
