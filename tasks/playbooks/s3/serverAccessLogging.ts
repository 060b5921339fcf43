import {
  DeleteBucketPolicyCommand,
  GetBucketLoggingCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketLoggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { isCreatedBy } from '../createdResources.js';
import type { PlaybookContext } from '../definePlaybook.js';
import { deleteCreatedDeliveryBucket, deliveryBucketName, ensureDeliveryBucket, type BucketPolicyStatement } from './deliveryBucket.js';

/**
 * S3 server access logging, shared by the playbooks that turn it on (S3.9 on any bucket,
 * CloudTrail.7 on a trail's bucket): where a bucket logs to, the one access-log bucket Rectify
 * keeps per account and Region, and the grant that lets S3's log delivery write into it.
 */

/** Where a bucket's server access logs go, or `undefined` when it does not log. */
export type LoggingTarget = { readonly targetBucket: string; readonly targetPrefix: string } | undefined;

/** The S3 log delivery service principal (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html). */
export const LOG_DELIVERY_PRINCIPAL = 'logging.s3.amazonaws.com';

/** The access-log bucket Rectify creates when the playbook's settings name none: `rectify-access-logs-<account>-<region>`. */
export const accessLogBucketName = (ctx: PlaybookContext<unknown, unknown>): string => deliveryBucketName(ctx, 'access-logs');

/** Where `bucket` logs to now, read with GetBucketLogging. */
export async function readLogging(ctx: PlaybookContext<unknown, unknown>, bucket: string): Promise<LoggingTarget> {
  const { LoggingEnabled } = await ctx.aws.client(S3Client).send(new GetBucketLoggingCommand({ Bucket: bucket, ExpectedBucketOwner: ctx.resource.account }));
  if (!LoggingEnabled?.TargetBucket) return undefined;
  return { targetBucket: LoggingEnabled.TargetBucket, targetPrefix: LoggingEnabled.TargetPrefix ?? '' };
}

/** Set `bucket`'s logging to `target`, or turn it off (an empty BucketLoggingStatus) when `target` is undefined. */
export async function writeLogging(ctx: PlaybookContext<unknown, unknown>, bucket: string, target: LoggingTarget): Promise<void> {
  await ctx.aws.client(S3Client).send(
    new PutBucketLoggingCommand({
      Bucket: bucket,
      ExpectedBucketOwner: ctx.resource.account,
      BucketLoggingStatus: target ? { LoggingEnabled: { TargetBucket: target.targetBucket, TargetPrefix: target.targetPrefix } } : {},
    }),
  );
}

/**
 * The grant of the access-log bucket's policy: S3 log delivery may put objects, and only for
 * buckets of this account (`aws:SourceAccount`). It is not narrowed to one source bucket's
 * `aws:SourceArn`: the bucket is shared by every bucket of the account and Region that Rectify
 * turns logging on for, and a statement per source would grow the policy toward S3's 20 KB limit
 * and make each rollback rewrite a policy other buckets depend on (docs/decisions/031).
 */
export function logDeliveryGrant(ctx: PlaybookContext<unknown, unknown>, target: string): BucketPolicyStatement {
  return {
    Sid: 'S3ServerAccessLogsPolicy',
    Effect: 'Allow',
    Principal: { Service: LOG_DELIVERY_PRINCIPAL },
    Action: 's3:PutObject',
    Resource: `arn:${ctx.resource.partition}:s3:::${target}/*`,
    Condition: {
      StringEquals: { 'aws:SourceAccount': ctx.resource.account },
      ArnLike: { 'aws:SourceArn': `arn:${ctx.resource.partition}:s3:::*` },
    },
  };
}

/** Whether a bucket of that name exists (HeadBucket; 404 means no). */
export async function bucketExists(ctx: PlaybookContext<unknown, unknown>, bucket: string): Promise<boolean> {
  try {
    await ctx.aws.client(S3Client).send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if ((error as Error).name === 'NotFound' || status === 404) return false;
    throw error;
  }
}

/**
 * Create Rectify's access-log bucket (or bring it back to its settings): SSE-S3, because S3
 * cannot deliver server access logs to a bucket whose default encryption is SSE-KMS.
 */
export async function ensureAccessLogBucket(ctx: PlaybookContext<unknown, unknown>, playbookId: string): Promise<void> {
  const name = accessLogBucketName(ctx);
  await ensureDeliveryBucket(ctx, { name, playbookId, grants: [logDeliveryGrant(ctx, name)] });
}

/** The buckets of the account, other than `except`, that log into `target` now. */
async function bucketsLoggingTo(ctx: PlaybookContext<unknown, unknown>, target: string, except: string): Promise<string[]> {
  // A bucket logs only into a bucket of its own Region: the others need not be read (nor can be, from this Region's client).
  const found: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await ctx.aws.client(S3Client).send(new ListBucketsCommand({ BucketRegion: ctx.resource.region, ContinuationToken }));
    for (const { Name } of page.Buckets ?? []) {
      if (!Name || Name === except || Name === target) continue;
      if ((await readLogging(ctx, Name))?.targetBucket === target) found.push(Name);
    }
    ContinuationToken = page.ContinuationToken;
  } while (ContinuationToken);
  return found;
}

/**
 * Remove Rectify's access-log bucket on rollback: only while it is ours (tagged by `playbookId`)
 * and no other bucket logs into it any more — a later run may have pointed another bucket there,
 * and removing the bucket would silently stop that bucket's logs.
 *
 * @returns the buckets that keep it, empty when it was removed or was not ours
 */
export async function removeAccessLogBucketIfUnused(ctx: PlaybookContext<unknown, unknown>, playbookId: string, source: string): Promise<string[]> {
  const name = accessLogBucketName(ctx);
  if (!(await bucketExists(ctx, name))) return [];
  const users = await bucketsLoggingTo(ctx, name, source);
  if (users.length > 0) return users;
  const s3 = ctx.aws.client(S3Client);
  const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: name })).then((r) => r.TagSet ?? [], (error: Error) => {
    if (error.name === 'NoSuchTagSet') return [];
    throw error;
  });
  if (!isCreatedBy(tags, playbookId)) return [];
  // S3 delivered logs into it, which must be deleted first; its policy goes first, so that no
  // statement of it can stand in the way of emptying a bucket that is going away (moto 5.2.1
  // ignores the TLS statement's condition and denies every object delete: docs/moto-gaps.md).
  await s3.send(new DeleteBucketPolicyCommand({ Bucket: name }));
  await deleteCreatedDeliveryBucket(ctx, { name, playbookId });
  return [];
}
