import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { RemediationFailedError } from '../../domain/errors.js';
import { createdByTagList, isCreatedBy, type CreatedResource } from '../createdResources.js';
import type { PlaybookContext } from '../definePlaybook.js';

/**
 * A bucket Rectify creates for an AWS service to deliver logs to (CloudTrail, AWS Config, S3 server
 * access logging, load balancer access logs), when the account has none to reuse. One helper so
 * that every such bucket is made the same safe way: private, owner-enforced, encrypted, TLS only,
 * tagged ours, and removed again only while it is ours.
 */
export const DELIVERY_BUCKET: CreatedResource = {
  type: 'AWS::S3::Bucket',
  monthlyCost: '$1–10',
  costBasis:
    'S3 Standard storage of the delivered logs ($0.023/GB-month) and their PUT requests; it grows with account activity, and no lifecycle rule is set (how long to keep logs is the account\'s decision)',
};

/** The IAM actions {@link ensureDeliveryBucket} and {@link deleteCreatedDeliveryBucket} call; spread into `permissions`. */
export const DELIVERY_BUCKET_PERMISSIONS = [
  's3:CreateBucket',
  's3:DeleteBucket',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:GetBucketTagging',
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketTagging',
  's3:PutEncryptionConfiguration',
] as const;

/** One statement of a bucket policy (the IAM policy grammar, as JSON). */
export type BucketPolicyStatement = Record<string, unknown>;

export interface DeliveryBucket {
  /** From {@link deliveryBucketName}. */
  readonly name: string;
  /** The playbook creating it: the value of its `rectify:created-by` tag. */
  readonly playbookId: string;
  /**
   * What the delivering service may do, as bucket policy statements: grant the service principal
   * only its delivery actions, conditioned on `aws:SourceAccount` / `aws:SourceArn` as the service's
   * guide documents. A statement denying every request not made over TLS is always added.
   */
  readonly grants: readonly BucketPolicyStatement[];
  /**
   * Default encryption with this KMS key (SSE-KMS, bucket key on); else SSE-S3. A target of S3
   * server access logs must use SSE-S3: S3 cannot deliver those to an SSE-KMS bucket.
   */
  readonly kmsKeyArn?: string;
}

/**
 * The name Rectify gives a delivery bucket for `purpose` in the finding's account and region:
 * fixed, so a second run finds and reuses it, and unique across S3 because it holds both.
 *
 * @example deliveryBucketName(ctx, 'cloudtrail'); // 'rectify-cloudtrail-111122223333-eu-west-1'
 */
export function deliveryBucketName(ctx: PlaybookContext<unknown, unknown>, purpose: string): string {
  if (!/^[a-z0-9-]{1,14}$/.test(purpose)) throw new Error(`delivery bucket purpose "${purpose}" must be 1-14 lowercase letters, digits or hyphens`);
  return `rectify-${purpose}-${ctx.resource.account}-${ctx.resource.region}`;
}

/** The policy statement that refuses every request to the bucket not made over TLS. */
export function denyInsecureTransport(ctx: PlaybookContext<unknown, unknown>, name: string): BucketPolicyStatement {
  const arn = `arn:${ctx.resource.partition}:s3:::${name}`;
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** Whether the bucket exists in this account: `undefined` when it does not, its `created-by` ownership when it does. */
async function existingBucket(ctx: PlaybookContext<unknown, unknown>, spec: DeliveryBucket): Promise<{ ours: boolean } | undefined> {
  const s3 = ctx.aws.client(S3Client);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: spec.name }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if ((error as Error).name === 'NotFound' || status === 404) return undefined;
    if (status === 403) {
      throw new RemediationFailedError(
        `Bucket ${spec.name} exists in another account (S3 refused HeadBucket with 403); Rectify will not deliver this account's logs there. Nothing was changed.`,
      );
    }
    throw error;
  }
  return { ours: isCreatedBy(await bucketTags(ctx, spec.name), spec.playbookId) };
}

/** The bucket's tags; none when it has no tag set (S3 answers NoSuchTagSet). */
async function bucketTags(ctx: PlaybookContext<unknown, unknown>, name: string): Promise<{ Key?: string; Value?: string }[]> {
  try {
    return (await ctx.aws.client(S3Client).send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet ?? [];
  } catch (error) {
    if ((error as Error).name === 'NoSuchTagSet') return [];
    throw error;
  }
}

/**
 * Create the delivery bucket, or bring the one Rectify created earlier back to the same settings
 * (so a run interrupted half-way finishes the job): tagged ours, every public access blocked,
 * ACLs disabled (bucket owner enforced), default encryption, and a policy of TLS only plus the
 * service's grants. A bucket of that name that is not ours is never touched: the call fails.
 *
 * @returns whether it created the bucket now
 */
export async function ensureDeliveryBucket(ctx: PlaybookContext<unknown, unknown>, spec: DeliveryBucket): Promise<{ created: boolean }> {
  const s3 = ctx.aws.client(S3Client);
  const existing = await existingBucket(ctx, spec);
  if (existing && !existing.ours) {
    throw new RemediationFailedError(
      `Bucket ${spec.name} already exists and was not created by ${spec.playbookId} (no rectify:created-by tag with that value): Rectify does not take over a bucket it did not make. Name another bucket in the playbook's settings, or remove the bucket. Nothing was changed.`,
    );
  }
  if (!existing) {
    const region = ctx.resource.region;
    await s3.send(
      new CreateBucketCommand({
        Bucket: spec.name,
        ObjectOwnership: 'BucketOwnerEnforced',
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  }
  // Tag first: should anything below fail, rollback can still recognise the bucket as ours and remove it.
  await s3.send(new PutBucketTaggingCommand({ Bucket: spec.name, Tagging: { TagSet: createdByTagList(spec.playbookId) } }));
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: spec.name,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    }),
  );
  await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: spec.name, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: spec.name,
      ServerSideEncryptionConfiguration: {
        Rules: [
          spec.kmsKeyArn
            ? { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: spec.kmsKeyArn }, BucketKeyEnabled: true }
            : { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
    }),
  );
  // The grants come first: order means nothing to IAM, but moto 5.2.1's PutBucketLogging check reads each
  // statement's Principal as an object and fails with HTTP 500 on the deny's `"*"` before it reaches the grant.
  const policy = { Version: '2012-10-17', Statement: [...spec.grants, denyInsecureTransport(ctx, spec.name)] };
  await s3.send(new PutBucketPolicyCommand({ Bucket: spec.name, Policy: JSON.stringify(policy) }));
  return { created: !existing };
}

/**
 * Remove a delivery bucket Rectify created, with what the service delivered into it since (every
 * object version and delete marker: S3 deletes only an empty bucket), and only while its live tags
 * still say `playbookId` created it. A missing bucket, or one that is not ours, is left alone.
 *
 * @returns whether it removed the bucket
 */
export async function deleteCreatedDeliveryBucket(ctx: PlaybookContext<unknown, unknown>, spec: Pick<DeliveryBucket, 'name' | 'playbookId'>): Promise<{ removed: boolean }> {
  const existing = await existingBucket(ctx, { ...spec, grants: [] });
  if (!existing?.ours) return { removed: false };
  const s3 = ctx.aws.client(S3Client);
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: spec.name, KeyMarker, VersionIdMarker }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((o) => ({ Key: o.Key!, VersionId: o.VersionId }));
    // ListObjectVersions pages hold at most 1,000 entries, DeleteObjects' limit.
    if (objects.length > 0) {
      const { Errors = [] } = await s3.send(new DeleteObjectsCommand({ Bucket: spec.name, Delete: { Objects: objects, Quiet: true } }));
      if (Errors.length > 0) {
        throw new RemediationFailedError(
          `Could not empty bucket ${spec.name} to remove it: S3 refused ${Errors.length} object(s), e.g. ${Errors[0]!.Key}: ${Errors[0]!.Code} ${Errors[0]!.Message ?? ''}. The bucket is left in place for a person to remove.`,
        );
      }
    }
    ({ NextKeyMarker: KeyMarker, NextVersionIdMarker: VersionIdMarker } = page.IsTruncated ? page : { NextKeyMarker: undefined, NextVersionIdMarker: undefined });
  } while (KeyMarker !== undefined || VersionIdMarker !== undefined);
  await s3.send(new DeleteBucketCommand({ Bucket: spec.name }));
  return { removed: true };
}
