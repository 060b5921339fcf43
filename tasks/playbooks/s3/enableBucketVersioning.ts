import { GetBucketVersioningCommand, PutBucketVersioningCommand, S3Client, type GetBucketVersioningCommandOutput } from '@aws-sdk/client-s3';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/**
 * The bucket's versioning as a restorable state. A bucket that was never versioned is recorded
 * as `Suspended`: S3 cannot return a bucket to "unversioned", and Suspended is the closest state
 * it can return to (new objects get the version id `null`, as in an unversioned bucket). Folding
 * the two together is what lets a snapshot taken after rollback equal the one taken before.
 */
type VersioningSnapshot = { status: 'Enabled' | 'Suspended' };

function bucketOf(ctx: PlaybookContext<unknown>) {
  // Bucket names are global: refuse to touch a bucket of the same name owned by another account.
  return { Bucket: ctx.resource.name, ExpectedBucketOwner: ctx.resource.account };
}

const readVersioning = (ctx: PlaybookContext<unknown>): Promise<GetBucketVersioningCommandOutput> =>
  ctx.aws.client(S3Client).send(new GetBucketVersioningCommand(bucketOf(ctx)));

const restorable = (versioning: GetBucketVersioningCommandOutput): VersioningSnapshot => ({
  status: versioning.Status === 'Enabled' ? 'Enabled' : 'Suspended',
});

const setStatus = (ctx: PlaybookContext<unknown>, Status: VersioningSnapshot['status']) =>
  // MFADelete is not sent, so S3 leaves it as it is.
  ctx.aws.client(S3Client).send(new PutBucketVersioningCommand({ ...bucketOf(ctx), VersioningConfiguration: { Status } }));

/**
 * Enables versioning on an S3 bucket. Changes only the versioning status: objects,
 * lifecycle rules, replication, Object Lock and the MFA delete setting are left as they are.
 * Refuses a suspended bucket with MFA delete on, because only the root user with its MFA device
 * may change that bucket's versioning.
 *
 * Rollback suspends versioning again when it was not enabled before. A bucket that was never
 * versioned cannot become unversioned again: Suspended is the closest state, and the snapshot
 * records both as Suspended so the check after rollback compares like with like. Object versions
 * written while versioning was on are kept (deleting them is a data decision, not a rollback).
 *
 * - Control: S3.14, https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-14
 *   (no parameters: the MFA delete check the rule offers is not asked for).
 * - Config rule: s3-bucket-versioning-enabled, https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-versioning-enabled.html
 *   (NON_COMPLIANT unless versioning is Enabled): `verify` reads exactly the status.
 */
export const enableBucketVersioning = definePlaybook<VersioningSnapshot, { description: string }>({
  id: 's3-enable-bucket-versioning',
  title: 'Enable versioning on an S3 bucket',
  controls: ['S3.14'],
  resourceType: 'AwsS3Bucket',
  impact: 'non-disruptive',
  permissions: ['s3:GetBucketVersioning', 's3:PutBucketVersioning'],

  snapshot: async (ctx) => restorable(await readVersioning(ctx)),

  async plan(ctx, current) {
    if (current.status === 'Enabled') return { summary: `Bucket ${ctx.resource.name} is already versioned`, changes: [] };
    // Re-read for what the snapshot folds away: whether the bucket was ever versioned, and MFA delete.
    const live = await readVersioning(ctx);
    if (live.MFADelete === 'Enabled') {
      throw new RemediationFailedError(
        `Cannot enable versioning on bucket ${ctx.resource.name} (finding ${ctx.request.findingId}): MFA delete is on, so only ` +
          'the root user with its MFA device may change its versioning. Rectify changed nothing; enable it by hand or suppress the finding.',
      );
    }
    const before = live.Status === 'Suspended' ? 'suspended' : 'never enabled';
    return {
      summary: `Enable versioning on bucket ${ctx.resource.name}`,
      changes: [
        {
          description:
            `Enable versioning on bucket ${ctx.resource.name} (now ${before}): overwritten and deleted objects are kept as ` +
            'older versions from then on, which S3 stores and bills; a rollback can only suspend versioning again',
        },
      ],
    };
  },

  async apply(ctx) {
    if ((await readVersioning(ctx)).Status === 'Enabled') return;
    await setStatus(ctx, 'Enabled');
  },

  async verify(ctx) {
    const status = (await readVersioning(ctx)).Status ?? 'never enabled';
    return { compliant: status === 'Enabled', detail: `Versioning of bucket ${ctx.resource.name} is ${status}` };
  },

  async rollback(ctx, snapshot) {
    if (restorable(await readVersioning(ctx)).status === snapshot.status) return;
    await setStatus(ctx, snapshot.status);
  },
});
