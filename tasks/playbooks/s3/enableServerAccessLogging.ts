import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { creationChange } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { DELIVERY_BUCKET, DELIVERY_BUCKET_PERMISSIONS } from './deliveryBucket.js';
import {
  accessLogBucketName,
  bucketExists,
  ensureAccessLogBucket,
  readLogging,
  removeAccessLogBucketIfUnused,
  writeLogging,
  type LoggingTarget,
} from './serverAccessLogging.js';

/** The playbook's id, the value of the `rectify:created-by` tag on the access-log bucket it creates (the id below is a literal: tools read it from the source). */
const PLAYBOOK_ID = 's3-enable-server-access-logging';

const Settings = z.object({
  /**
   * An access-log bucket the account already has, in the same Region, whose policy lets
   * `logging.s3.amazonaws.com` put objects (S3 refuses the logging configuration otherwise).
   * @default none: Rectify creates and reuses `rectify-access-logs-<account>-<region>`
   */
  targetBucket: z.string().min(3).max(63).optional(),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings>;

/** Where the bucket logs, and whether Rectify's access-log bucket existed (rollback removes it only if not). */
type LoggingSnapshot = { logging: { targetBucket: string; targetPrefix: string } | null; accessLogBucketExisted: boolean };

const targetOf = (ctx: Ctx): string => ctx.settings.targetBucket ?? accessLogBucketName(ctx);
/** One folder per source bucket in the shared access-log bucket. */
const prefixOf = (ctx: Ctx): string => `${ctx.resource.name}/`;
const describe = (target: LoggingTarget): string => (target ? `s3://${target.targetBucket}/${target.targetPrefix}` : 'off');

/** Why logging cost is a reason to ask a person: every plan that turns it on says so. */
const WHY =
  'it adds cost: S3 writes a log object for batches of requests to the bucket and bills their storage and PUT requests; requests to the bucket are unaffected';

/**
 * Turns on S3 server access logging for a bucket (S3.9, any general purpose bucket, and
 * CloudTrail.7, the bucket a trail delivers to: the fix and the check are the same).
 *
 * - S3.9: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-9, AWS Config rule
 *   `s3-bucket-logging-enabled` (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-logging-enabled.html):
 *   NON_COMPLIANT when the bucket's logging has no target bucket; Security Hub sets neither of the
 *   rule's optional `targetBucket` / `targetPrefix` parameters, so any target passes.
 * - CloudTrail.7: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-7
 *   (custom Security Hub rule, no Config rule): server access logging enabled on the trail's S3 bucket.
 *
 * `verify` reads GetBucketLogging and passes exactly when a target bucket is set. Logs go to the
 * bucket the policy's settings name, else to one access-log bucket Rectify creates and reuses per
 * account and Region (`rectify-access-logs-<account>-<region>`, SSE-S3 — S3 cannot deliver server
 * access logs to SSE-KMS — private, TLS only, tagged), under a prefix per source bucket. The
 * access-log bucket itself is refused: logging it into itself would log its own log deliveries.
 * Rollback turns logging back to what it was and removes the access-log bucket only if this run
 * created it, it is still tagged ours, and no other bucket logs into it.
 */
export const enableServerAccessLogging = definePlaybook<LoggingSnapshot, { description: string }, Settings>({
  id: 's3-enable-server-access-logging',
  title: 'Turn on S3 server access logging for a bucket',
  controls: [
    'S3.9',
    'CloudTrail.7',
    'cis-aws-foundations-benchmark/v/1.2.0/2.6',
    'cis-aws-foundations-benchmark/v/1.4.0/3.6',
    'cis-aws-foundations-benchmark/v/3.0.0/3.4',
  ],
  resourceType: 'AwsS3Bucket',
  impact: 'disruptive',
  creates: [DELIVERY_BUCKET],
  permissions: ['s3:DeleteBucketPolicy', 's3:GetBucketLogging', 's3:ListAllMyBuckets', 's3:PutBucketLogging', ...DELIVERY_BUCKET_PERMISSIONS],
  settings: Settings,

  async snapshot(ctx) {
    const logging = await readLogging(ctx, ctx.resource.name);
    return { logging: logging ?? null, accessLogBucketExisted: await bucketExists(ctx, accessLogBucketName(ctx)) };
  },

  async plan(ctx, current) {
    if (current.logging) return { summary: `Bucket ${ctx.resource.name} already logs to ${describe(current.logging)}`, changes: [] };
    const target = targetOf(ctx);
    if (ctx.resource.name === target) {
      throw new RemediationFailedError(
        `Bucket ${ctx.resource.name} is the access-log bucket (finding ${ctx.request.findingId}): logging it into itself would log its own log deliveries without end. ` +
          'Rectify changed nothing; point its logging at another bucket by hand or suppress this finding with a reason.',
      );
    }
    const creates = !ctx.settings.targetBucket && !current.accessLogBucketExisted;
    const changes = [
      ...(creates
        ? [creationChange(DELIVERY_BUCKET, target, 'encrypted with SSE-S3 (S3 cannot deliver server access logs to SSE-KMS), private, TLS only, written only by S3 log delivery for this account')]
        : []),
      { description: `Turn on server access logging for bucket ${ctx.resource.name} to ${describe({ targetBucket: target, targetPrefix: prefixOf(ctx) })}` },
    ];
    return {
      summary: `Turn on server access logging for bucket ${ctx.resource.name} (disruptive: ${WHY})`,
      impact: { level: 'disruptive', why: WHY },
      changes,
    };
  },

  async apply(ctx) {
    if (await readLogging(ctx, ctx.resource.name)) return;
    const target = targetOf(ctx);
    if (ctx.resource.name === target) throw new RemediationFailedError(`Bucket ${target} is the access-log bucket: it is not logged into itself`);
    if (!ctx.settings.targetBucket) await ensureAccessLogBucket(ctx, PLAYBOOK_ID);
    await writeLogging(ctx, ctx.resource.name, { targetBucket: target, targetPrefix: prefixOf(ctx) });
  },

  async verify(ctx) {
    const logging = await readLogging(ctx, ctx.resource.name);
    return { compliant: logging !== undefined, detail: `Server access logging of bucket ${ctx.resource.name} is ${describe(logging)}` };
  },

  async rollback(ctx, snapshot) {
    const now = await readLogging(ctx, ctx.resource.name);
    if (describe(now) !== describe(snapshot.logging ?? undefined)) await writeLogging(ctx, ctx.resource.name, snapshot.logging ?? undefined);
    if (ctx.settings.targetBucket || snapshot.accessLogBucketExisted) return;
    // Kept, without error, when other buckets log into it since: this bucket's restore is complete either way.
    await removeAccessLogBucketIfUnused(ctx, PLAYBOOK_ID, ctx.resource.name);
  },
});
