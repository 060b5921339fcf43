import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableBucketVersioning } from '../../../tasks/playbooks/s3/enableBucketVersioning.js';
import { deleteCreatedDeliveryBucket, deliveryBucketName, ensureDeliveryBucket } from '../../../tasks/playbooks/s3/deliveryBucket.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const PLAYBOOK = 'cloudtrail-create-multi-region-trail';
const GRANT = { Sid: 'CloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::x/*' };

describe('the delivery bucket Rectify creates for a service to log to, against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);
  // Any playbook gives a context; the helper reads only the finding's account, region and partition.
  const context = () =>
    createPlaybookContext(enableBucketVersioning, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${crypto.randomUUID().slice(0, 12)}`, controlId: 'S3.14' }), aws.clients());
  const bucketNames = async () => ((await s3().send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
  /** A unique bucket name per test (moto's S3 is one namespace for every test of the worker). */
  const uniqueName = (ctx: ReturnType<typeof context>) => `${deliveryBucketName(ctx, 'test')}-${crypto.randomUUID().slice(0, 8)}`;

  it('creates a private, owner-enforced, encrypted, TLS-only bucket tagged ours, with the service grants', async () => {
    // Prepare
    const ctx = context();
    const name = uniqueName(ctx);
    // Act
    const result = await ensureDeliveryBucket(ctx, { name, playbookId: PLAYBOOK, grants: [GRANT] });
    // Assess
    expect(result).toEqual({ created: true });
    expect((await s3().send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet).toEqual([{ Key: 'rectify:created-by', Value: PLAYBOOK }]);
    expect((await s3().send(new GetPublicAccessBlockCommand({ Bucket: name }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect((await s3().send(new GetBucketOwnershipControlsCommand({ Bucket: name }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect((await s3().send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    const policy = JSON.parse((await s3().send(new GetBucketPolicyCommand({ Bucket: name }))).Policy ?? '{}');
    expect(policy.Statement).toEqual([
      GRANT,
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('encrypts with the KMS key given, bucket key on', async () => {
    // Prepare
    const ctx = context();
    const name = uniqueName(ctx);
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    // Act
    await ensureDeliveryBucket(ctx, { name, playbookId: PLAYBOOK, grants: [], kmsKeyArn });
    // Assess
    expect((await s3().send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration?.Rules?.[0]).toMatchObject({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKeyArn },
      BucketKeyEnabled: true,
    });
  });

  it('reuses the bucket it created before, and refuses one of that name it did not create', async () => {
    // Prepare
    const ctx = context();
    const ours = uniqueName(ctx);
    const theirs = uniqueName(ctx);
    await ensureDeliveryBucket(ctx, { name: ours, playbookId: PLAYBOOK, grants: [] });
    await s3().send(new CreateBucketCommand({ Bucket: theirs }));
    await s3().send(new PutBucketTaggingCommand({ Bucket: theirs, Tagging: { TagSet: [{ Key: 'team', Value: 'audit' }] } }));
    // Act
    const again = await ensureDeliveryBucket(ctx, { name: ours, playbookId: PLAYBOOK, grants: [GRANT] });
    const refused = ensureDeliveryBucket(ctx, { name: theirs, playbookId: PLAYBOOK, grants: [] });
    // Assess
    expect(again).toEqual({ created: false });
    expect(JSON.parse((await s3().send(new GetBucketPolicyCommand({ Bucket: ours }))).Policy ?? '{}').Statement).toHaveLength(2);
    await expect(refused).rejects.toThrow(`Bucket ${theirs} already exists and was not created by ${PLAYBOOK}`);
    expect((await s3().send(new GetBucketTaggingCommand({ Bucket: theirs }))).TagSet).toEqual([{ Key: 'team', Value: 'audit' }]);
  });

  it('removes the bucket it created with every object version delivered into it, and nothing that is not ours', async () => {
    // Prepare
    const ctx = context();
    const ours = uniqueName(ctx);
    const untagged = uniqueName(ctx);
    const otherPlaybook = uniqueName(ctx);
    // Made as ensureDeliveryBucket makes it, less the TLS-only policy: moto 5.2.1 ignores policy conditions and would deny the
    // writes below as insecure (docs/moto-gaps.md); the created bucket with that policy and no object is removed in the scenarios.
    await s3().send(new CreateBucketCommand({ Bucket: ours }));
    await s3().send(new PutBucketTaggingCommand({ Bucket: ours, Tagging: { TagSet: [{ Key: 'rectify:created-by', Value: PLAYBOOK }] } }));
    await s3().send(new PutBucketVersioningCommand({ Bucket: ours, VersioningConfiguration: { Status: 'Enabled' } }));
    for (const body of ['a', 'b']) await s3().send(new PutObjectCommand({ Bucket: ours, Key: 'AWSLogs/log.json.gz', Body: body }));
    await s3().send(new PutObjectCommand({ Bucket: ours, Key: 'AWSLogs/other.json.gz', Body: 'c' }));
    await s3().send(new CreateBucketCommand({ Bucket: untagged }));
    await ensureDeliveryBucket(ctx, { name: otherPlaybook, playbookId: 'config-enable-recorder', grants: [] });
    // Act
    const removed = await deleteCreatedDeliveryBucket(ctx, { name: ours, playbookId: PLAYBOOK });
    const keptUntagged = await deleteCreatedDeliveryBucket(ctx, { name: untagged, playbookId: PLAYBOOK });
    const keptOther = await deleteCreatedDeliveryBucket(ctx, { name: otherPlaybook, playbookId: PLAYBOOK });
    const missing = await deleteCreatedDeliveryBucket(ctx, { name: ours, playbookId: PLAYBOOK });
    // Assess
    expect([removed, keptUntagged, keptOther, missing]).toEqual([{ removed: true }, { removed: false }, { removed: false }, { removed: false }]);
    const names = await bucketNames();
    expect(names).not.toContain(ours);
    expect(names).toEqual(expect.arrayContaining([untagged, otherPlaybook]));
  });

  it('removes an empty bucket it created just as ensureDeliveryBucket made it', async () => {
    // Prepare
    const ctx = context();
    const name = uniqueName(ctx);
    await ensureDeliveryBucket(ctx, { name, playbookId: PLAYBOOK, grants: [GRANT] });
    // Act
    const removed = await deleteCreatedDeliveryBucket(ctx, { name, playbookId: PLAYBOOK });
    // Assess
    expect(removed).toEqual({ removed: true });
    expect(await bucketNames()).not.toContain(name);
  });

  it('names the bucket after its purpose, account and region, and refuses a purpose that would break the name', () => {
    // Prepare
    const ctx = context();
    // Act
    const name = deliveryBucketName(ctx, 'cloudtrail');
    // Assess
    expect(name).toBe(`rectify-cloudtrail-${ctx.resource.account}-us-east-1`);
    expect(() => deliveryBucketName(ctx, 'CloudTrail_Logs')).toThrow(/must be 1-14 lowercase letters/);
  });
});
