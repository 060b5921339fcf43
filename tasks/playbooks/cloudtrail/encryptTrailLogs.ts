import { CloudTrailClient, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import * as z from 'zod';
import { creationChange } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { orNull, readTrail, requireUpdatable, trailOf } from './trail.js';
import { describeTrailKey, ensureTrailKey, KEY_DELETION_WINDOW_DAYS, scheduleTrailKeyDeletion, TRAIL_KEY, TRAIL_KEY_ALIAS } from './trailKey.js';

/** The playbook's id, the value of the `rectify:created-by` tag on the key it creates (the id below is a literal: tools read it from the source). */
const PLAYBOOK_ID = 'cloudtrail-encrypt-trail-logs';

const Settings = z.object({
  /**
   * A KMS key the account already has for CloudTrail (key ARN or alias ARN, in the trail's Region),
   * whose key policy lets cloudtrail.amazonaws.com call kms:GenerateDataKey* for this trail.
   * @default none: Rectify creates and reuses `alias/rectify-cloudtrail`
   */
  kmsKeyId: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, 'kmsKeyId must be a KMS key ARN or alias ARN').optional(),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings>;

/** The trail's key (null: SSE-S3 only) and whether Rectify's key was there and usable. */
type EncryptionSnapshot = { kmsKeyId: string | null; rectifyKeyReady: boolean };

const WHY =
  'whoever reads the log files from then on (a SIEM, Athena, a person) also needs kms:Decrypt on the key, or their reads fail; KMS bills the key and its requests';

const setKey = (ctx: Ctx, KmsKeyId: string) => ctx.aws.client(CloudTrailClient).send(new UpdateTrailCommand({ Name: trailOf(ctx), KmsKeyId }));

/**
 * Encrypts a trail's log files with SSE-KMS (CloudTrail.2,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2; AWS Config rule
 * `cloud-trail-encryption-enabled`, https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-encryption-enabled.html:
 * NON_COMPLIANT when the trail's `KmsKeyId` is not set). `verify` reads exactly that field.
 *
 * The key is the one the policy's settings name, else a customer managed key Rectify creates once
 * per account and Region (`alias/rectify-cloudtrail`, rotation on, tagged; key policy per the
 * CloudTrail guide, limited to this account's trails). Only `KmsKeyId` changes: bucket, prefix,
 * logging, selectors stay. Readers of the logs then need kms:Decrypt: the plan is disruptive.
 * CloudTrail wants the key in the Region of the trail's bucket; a bucket elsewhere makes the
 * update fail, and rollback restores the trail.
 *
 * Rollback sets the trail's previous encryption back (an empty `KmsKeyId`: SSE-S3) and, when this
 * run created the key and no other trail uses it, schedules its deletion: KMS deletes a key no
 * sooner than 7 days later, so this is the one created resource a rollback cannot remove at once
 * (it stays `PendingDeletion`, tagged, unusable and unbilled, until then).
 */
export const encryptTrailLogs = definePlaybook<EncryptionSnapshot, { description: string }, Settings>({
  id: 'cloudtrail-encrypt-trail-logs',
  title: 'Encrypt a CloudTrail trail\'s log files with a KMS key',
  controls: [
    'CloudTrail.2',
    'cis-aws-foundations-benchmark/v/1.2.0/2.7',
    'cis-aws-foundations-benchmark/v/1.4.0/3.7',
    'cis-aws-foundations-benchmark/v/3.0.0/3.5',
    'pci-dss/v/3.2.1/PCI.CloudTrail.1',
  ],
  resourceType: 'AwsCloudTrailTrail',
  impact: 'disruptive',
  creates: [TRAIL_KEY],
  permissions: [
    'cloudtrail:DescribeTrails',
    'cloudtrail:GetTrail',
    'cloudtrail:UpdateTrail',
    'kms:CreateAlias',
    'kms:CreateKey',
    'kms:DescribeKey',
    'kms:EnableKeyRotation',
    'kms:ListResourceTags',
    'kms:ScheduleKeyDeletion',
    'kms:TagResource',
  ],
  settings: Settings,

  async snapshot(ctx) {
    const trail = await readTrail(ctx);
    return { kmsKeyId: orNull(trail.KmsKeyId), rectifyKeyReady: (await describeTrailKey(ctx))?.KeyState === 'Enabled' };
  },

  async plan(ctx, current) {
    if (current.kmsKeyId) return { summary: `Trail ${ctx.resource.name} already encrypts its log files with ${current.kmsKeyId}`, changes: [] };
    requireUpdatable(ctx, await readTrail(ctx), 'encrypt the log files');
    const key = ctx.settings.kmsKeyId ?? TRAIL_KEY_ALIAS;
    const creates = !ctx.settings.kmsKeyId && !current.rectifyKeyReady;
    const changes = [
      ...(creates
        ? [
            creationChange(
              TRAIL_KEY,
              TRAIL_KEY_ALIAS,
              `a symmetric KMS key with yearly rotation, usable by CloudTrail for this account's trails only; rollback schedules its deletion, which KMS completes ${KEY_DELETION_WINDOW_DAYS} days later`,
            ),
          ]
        : []),
      { description: `Encrypt the log files of trail ${ctx.resource.id} with KMS key ${key} (SSE-KMS); files already delivered stay as they are` },
    ];
    return { summary: `Encrypt the log files of trail ${ctx.resource.name} with ${key} (disruptive: ${WHY})`, impact: { level: 'disruptive', why: WHY }, changes };
  },

  async apply(ctx) {
    const trail = await readTrail(ctx);
    if (trail.KmsKeyId) return;
    requireUpdatable(ctx, trail, 'encrypt the log files');
    await setKey(ctx, ctx.settings.kmsKeyId ?? (await ensureTrailKey(ctx, PLAYBOOK_ID)));
  },

  async verify(ctx) {
    const key = orNull((await readTrail(ctx)).KmsKeyId);
    return { compliant: key !== null, detail: `Trail ${ctx.resource.name} ${key ? `encrypts its log files with ${key}` : 'has no KMS key (SSE-S3 only)'}` };
  },

  async rollback(ctx, snapshot) {
    const trail = await readTrail(ctx);
    if (orNull(trail.KmsKeyId) !== snapshot.kmsKeyId) await setKey(ctx, snapshot.kmsKeyId ?? '');
    if (ctx.settings.kmsKeyId || snapshot.rectifyKeyReady) return;
    await scheduleTrailKeyDeletion(ctx, PLAYBOOK_ID, trail.TrailARN ?? trailOf(ctx));
  },
});
