import { DescribeLoggingStatusCommand, DisableLoggingCommand, EnableLoggingCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import * as z from 'zod';
import type { CreatedResource } from '../createdResources.js';
import { creationChange } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { createLogGroup, deleteCreatedLogGroup, logGroupEncryption, logGroupExists } from '../logGroups.js';
import { describeRedshiftCluster, refuseUnlessAvailable } from './redshiftCluster.js';

/** The playbook's id, the value of the `rectify:created-by` tag on the log groups it creates (`id` below repeats it as a literal: tools read it from the source). */
const PLAYBOOK_ID = 'redshift-enable-audit-logging';

/** The audit logs Redshift can export to CloudWatch Logs (EnableLogging `LogExports`). */
const LOG_TYPES = ['connectionlog', 'userlog', 'useractivitylog'] as const;
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const Settings = z.object({
  /**
   * The audit logs to export. `useractivitylog` logs every query, and only when the cluster's
   * parameter group sets `enable_user_activity_logging`; add it when you want that (and its volume).
   * @default ['connectionlog', 'userlog']
   */
  logExports: z.array(z.enum(LOG_TYPES)).min(1).default(['connectionlog', 'userlog']),
  /** Retention of the log groups Rectify creates (a CloudWatch Logs retention value). @default 365 */
  retentionInDays: z.union(RETENTION_DAYS.map((days) => z.literal(days))).default(365),
  /** A KMS key to encrypt the created log groups with (its key policy must allow CloudWatch Logs). @default CloudWatch Logs' own keys */
  kmsKeyId: z.string().min(1).optional(),
});
type Settings = z.infer<typeof Settings>;
type Context = PlaybookContext<Settings>;

/** A log group Redshift delivers audit logs into, created by Rectify when missing, and what it costs. */
const LOG_GROUP: CreatedResource = {
  type: 'AWS::Logs::LogGroup',
  monthlyCost: '$1–10',
  costBasis: 'CloudWatch Logs ingestion ($0.50/GB) and storage of the audit log; connection and user logs are usually well under a few GB a month',
};

/** Whether audit logging is on, and which of the log groups it would use existed before Rectify. */
type AuditLoggingSnapshot = { loggingEnabled: boolean; existingLogGroups: string[] };

/** The log group Redshift writes a log type of a cluster into ("Audit logging to CloudWatch", Redshift Management Guide). */
const logGroupNameFor = (cluster: string, logType: string) => `/aws/redshift/cluster/${cluster}/${logType}`;
const logGroupNames = (ctx: Context) => ctx.settings.logExports.map((logType) => logGroupNameFor(ctx.resource.name, logType));

async function loggingEnabled(ctx: PlaybookContext<unknown>): Promise<boolean> {
  const status = await ctx.aws.client(RedshiftClient).send(new DescribeLoggingStatusCommand({ ClusterIdentifier: ctx.resource.name }));
  return status.LoggingEnabled === true;
}

async function existingOf(ctx: Context, names: readonly string[]): Promise<string[]> {
  const exists = await Promise.all(names.map((name) => logGroupExists(ctx, name)));
  return names.filter((_, index) => exists[index]).sort();
}

/**
 * Turns on audit logging for a Redshift cluster, delivered to CloudWatch Logs (no bucket to
 * create or open to Redshift). The log groups Redshift writes into are created first when
 * missing, tagged `rectify:created-by`, with a retention, so the logs do not accumulate forever
 * and rollback can remove them; log groups that exist already are used as they are. The logs are
 * billed, so every plan is `disruptive` and lists what it creates.
 *
 * - Control: Redshift.4, https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html#redshift-4
 * - Config rule: `redshift-cluster-audit-logging-enabled` (a custom Security Hub rule) with
 *   `loggingEnabled = true` (not customizable): the control fails when audit logging is off, to
 *   any destination. `verify` reads `LoggingEnabled` from DescribeLoggingStatus, and nothing else.
 *
 * A cluster that logs already (to S3 or CloudWatch) gets an empty plan. Rollback turns logging
 * off again and deletes the log groups Rectify created, read live and only while still tagged
 * with this playbook's id.
 */
export const enableRedshiftAuditLogging = definePlaybook<AuditLoggingSnapshot, { description: string }, Settings>({
  id: 'redshift-enable-audit-logging',
  title: 'Turn on audit logging to CloudWatch Logs for a Redshift cluster',
  controls: ['Redshift.4'],
  resourceType: 'AwsRedshiftCluster',
  impact: 'disruptive',
  creates: [LOG_GROUP],
  permissions: [
    'redshift:DescribeClusters',
    'redshift:DescribeLoggingStatus',
    'redshift:EnableLogging',
    'redshift:DisableLogging',
    'logs:DescribeLogGroups',
    'logs:CreateLogGroup',
    'logs:TagResource',
    'logs:PutRetentionPolicy',
    'logs:ListTagsForResource',
    'logs:DeleteLogGroup',
  ],
  settings: Settings,

  snapshot: async (ctx) => ({
    loggingEnabled: await loggingEnabled(ctx),
    existingLogGroups: await existingOf(ctx, logGroupNames(ctx)),
  }),

  async plan(ctx, current) {
    if (current.loggingEnabled) return { summary: `Redshift cluster ${ctx.resource.name} already has audit logging`, changes: [] };
    refuseUnlessAvailable(ctx, await describeRedshiftCluster(ctx), 'turn on audit logging');
    const missing = logGroupNames(ctx).filter((name) => !current.existingLogGroups.includes(name));
    const why = `CloudWatch Logs bills the audit logs (${LOG_GROUP.monthlyCost}/month, ${LOG_GROUP.costBasis}); queries and connections are unaffected`;
    return {
      summary: `Turn on audit logging to CloudWatch Logs for Redshift cluster ${ctx.resource.name} (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [
        ...missing.map((name) => creationChange(LOG_GROUP, name, `${logGroupEncryption(ctx.settings.kmsKeyId)}, logs kept ${ctx.settings.retentionInDays} days`)),
        {
          description:
            `Turn on audit logging for Redshift cluster ${ctx.resource.id} to CloudWatch Logs (${ctx.settings.logExports.join(', ')})` +
            (current.existingLogGroups.length ? `, into the existing log group(s) ${current.existingLogGroups.join(', ')} and those above` : ''),
        },
      ],
    };
  },

  async apply(ctx) {
    if (await loggingEnabled(ctx)) return;
    for (const name of logGroupNames(ctx)) {
      if (!(await logGroupExists(ctx, name))) {
        await createLogGroup(ctx, name, { playbookId: PLAYBOOK_ID, retentionInDays: ctx.settings.retentionInDays, kmsKeyId: ctx.settings.kmsKeyId });
      }
    }
    await ctx.aws
      .client(RedshiftClient)
      .send(new EnableLoggingCommand({ ClusterIdentifier: ctx.resource.name, LogDestinationType: 'cloudwatch', LogExports: [...ctx.settings.logExports] }));
  },

  async verify(ctx) {
    const enabled = await loggingEnabled(ctx);
    return { compliant: enabled, detail: `Audit logging of Redshift cluster ${ctx.resource.name} is ${enabled ? 'on' : 'off'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.loggingEnabled) return;
    if (await loggingEnabled(ctx)) await ctx.aws.client(RedshiftClient).send(new DisableLoggingCommand({ ClusterIdentifier: ctx.resource.name }));
    for (const name of logGroupNames(ctx)) {
      if (!snapshot.existingLogGroups.includes(name) && (await logGroupExists(ctx, name))) await deleteCreatedLogGroup(ctx, name, PLAYBOOK_ID);
    }
  },
});
