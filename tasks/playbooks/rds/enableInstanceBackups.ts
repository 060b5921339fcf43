import type { DBInstance } from '@aws-sdk/client-rds';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { chooseValue, ParameterValue, SOURCE_WORDS, type ChosenValue } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbInstance, modifyDbInstance, modifyDbInstanceNow, pendingNote, whyNotAppliableNow, whyNotModifiableNow } from './dbInstance.js';

const Parameters = z.object({
  /** Security Hub's name and default: keep automated backups at least 7 days (allowed 7 to 35). @default 7 */
  backupRetentionMinimum: ParameterValue.integer(7, 35).default(7),
  /** Not customizable in Security Hub (`false`: read replicas are not evaluated); any other value is refused. @default false */
  checkReadReplicas: ParameterValue.boolean()
    .refine((value) => value === false, 'RDS.11 checkReadReplicas is not customizable: Security Hub sets it to false')
    .default(false),
});
type Parameters = z.infer<typeof Parameters>;

const Settings = z.object({
  /**
   * Days of automated backups to keep, when longer than the control requires. It stands for the
   * control's `backupRetentionMinimum`, so it has no default and may only be longer (else `plan`
   * throws InvalidControlParameters).
   * @default the finding's `backupRetentionMinimum`, else Security Hub's default (7)
   */
  retentionPeriodDays: z.number().int().min(7, 'RDS.11 requires automated backups kept at least 7 days').max(35).optional(),
});
type Settings = z.infer<typeof Settings>;
type Context = PlaybookContext<Settings, Parameters>;

type BackupRetention = { backupRetentionPeriod: number };

const retentionOf = (instance: DBInstance) => instance.BackupRetentionPeriod ?? 0;
const retentionNow = async (ctx: PlaybookContext<unknown, unknown>) => retentionOf(await describeDbInstance(ctx));

/** The retention the instance must reach, and where that value came from. */
const requiredRetention = (ctx: Context): ChosenValue<number> =>
  chooseValue(ctx, 'backupRetentionMinimum', { name: 'retentionPeriodDays', value: ctx.settings.retentionPeriodDays }, (setting, control) => setting >= control);

/** The control's condition: automated backups on (not 0) and kept at least `backupRetentionMinimum` days. */
const meets = (retention: number, minimum: number) => retention !== 0 && retention >= minimum;

/**
 * Set the retention: from or to 0 RDS would wait for the maintenance window, so that goes now
 * with ApplyImmediately, and only while nothing else is pending (decision 022); between two
 * non-zero values RDS applies it as soon as possible whatever ApplyImmediately says.
 */
async function setRetention(ctx: PlaybookContext<unknown, unknown>, from: number, to: number): Promise<void> {
  if (from === 0 || to === 0) await modifyDbInstanceNow(ctx, { BackupRetentionPeriod: to });
  else await modifyDbInstance(ctx, { BackupRetentionPeriod: to });
}

/** Why Rectify does not change this instance's retention, or undefined. */
function whyRefused(instance: DBInstance, retention: number): string | undefined {
  if (instance.ReadReplicaSourceDBInstanceIdentifier) {
    return `it is a read replica of ${instance.ReadReplicaSourceDBInstanceIdentifier}, which RDS.11 does not evaluate (checkReadReplicas is false); suppress the finding`;
  }
  if (instance.DBClusterIdentifier) {
    return `it belongs to DB cluster ${instance.DBClusterIdentifier}, whose backup retention is a cluster setting (ModifyDBCluster), not the instance's`;
  }
  return retention === 0 ? whyNotAppliableNow(instance) : whyNotModifiableNow(instance);
}

/** Why the change is disruptive: the brief I/O suspension when backups go from off to on, and the bill. */
function impactOf(instance: DBInstance, retention: number): string {
  const storage = 'backup storage beyond the size of the instance\'s database storage is billed';
  if (retention !== 0) return `${storage}; RDS applies the longer retention without an outage`;
  return (
    `turning automated backups on causes a brief I/O suspension (seconds to a few minutes, by size and class; ${instance.DBInstanceClass ?? 'class not reported'} here) ` +
    `while RDS takes the first backup, applied now rather than at the maintenance window; ${storage}`
  );
}

/**
 * Keeps automated backups of an RDS DB instance for at least the control's minimum
 * (`backupRetentionMinimum`, default 7 days), turning them on when the retention is 0.
 *
 * - Control: RDS.11, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-11
 * - Config rule: db-instance-backup-enabled, https://docs.aws.amazon.com/config/latest/developerguide/db-instance-backup-enabled.html
 *   (NON_COMPLIANT when `backupRetentionPeriod` is 0 or below `backupRetentionMinimum`; Security Hub
 *   sets `checkReadReplicas` false, so read replicas are not evaluated): `verify` checks exactly
 *   that, with the finding's value.
 *
 * Only the retention changes (the backup window and everything pending stay). From 0 the change
 * would wait for the maintenance window, so it is applied now, and only on an instance with no
 * pending modification (decision 022); it causes a brief I/O suspension, which the plan states:
 * every plan is `disruptive` (that, and billed backup storage). A longer retention is never
 * shortened. Read replicas and Aurora or Multi-AZ cluster members are refused. Rollback puts the
 * old retention back; back to 0 RDS deletes the automated backups taken meanwhile.
 */
export const enableInstanceBackups = definePlaybook<BackupRetention, { description: string }, Settings, Parameters>({
  id: 'rds-enable-instance-automated-backups',
  title: 'Keep automated backups of an RDS DB instance for the required days',
  controls: ['RDS.11'],
  resourceType: 'AwsRdsDbInstance',
  impact: 'disruptive',
  permissions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
  settings: Settings,
  parameters: { control: 'RDS.11', schema: Parameters },

  snapshot: async (ctx) => ({ backupRetentionPeriod: await retentionNow(ctx) }),

  async plan(ctx, current) {
    const required = requiredRetention(ctx);
    const retention = current.backupRetentionPeriod;
    if (meets(retention, required.value)) {
      return { summary: `RDS DB instance ${ctx.resource.name} keeps automated backups ${retention} days (at least ${required.value})`, changes: [] };
    }
    const instance = await describeDbInstance(ctx);
    const reason = whyRefused(instance, retention);
    if (reason) {
      throw new RemediationFailedError(
        `Cannot change the automated backup retention of RDS DB instance ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`,
      );
    }
    const why = impactOf(instance, retention);
    return {
      summary: `Keep automated backups of RDS DB instance ${ctx.resource.name} for ${required.value} days (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [
        {
          description:
            `Set the automated backup retention of RDS DB instance ${ctx.resource.id} from ${retention === 0 ? '0 (automated backups off)' : `${retention} days`} ` +
            `to ${required.value} days (${SOURCE_WORDS[required.source]})${retention === 0 ? ', applied now with ApplyImmediately (nothing else is pending on the instance)' : pendingNote(instance)}: ` +
            'the backup window and other settings are unchanged',
        },
      ],
    };
  },

  async apply(ctx) {
    const required = requiredRetention(ctx).value;
    const retention = await retentionNow(ctx);
    if (!meets(retention, required)) await setRetention(ctx, retention, required);
  },

  async verify(ctx) {
    const minimum = ctx.parameters.backupRetentionMinimum;
    const retention = await retentionNow(ctx);
    return {
      compliant: meets(retention, minimum),
      detail: `RDS DB instance ${ctx.resource.name} keeps automated backups ${retention} days; RDS.11 requires at least ${minimum}`,
    };
  },

  async rollback(ctx, snapshot) {
    const retention = await retentionNow(ctx);
    if (retention !== snapshot.backupRetentionPeriod) await setRetention(ctx, retention, snapshot.backupRetentionPeriod);
  },
});
