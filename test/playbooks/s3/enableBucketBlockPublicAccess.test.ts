import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableBucketBlockPublicAccess as playbook } from '../../../tasks/playbooks/s3/enableBucketBlockPublicAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ACLS_ONLY = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false };

describe('enableBucketBlockPublicAccess (S3.8) against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);

  async function bucket(configuration?: PublicAccessBlockConfiguration): Promise<string> {
    const Bucket = `rectify-${crypto.randomUUID()}`;
    await s3().send(new CreateBucketCommand({ Bucket }));
    if (configuration) await s3().send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: configuration }));
    return Bucket;
  }

  function contextFor(name: string) {
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: `arn:aws:s3:::${name}`, controlId: 'S3.8' });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  /** The bucket's own configuration as S3 reports it, or the error name when it has none. */
  async function configurationOf(Bucket: string): Promise<PublicAccessBlockConfiguration | string> {
    try {
      return (await s3().send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration!;
    } catch (error) {
      return (error as Error).name;
    }
  }

  it('turns on the settings that are off and leaves the rest of the bucket alone', async () => {
    // Prepare
    const name = await bucket(ACLS_ONLY);
    await s3().send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3().send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: 'team', Value: 'payments' }] } }));
    const ctx = contextFor(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual(ACLS_ONLY);
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Turn on BlockPublicPolicy for bucket ${name} (reject bucket policies that grant public access)`,
      `Turn on RestrictPublicBuckets for bucket ${name} (limit a public policy to AWS services and the bucket owner)`,
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await configurationOf(name)).toEqual(ALL_ON);
    expect((await s3().send(new GetBucketVersioningCommand({ Bucket: name }))).Status).toBe('Enabled');
    expect((await s3().send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet).toEqual([{ Key: 'team', Value: 'payments' }]);
  });

  it('rolls back to the previous configuration', async () => {
    // Prepare
    const name = await bucket(ACLS_ONLY);
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await configurationOf(name)).toEqual(ACLS_ONLY);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await bucket(ACLS_ONLY);
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await configurationOf(name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await configurationOf(name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a bucket that already blocks public access', async () => {
    // Prepare
    const ctx = contextFor(await bucket(ALL_ON));
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('deletes the configuration on rollback when the bucket had none', async () => {
    // Prepare
    const name = await bucket();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(before).toBeNull();
    expect(plan.changes).toHaveLength(4);
    expect(await configurationOf(name)).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(await playbook.snapshot(ctx)).toBeNull();
  });
});
