import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  S3Client,
  type BucketVersioningStatus,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableBucketVersioning as playbook } from '../../../tasks/playbooks/s3/enableBucketVersioning.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const requestForBucket = (name: string) => requestFor({ resourceType: 'AwsS3Bucket', resourceId: `arn:aws:s3:::${name}`, controlId: 'S3.14' });

describe('enableBucketVersioning (S3.14) against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);

  async function bucket(status?: BucketVersioningStatus): Promise<string> {
    const Bucket = `rectify-${crypto.randomUUID()}`;
    await s3().send(new CreateBucketCommand({ Bucket }));
    if (status) await s3().send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: status } }));
    return Bucket;
  }
  const contextFor = (name: string) => createPlaybookContext(playbook, requestForBucket(name), aws.clients());
  /** The status S3 reports; `undefined` for a bucket that was never versioned. */
  const statusOf = async (Bucket: string) => (await s3().send(new GetBucketVersioningCommand({ Bucket }))).Status;

  it('enables versioning on a never-versioned bucket and leaves its tags and other buckets alone', async () => {
    // Prepare
    const name = await bucket();
    const neighbour = await bucket();
    await s3().send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: 'team', Value: 'payments' }] } }));
    const ctx = contextFor(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ status: 'Suspended' });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Enable versioning on bucket ${name} (now never enabled): overwritten and deleted objects are kept as older versions ` +
        'from then on, which S3 stores and bills; a rollback can only suspend versioning again',
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Versioning of bucket ${name} is Enabled` });
    expect(await statusOf(name)).toBe('Enabled');
    expect(await statusOf(neighbour)).toBeUndefined();
    expect((await s3().send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet).toEqual([{ Key: 'team', Value: 'payments' }]);
  });

  it('answers non-compliant for a never-versioned and a suspended bucket, and when versioning is suspended after the fix', async () => {
    // Prepare
    const never = await bucket();
    const suspended = await bucket('Suspended');
    // Act
    const neverResult = await playbook.verify(contextFor(never));
    const suspendedResult = await playbook.verify(contextFor(suspended));
    await playbook.apply(contextFor(suspended), await playbook.plan(contextFor(suspended), await playbook.snapshot(contextFor(suspended))));
    await s3().send(new PutBucketVersioningCommand({ Bucket: suspended, VersioningConfiguration: { Status: 'Suspended' } }));
    // Assess
    expect(neverResult).toEqual({ compliant: false, detail: `Versioning of bucket ${never} is never enabled` });
    expect(suspendedResult).toEqual({ compliant: false, detail: `Versioning of bucket ${suspended} is Suspended` });
    expect(await playbook.verify(contextFor(suspended))).toMatchObject({ compliant: false });
  });

  it('rolls a never-versioned bucket back to Suspended, the closest state S3 allows, and its snapshot matches', async () => {
    // Prepare
    const name = await bucket();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await statusOf(name)).toBe('Suspended');
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: false });
  });

  it('rolls a suspended bucket back to Suspended', async () => {
    // Prepare
    const name = await bucket('Suspended');
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes[0]?.description).toContain('(now suspended)');
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await statusOf(name)).toBe('Suspended');
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await bucket('Suspended');
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await statusOf(name)).toBe('Enabled');
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a versioned bucket, and its rollback keeps versioning on', async () => {
    // Prepare
    const name = await bucket('Enabled');
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await statusOf(name)).toBe('Enabled');
  });
});

describe('enableBucketVersioning with MFA delete on', () => {
  // moto does not keep MFADelete, so GetBucketVersioning is stubbed to answer as S3 does for such a bucket.
  it('refuses the bucket, naming it and the reason, and changes nothing', async () => {
    // Prepare
    const s3 = new S3Client({ region: 'us-east-1' });
    const stub = mockClient(s3);
    stub.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended', MFADelete: 'Enabled' });
    const clients: AwsClients = { account: '123456789012', region: 'us-east-1', client: <C>() => s3 as unknown as C };
    const ctx = createPlaybookContext(playbook, requestForBucket('vault'), clients);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow('Cannot enable versioning on bucket vault');
    await expect(planning).rejects.toThrow(/MFA delete is on/);
    expect(stub.commandCalls(PutBucketVersioningCommand)).toHaveLength(0);
  });
});
