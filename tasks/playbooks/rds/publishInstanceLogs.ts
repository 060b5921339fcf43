import type { DBInstance } from '@aws-sdk/client-rds';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { creationChange, type CreatedResource } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { createLogGroup, deleteCreatedLogGroup, logGroupEncryption, logGroupExists } from '../logGroups.js';
import { describeDbInstance, modifyDbInstance, pendingNote, whyNotModifiableNow } from './dbInstance.js';

/** The playbook's id, the value of the `rectify:created-by` tag on the log groups it creates (`id` below repeats it as a literal: tools read it from the source). */
const PLAYBOOK_ID = 'rds-publish-instance-logs';
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const Settings = z.object({
  /** Retention of the log groups Rectify creates (a CloudWatch Logs retention value). @default 365 */
  retentionInDays: z.union(RETENTION_DAYS.map((days) => z.literal(days))).default(365),
  /** A KMS key to encrypt the created log groups with (its key policy must allow CloudWatch Logs). @default CloudWatch Logs' own keys */
  kmsKeyId: z.string().min(1).optional(),
});
type Settings = z.infer<typeof Settings>;
type Context = PlaybookContext<Settings>;

/** A log group RDS publishes one log of the instance into, created by Rectify when missing, and what it costs. */
const LOG_GROUP: CreatedResource = {
  type: 'AWS::Logs::LogGroup',
  monthlyCost: '$10–100',
  costBasis: 'CloudWatch Logs ingestion ($0.50/GB) and storage of the database log; general and audit logs of a busy database can reach tens of GB a month',
};

/**
 * The logs RDS.9 requires per engine of a DB instance, as the control page lists them (Oracle:
 * Alert, Audit, Trace, Listener; PostgreSQL: Postgresql, Upgrade; MySQL and MariaDB: Audit, Error,
 * General, SlowQuery; SQL Server: Error, Agent), in CloudwatchLogsExportConfiguration's names.
 * Undefined for an engine the control does not list (Db2) or RDS Custom, which cannot export logs.
 */
export function requiredLogTypes(engine: string): string[] | undefined {
  if (engine.startsWith('custom-')) return undefined;
  if (engine.startsWith('oracle-')) return ['alert', 'audit', 'listener', 'trace'];
  if (engine === 'postgres') return ['postgresql', 'upgrade'];
  if (engine === 'mysql' || engine === 'mariadb') return ['audit', 'error', 'general', 'slowquery'];
  if (engine.startsWith('sqlserver-')) return ['agent', 'error'];
  return undefined;
}

/** The log types the instance publishes, and which of the log groups Rectify would create existed. */
type LogExportsSnapshot = { enabledLogExports: string[]; existingLogGroups: string[] };

/** The log group RDS publishes a log type of an instance into ("Publishing database logs to CloudWatch Logs", RDS User Guide). */
const logGroupNameFor = (instance: string, logType: string) => `/aws/rds/instance/${instance}/${logType}`;
const enabledOf = (instance: DBInstance) => [...(instance.EnabledCloudwatchLogsExports ?? [])].sort();
const missingOf = (instance: DBInstance) => (requiredLogTypes(instance.Engine ?? '') ?? []).filter((type) => !enabledOf(instance).includes(type));

/** Why Rectify does not change this instance's log exports, or undefined. */
function whyRefused(instance: DBInstance): string | undefined {
  const engine = instance.Engine ?? 'unknown';
  if (instance.DBClusterIdentifier) return `it belongs to DB cluster ${instance.DBClusterIdentifier}, whose log exports are a cluster setting`;
  if (!requiredLogTypes(engine)) return `RDS.9 lists no logs for its engine ${engine} (or it is RDS Custom, which cannot publish them); suppress the finding`;
  return whyNotModifiableNow(instance);
}

/**
 * Publishes the logs RDS.9 requires of an RDS DB instance's engine to CloudWatch Logs. The log
 * groups RDS writes into are created first when missing, tagged `rectify:created-by`, with a
 * retention, so the logs do not accumulate forever and rollback can remove them; existing ones are
 * used as they are. The logs are billed, so every plan is `disruptive` and lists what it creates.
 *
 * - Control: RDS.9, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-9
 * - Config rule: rds-logging-enabled, https://docs.aws.amazon.com/config/latest/developerguide/rds-logging-enabled.html
 *   (NON_COMPLIANT when any log type the control lists for the engine is not in
 *   `enabledCloudwatchLogsExports`): `verify` checks exactly that list.
 *
 * Only the missing log types are added (RDS applies a log export change at once whatever
 * ApplyImmediately says, so nothing pending is applied with it). Whether the general, slow query
 * and audit logs have content depends on the parameter and option groups, which Rectify does not
 * change (the plan says so). Aurora and Multi-AZ cluster members are refused (cluster setting).
 * Rollback stops publishing what it added and deletes the log groups it created, read live and
 * only while still tagged with this playbook's id.
 */
export const publishInstanceLogs = definePlaybook<LogExportsSnapshot, { description: string }, Settings>({
  id: 'rds-publish-instance-logs',
  title: 'Publish an RDS DB instance\'s logs to CloudWatch Logs',
  controls: ['RDS.9'],
  resourceType: 'AwsRdsDbInstance',
  impact: 'disruptive',
  creates: [LOG_GROUP],
  permissions: [
    'rds:DescribeDBInstances',
    'rds:ModifyDBInstance',
    'logs:DescribeLogGroups',
    'logs:CreateLogGroup',
    'logs:TagResource',
    'logs:PutRetentionPolicy',
    'logs:ListTagsForResource',
    'logs:DeleteLogGroup',
  ],
  settings: Settings,

  async snapshot(ctx) {
    const instance = await describeDbInstance(ctx);
    const names = (requiredLogTypes(instance.Engine ?? '') ?? []).map((type) => logGroupNameFor(ctx.resource.name, type));
    const exists = await Promise.all(names.map((name) => logGroupExists(ctx, name)));
    return { enabledLogExports: enabledOf(instance), existingLogGroups: names.filter((_, index) => exists[index]).sort() };
  },

  async plan(ctx, current) {
    const instance = await describeDbInstance(ctx);
    const missing = missingOf({ ...instance, EnabledCloudwatchLogsExports: current.enabledLogExports });
    if (missing.length === 0 && requiredLogTypes(instance.Engine ?? '')) {
      return { summary: `RDS DB instance ${ctx.resource.name} publishes every log RDS.9 requires (${current.enabledLogExports.join(', ')})`, changes: [] };
    }
    const reason = whyRefused(instance);
    if (reason) throw new RemediationFailedError(`Cannot publish the logs of RDS DB instance ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`);
    const names = missing.map((type) => logGroupNameFor(ctx.resource.name, type)).filter((name) => !current.existingLogGroups.includes(name));
    const why = `CloudWatch Logs bills the published logs (${LOG_GROUP.monthlyCost}/month: ${LOG_GROUP.costBasis}); the database is not restarted`;
    return {
      summary: `Publish the ${instance.Engine} logs ${missing.join(', ')} of RDS DB instance ${ctx.resource.name} to CloudWatch Logs (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [
        ...names.map((name) => creationChange(LOG_GROUP, name, `${logGroupEncryption(ctx.settings.kmsKeyId)}, logs kept ${ctx.settings.retentionInDays} days`)),
        {
          description:
            `Publish the logs ${missing.join(', ')} of RDS DB instance ${ctx.resource.id} (${instance.Engine}) to CloudWatch Logs, applied at once by RDS` +
            `${pendingNote(instance)}; logs published already stay; whether the general, slow query and audit logs have content depends on the ` +
            'parameter and option groups, which are unchanged',
        },
      ],
    };
  },

  async apply(ctx) {
    const instance = await describeDbInstance(ctx);
    const missing = missingOf(instance);
    if (missing.length === 0) return;
    for (const type of missing) {
      const name = logGroupNameFor(ctx.resource.name, type);
      if (!(await logGroupExists(ctx, name))) {
        await createLogGroup(ctx, name, { playbookId: PLAYBOOK_ID, retentionInDays: ctx.settings.retentionInDays, kmsKeyId: ctx.settings.kmsKeyId });
      }
    }
    await modifyDbInstance(ctx, { CloudwatchLogsExportConfiguration: { EnableLogTypes: missing } });
  },

  async verify(ctx) {
    const instance = await describeDbInstance(ctx);
    const required = requiredLogTypes(instance.Engine ?? '');
    const missing = missingOf(instance);
    const compliant = Boolean(required) && missing.length === 0;
    return {
      compliant,
      detail:
        `RDS DB instance ${ctx.resource.name} (${instance.Engine}) publishes ${enabledOf(instance).join(', ') || 'no logs'}; ` +
        (required ? `RDS.9 requires ${required.join(', ')}` : 'RDS.9 lists no logs for this engine'),
    };
  },

  async rollback(ctx, snapshot) {
    const instance = await describeDbInstance(ctx);
    const added = enabledOf(instance).filter((type) => !snapshot.enabledLogExports.includes(type));
    if (added.length > 0) await modifyDbInstance(ctx, { CloudwatchLogsExportConfiguration: { DisableLogTypes: added } });
    for (const type of requiredLogTypes(instance.Engine ?? '') ?? []) {
      const name = logGroupNameFor(ctx.resource.name, type);
      if (!snapshot.existingLogGroups.includes(name) && (await logGroupExists(ctx, name))) await deleteCreatedLogGroup(ctx, name, PLAYBOOK_ID);
    }
  },
});
