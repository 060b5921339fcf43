import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  KMSClient,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { RemediationFailedError } from '../../domain/errors.js';
import { createdByTags, isCreatedBy, type CreatedResource } from '../createdResources.js';
import type { PlaybookContext } from '../definePlaybook.js';

/** The alias of the KMS key Rectify creates for CloudTrail log files, one per account and Region. */
export const TRAIL_KEY_ALIAS = 'alias/rectify-cloudtrail';

/** The shortest waiting period KMS allows before it deletes a key: rollback cannot remove the key sooner. */
export const KEY_DELETION_WINDOW_DAYS = 7;

export const TRAIL_KEY: CreatedResource = {
  type: 'AWS::KMS::Key',
  monthlyCost: '$1–10',
  costBasis: '$1 per customer managed key per month, plus $0.03 per 10,000 requests (CloudTrail asks for a data key about every five minutes per Region it logs)',
};

/**
 * The key policy of the CloudTrail guide ("Configure AWS KMS key policies for CloudTrail"), least
 * privilege: the account administers it through IAM (the root statement, without which no IAM
 * policy could grant use of the key), CloudTrail may create data keys and describe the key only for
 * trails of this account (`aws:SourceArn` and the encryption context). The guide's optional
 * statement letting every principal of the account decrypt is left out: readers get `kms:Decrypt`
 * from their own IAM policies.
 */
export function trailKeyPolicy(ctx: PlaybookContext<unknown, unknown>): string {
  const { partition, account } = ctx.resource;
  const trails = `arn:${partition}:cloudtrail:*:${account}:trail/*`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'AllowCloudTrailToEncryptLogs',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: { ArnLike: { 'aws:SourceArn': trails }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trails } },
      },
      {
        Sid: 'AllowCloudTrailToDescribeKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:DescribeKey',
        Resource: '*',
        Condition: { ArnLike: { 'aws:SourceArn': trails } },
      },
    ],
  });
}

/** The key behind Rectify's alias, or undefined when the alias does not exist. */
export async function describeTrailKey(ctx: PlaybookContext<unknown, unknown>): Promise<KeyMetadata | undefined> {
  try {
    return (await ctx.aws.client(KMSClient).send(new DescribeKeyCommand({ KeyId: TRAIL_KEY_ALIAS }))).KeyMetadata;
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return undefined;
    throw error;
  }
}

/**
 * The ARN of Rectify's CloudTrail key, created (rotation on, tagged, aliased) when the alias does
 * not exist yet. A key behind the alias that is not usable (pending deletion after an earlier
 * rollback, disabled) is not brought back silently: the call fails, saying what to do.
 */
export async function ensureTrailKey(ctx: PlaybookContext<unknown, unknown>, playbookId: string): Promise<string> {
  const kms = ctx.aws.client(KMSClient);
  const existing = await describeTrailKey(ctx);
  if (existing) {
    if (existing.KeyState !== 'Enabled') {
      throw new RemediationFailedError(
        `KMS alias ${TRAIL_KEY_ALIAS} points to key ${existing.Arn}, which is ${existing.KeyState}: cancel its deletion and enable it, or delete the alias, then retry. Nothing was changed.`,
      );
    }
    return existing.Arn!;
  }
  const { KeyMetadata: key } = await kms.send(
    new CreateKeyCommand({
      Description: 'Encrypts CloudTrail log files (created by Rectify for CloudTrail.2)',
      Policy: trailKeyPolicy(ctx),
      Tags: Object.entries(createdByTags(playbookId)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
    }),
  );
  await kms.send(new EnableKeyRotationCommand({ KeyId: key!.KeyId }));
  await kms.send(new CreateAliasCommand({ AliasName: TRAIL_KEY_ALIAS, TargetKeyId: key!.KeyId }));
  return key!.Arn!;
}

/** The trails visible in this Region (its own and other Regions' multi-Region trails) that encrypt with `keyArn`, other than `except`. */
async function trailsUsingKey(ctx: PlaybookContext<unknown, unknown>, keyArn: string, except: string): Promise<string[]> {
  const { trailList = [] } = await ctx.aws.client(CloudTrailClient).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  return trailList.filter((t) => t.KmsKeyId === keyArn && t.TrailARN !== except && t.Name !== except).map((t) => t.TrailARN ?? t.Name ?? '');
}

/**
 * Schedule Rectify's key for deletion after {@link KEY_DELETION_WINDOW_DAYS} days, only while it is
 * enabled, its live tags say `playbookId` created it, and no other trail encrypts with it (a later
 * run may have given it to another trail). KMS deletes no key at once: until then the
 * key is `PendingDeletion` (unusable, no monthly charge), and its deletion can still be cancelled.
 *
 * @returns whether it scheduled the deletion
 */
export async function scheduleTrailKeyDeletion(ctx: PlaybookContext<unknown, unknown>, playbookId: string, trail: string): Promise<boolean> {
  const key = await describeTrailKey(ctx);
  if (!key || key.KeyState !== 'Enabled') return false;
  if ((await trailsUsingKey(ctx, key.Arn!, trail)).length > 0) return false;
  const kms = ctx.aws.client(KMSClient);
  const { Tags = [] } = await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }));
  if (!isCreatedBy(Object.fromEntries(Tags.map((t) => [t.TagKey ?? '', t.TagValue])), playbookId)) return false;
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: KEY_DELETION_WINDOW_DAYS }));
  return true;
}
