import {
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableBucketBlockPublicAccess as playbook } from '../../../tasks/playbooks/s3/enableBucketBlockPublicAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { ACLS_ONLY, ALL_ON, arnOf, configurationOf, createBucket, settingsOf } from './bucketFixtures.js';

describe('enableBucketBlockPublicAccess (S3.8) against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);
  const bucket = (configuration?: typeof ALL_ON) => createBucket(s3(), configuration ? { configuration } : {});

  function contextFor(name: string, controlId = 'S3.8') {
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: arnOf(name), controlId });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  it('turns on the settings that are off and leaves the rest of the bucket alone', async () => {
    // Prepare
    const name = await bucket(ACLS_ONLY);
    const neighbour = await bucket(ACLS_ONLY);
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
    expect(plan.impact).toEqual({
      level: 'non-disruptive',
      why:
        `turning on BlockPublicPolicy, RestrictPublicBuckets for bucket ${name} cuts off no access in use: its ACL and policy grant the ` +
        'public nothing; BlockPublicPolicy only refuses public policies set from now on',
    });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Bucket ${name} meets S3.8: all four Block Public Access settings are on` });
    expect(await configurationOf(s3(), name)).toEqual(ALL_ON);
    expect(await configurationOf(s3(), neighbour)).toEqual(ACLS_ONLY);
    expect((await s3().send(new GetBucketVersioningCommand({ Bucket: name }))).Status).toBe('Enabled');
    expect((await s3().send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet).toEqual([{ Key: 'team', Value: 'payments' }]);
  });

  it.each(['S3.8', 'cis-aws-foundations-benchmark/v/3.0.0/2.1.4.2'])(
    'answers non-compliant (%s) while any of the four settings is off, and again when one is turned off after the fix',
    async (controlId) => {
      // Prepare
      const name = await bucket(ACLS_ONLY);
      const ctx = contextFor(name, controlId);
      // Act
      const before = await playbook.verify(ctx);
      await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
      await s3().send(new PutPublicAccessBlockCommand({ Bucket: name, PublicAccessBlockConfiguration: { ...ALL_ON, IgnorePublicAcls: false } }));
      const putBack = await playbook.verify(ctx);
      // Assess
      expect(before).toEqual({ compliant: false, detail: `Bucket ${name} has BlockPublicPolicy, RestrictPublicBuckets off (${controlId})` });
      expect(putBack).toEqual({ compliant: false, detail: `Bucket ${name} has IgnorePublicAcls off (${controlId})` });
    },
  );

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
    expect(await configurationOf(s3(), name)).toEqual(ACLS_ONLY);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await bucket({ ...ACLS_ONLY, IgnorePublicAcls: false });
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await configurationOf(s3(), name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(settingsOf(plan)).toEqual(['IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets']);
    expect(afterFirst).toEqual(ALL_ON);
    expect(await configurationOf(s3(), name)).toEqual(ALL_ON);
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
    expect(await configurationOf(s3(), name)).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(await playbook.snapshot(ctx)).toBeNull();
  });
});
