import { CloudTrailClient, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import * as z from 'zod';
import { creationChange, type CreatedResource } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { createLogGroup, deleteCreatedLogGroup, logGroupArnFor, logGroupExists } from '../logGroups.js';
import { deleteCreatedLogsRole, ensureLogsRole, LOGS_ROLE, LOGS_ROLE_NAME, readLogsRole, roleArnOf, trailsDeliveringWith } from './logsDeliveryRole.js';
import { orNull, readTrail, requireUpdatable, trailOf } from './trail.js';

/** The playbook's id, the value of the `rectify:created-by` tag on what it creates (the id below is a literal: tools read it from the source). */
const PLAYBOOK_ID = 'cloudtrail-send-trail-to-cloudwatch-logs';
const LOG_GROUP_NAME = '/aws/cloudtrail/rectify';

const TRAIL_LOG_GROUP: CreatedResource = {
  type: 'AWS::Logs::LogGroup',
  monthlyCost: '$10–100',
  costBasis:
    'CloudWatch Logs ingestion ($0.50/GB) and storage ($0.03/GB-month) of every event the trail logs; management events of a busy account run to several GB a month',
};

const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const Settings = z.object({
  /** Retention of the log group Rectify creates (a CloudWatch Logs retention value). @default 365 */
  retentionInDays: z.union(RETENTION_DAYS.map((d) => z.literal(d))).default(365),
  /** A KMS key ARN to encrypt the created log group with (its key policy must allow CloudWatch Logs). @default CloudWatch Logs' own encryption */
  kmsKeyId: z.string().min(1).optional(),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings>;

/** The trail's CloudWatch Logs settings, and whether Rectify's log group and role were there. */
type LogsSnapshot = { logGroupArn: string | null; roleArn: string | null; logGroupExisted: boolean; roleExisted: boolean };

const WHY = 'it adds cost: CloudWatch Logs bills the ingestion and storage of every event the trail logs; logging to S3 is unchanged';
/** CloudTrail refuses a role IAM has not propagated yet with these; a new role is usually usable within seconds. */
const NOT_YET_USABLE = new Set(['InvalidCloudWatchLogsRoleArnException', 'InvalidCloudWatchLogsLogGroupArnException']);

async function setDelivery(ctx: Ctx, logGroupArn: string, roleArn: string): Promise<void> {
  const cloudtrail = ctx.aws.client(CloudTrailClient);
  for (let attempt = 1; ; attempt++) {
    try {
      await cloudtrail.send(new UpdateTrailCommand({ Name: trailOf(ctx), CloudWatchLogsLogGroupArn: logGroupArn, CloudWatchLogsRoleArn: roleArn }));
      return;
    } catch (error) {
      const waitMs = 2_000 * attempt;
      if (!NOT_YET_USABLE.has((error as Error).name) || attempt >= 6 || Date.now() + waitMs > ctx.deadline.getTime() - 30_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/**
 * Sends a trail's events to CloudWatch Logs (CloudTrail.5,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-5; AWS Config rule
 * `cloud-trail-cloud-watch-logs-enabled`, https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-cloud-watch-logs-enabled.html:
 * NON_COMPLIANT when the trail's `CloudWatchLogsLogGroupArn` is empty; Security Hub sets no
 * `expectedDeliveryWindowAge`). `verify` reads exactly that field.
 *
 * Creates, once per account and Region, the log group `/aws/cloudtrail/rectify` (retention from
 * settings, default 365 days; CloudWatch Logs' encryption or the KMS key in settings) and, once per
 * account, the role `rectify-cloudtrail-logs` (trusts only cloudtrail.amazonaws.com for this
 * account's trails; may only create streams in and put events to that group), both tagged, then
 * points the trail at them. Only the two CloudWatch Logs fields of the trail change.
 * Rollback puts the trail's fields back and deletes the group and the role when this run created
 * them, they are still tagged ours, and no other trail delivers with them.
 */
export const sendTrailToCloudWatchLogs = definePlaybook<LogsSnapshot, { description: string }, Settings>({
  id: 'cloudtrail-send-trail-to-cloudwatch-logs',
  title: 'Send a CloudTrail trail\'s events to CloudWatch Logs',
  controls: ['CloudTrail.5', 'cis-aws-foundations-benchmark/v/1.2.0/2.4', 'cis-aws-foundations-benchmark/v/1.4.0/3.4', 'pci-dss/v/3.2.1/PCI.CloudTrail.4'],
  resourceType: 'AwsCloudTrailTrail',
  impact: 'disruptive',
  creates: [TRAIL_LOG_GROUP, LOGS_ROLE],
  permissions: [
    'cloudtrail:DescribeTrails',
    'cloudtrail:GetTrail',
    'cloudtrail:UpdateTrail',
    'iam:CreateRole',
    'iam:DeleteRole',
    'iam:DeleteRolePolicy',
    'iam:GetRole',
    'iam:PassRole',
    'iam:PutRolePolicy',
    'iam:TagRole',
    'logs:CreateLogGroup',
    'logs:DeleteLogGroup',
    'logs:DescribeLogGroups',
    'logs:ListTagsForResource',
    'logs:PutRetentionPolicy',
    'logs:TagResource',
  ],
  settings: Settings,

  async snapshot(ctx) {
    const trail = await readTrail(ctx);
    return {
      logGroupArn: orNull(trail.CloudWatchLogsLogGroupArn),
      roleArn: orNull(trail.CloudWatchLogsRoleArn),
      logGroupExisted: await logGroupExists(ctx, LOG_GROUP_NAME),
      roleExisted: (await readLogsRole(ctx)) !== undefined,
    };
  },

  async plan(ctx, current) {
    if (current.logGroupArn) return { summary: `Trail ${ctx.resource.name} already sends its events to ${current.logGroupArn}`, changes: [] };
    requireUpdatable(ctx, await readTrail(ctx), 'send the events to CloudWatch Logs');
    const encryption = ctx.settings.kmsKeyId ? `encrypted with ${ctx.settings.kmsKeyId}` : "encrypted with CloudWatch Logs' keys";
    const changes = [
      ...(current.logGroupExisted ? [] : [creationChange(TRAIL_LOG_GROUP, LOG_GROUP_NAME, `retention ${ctx.settings.retentionInDays} days, ${encryption}`)]),
      ...(current.roleExisted
        ? []
        : [creationChange(LOGS_ROLE, LOGS_ROLE_NAME, `trusted only by cloudtrail.amazonaws.com for this account's trails, allowed only logs:CreateLogStream and logs:PutLogEvents on ${LOG_GROUP_NAME}`)]),
      { description: `Send the events of trail ${ctx.resource.id} to log group ${LOG_GROUP_NAME} through role ${LOGS_ROLE_NAME}` },
    ];
    return { summary: `Send the events of trail ${ctx.resource.name} to CloudWatch Logs (disruptive: ${WHY})`, impact: { level: 'disruptive', why: WHY }, changes };
  },

  async apply(ctx) {
    const trail = await readTrail(ctx);
    if (orNull(trail.CloudWatchLogsLogGroupArn)) return;
    requireUpdatable(ctx, trail, 'send the events to CloudWatch Logs');
    if (!(await logGroupExists(ctx, LOG_GROUP_NAME))) {
      await createLogGroup(ctx, LOG_GROUP_NAME, { playbookId: PLAYBOOK_ID, retentionInDays: ctx.settings.retentionInDays, kmsKeyId: ctx.settings.kmsKeyId });
    }
    const roleArn = await ensureLogsRole(ctx, PLAYBOOK_ID, LOG_GROUP_NAME);
    await setDelivery(ctx, logGroupArnFor(ctx, LOG_GROUP_NAME), roleArn);
  },

  async verify(ctx) {
    const group = orNull((await readTrail(ctx)).CloudWatchLogsLogGroupArn);
    return { compliant: group !== null, detail: `Trail ${ctx.resource.name} ${group ? `sends its events to ${group}` : 'sends no events to CloudWatch Logs'}` };
  },

  async rollback(ctx, snapshot) {
    const trail = await readTrail(ctx);
    if (orNull(trail.CloudWatchLogsLogGroupArn) !== snapshot.logGroupArn || orNull(trail.CloudWatchLogsRoleArn) !== snapshot.roleArn) {
      await ctx.aws
        .client(CloudTrailClient)
        .send(new UpdateTrailCommand({ Name: trailOf(ctx), CloudWatchLogsLogGroupArn: snapshot.logGroupArn ?? '', CloudWatchLogsRoleArn: snapshot.roleArn ?? '' }));
    }
    const self = trail.TrailARN ?? trailOf(ctx);
    const groupArn = logGroupArnFor(ctx, LOG_GROUP_NAME);
    if (!snapshot.logGroupExisted && (await trailsDeliveringWith(ctx, { logGroupArn: groupArn }, self)).length === 0 && (await logGroupExists(ctx, LOG_GROUP_NAME))) {
      await deleteCreatedLogGroup(ctx, LOG_GROUP_NAME, PLAYBOOK_ID);
    }
    if (!snapshot.roleExisted && (await trailsDeliveringWith(ctx, { roleArn: roleArnOf(ctx) }, self)).length === 0) {
      await deleteCreatedLogsRole(ctx, PLAYBOOK_ID);
    }
  },
});
