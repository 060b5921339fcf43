import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient, type DBInstance, type ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

/** The DB instance a finding names: its identifier is the last segment of the ARN (`…:db:orders`). */
export async function describeDbInstance(ctx: PlaybookContext<unknown>): Promise<DBInstance> {
  const { DBInstances = [] } = await ctx.aws
    .client(RDSClient)
    .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: ctx.resource.name }));
  const instance = DBInstances[0];
  if (!instance) throw new Error(`RDS DB instance ${ctx.resource.id} was not found (finding ${ctx.request.findingId})`);
  return instance;
}

/**
 * The settings Rectify changes on a DB instance that RDS applies at once whatever
 * ApplyImmediately says (RDS User Guide, "Settings for DB instances": "The change occurs
 * immediately. This setting ignores the apply immediately setting." for deletion protection, copy
 * tags to snapshots and auto minor version upgrade; the ModifyDBInstance API reference says the
 * same of PubliclyAccessible), so none needs ApplyImmediately. BackupRetentionPeriod belongs here
 * only from one non-zero value to another ("the change is asynchronously applied as soon as
 * possible", ModifyDBInstance API reference); from or to 0 it waits for the maintenance window
 * and goes through {@link modifyDbInstanceNow}. CloudwatchLogsExportConfiguration "is always
 * applied to the DB instance immediately" (same reference).
 */
export type ImmediateSettings = Pick<
  ModifyDBInstanceCommandInput,
  'PubliclyAccessible' | 'DeletionProtection' | 'CopyTagsToSnapshot' | 'AutoMinorVersionUpgrade' | 'BackupRetentionPeriod' | 'CloudwatchLogsExportConfiguration'
>;

/**
 * Change settings that take effect at once, with ApplyImmediately false: true would also apply
 * every modification pending on the instance (instance class, storage, engine version), which
 * can reboot it. Those stay pending for the maintenance window or for a person to apply.
 */
export async function modifyDbInstance(ctx: PlaybookContext<unknown>, settings: ImmediateSettings): Promise<void> {
  await ctx.aws
    .client(RDSClient)
    .send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ctx.resource.name, ...settings, ApplyImmediately: false }));
}

/**
 * The modifications RDS holds for the instance's maintenance window (`PendingModifiedValues`),
 * one phrase each (`DBInstanceClass db.r6g.large`); the master password is named, never shown.
 */
export function pendingModificationsOf(instance: DBInstance): string[] {
  const isSet = (value: unknown) =>
    value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0) && !(typeof value === 'object' && Object.keys(value).length === 0);
  return Object.entries(instance.PendingModifiedValues ?? {})
    .filter(([, value]) => isSet(value))
    .map(([name, value]) => (name === 'MasterUserPassword' ? name : `${name} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`))
    .sort();
}

/**
 * What the plan says about pending modifications, or '' when none are pending: a reviewer must
 * know that approving this change does not also approve them.
 */
export function pendingNote(instance: DBInstance): string {
  const pending = pendingModificationsOf(instance);
  if (pending.length === 0) return '';
  return (
    `. ${pending.length} modification(s) are pending on the instance (${pending.join('; ')}): Rectify sends ApplyImmediately false, ` +
    'so they stay pending until its maintenance window or until someone applies them'
  );
}

/**
 * Why RDS would reject a change to this instance now, or undefined. RDS accepts
 * ModifyDBInstance only on an available instance; refusing up front changes nothing, where a
 * failed call halfway through a run would leave people to guess.
 */
export function whyNotModifiableNow(instance: DBInstance): string | undefined {
  const status = instance.DBInstanceStatus ?? 'unknown';
  if (status !== 'available') return `its status is ${status}: RDS accepts changes only while an instance is available, so retry when it is`;
  return undefined;
}

/**
 * Apply one setting RDS may otherwise hold for the maintenance window (IAM database
 * authentication; a backup retention from or to 0) now, so `verify` can read it back: ApplyImmediately true, which on an instance
 * also applies every pending modification, so it is sent only when nothing is pending, re-read
 * right before the call; otherwise it throws and changes nothing.
 */
export async function modifyDbInstanceNow(
  ctx: PlaybookContext<unknown>,
  settings: Pick<ModifyDBInstanceCommandInput, 'EnableIAMDatabaseAuthentication' | 'BackupRetentionPeriod'>,
): Promise<void> {
  const reason = whyNotAppliableNow(await describeDbInstance(ctx));
  if (reason) throw new RemediationFailedError(`Cannot change RDS DB instance ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`);
  await ctx.aws
    .client(RDSClient)
    .send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ctx.resource.name, ...settings, ApplyImmediately: true }));
}

/**
 * Why a setting cannot be applied now without also applying what the instance's owners queued,
 * or undefined: ApplyImmediately true applies every pending modification (an instance class or
 * engine change reboots the instance).
 */
export function whyNotAppliableNow(instance: DBInstance): string | undefined {
  const pending = pendingModificationsOf(instance);
  if (pending.length === 0) return whyNotModifiableNow(instance);
  return (
    `${pending.length} modification(s) are pending on the instance (${pending.join('; ')}); this setting must be applied at once, ` +
    'and RDS would apply them with it (a class or engine change reboots the instance), so apply or cancel them first'
  );
}
