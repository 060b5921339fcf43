import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient, type DBInstance, type ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
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

/** Change settings of the instance now, not in its next maintenance window. */
export async function modifyDbInstance(
  ctx: PlaybookContext<unknown>,
  settings: Omit<ModifyDBInstanceCommandInput, 'DBInstanceIdentifier' | 'ApplyImmediately'>,
): Promise<void> {
  await ctx.aws
    .client(RDSClient)
    .send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ctx.resource.name, ApplyImmediately: true, ...settings }));
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
