import { DescribeDBClustersCommand, ModifyDBClusterCommand, RDSClient, type DBCluster, type ModifyDBClusterCommandInput } from '@aws-sdk/client-rds';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

/** The DB cluster a finding names: its identifier is the last segment of the ARN (`…:cluster:orders`). */
export async function describeDbCluster(ctx: PlaybookContext<unknown, unknown>): Promise<DBCluster> {
  const { DBClusters = [] } = await ctx.aws
    .client(RDSClient)
    .send(new DescribeDBClustersCommand({ DBClusterIdentifier: ctx.resource.name }));
  const cluster = DBClusters[0];
  if (!cluster) throw new Error(`RDS DB cluster ${ctx.resource.id} was not found (finding ${ctx.request.findingId})`);
  return cluster;
}

/** The cluster settings the catalog's cluster playbooks flip, one per control. */
export type ClusterSettings = Pick<
  ModifyDBClusterCommandInput,
  'DeletionProtection' | 'CopyTagsToSnapshot' | 'AutoMinorVersionUpgrade' | 'EnableIAMDatabaseAuthentication'
>;

/**
 * How a change reaches the cluster:
 * - `immediate`: RDS applies the setting at once whatever ApplyImmediately says (deletion
 *   protection, per the ModifyDBCluster API reference), so Rectify sends ApplyImmediately false.
 * - `applyNow`: a setting RDS may hold for the maintenance window; Rectify sends ApplyImmediately
 *   true so `verify` can read it back, and only to a cluster with nothing pending (see
 *   {@link whyNotModifiableNow}), so nothing queued by its owners is applied with it.
 */
export type ClusterApply = 'immediate' | 'applyNow';

/** Modify one setting of the cluster, and nothing else. */
export async function modifyDbCluster(ctx: PlaybookContext<unknown, unknown>, settings: ClusterSettings, how: ClusterApply): Promise<void> {
  if (how === 'applyNow') {
    // Re-read right before the call: a modification queued since the plan would be applied too.
    const reason = pendingReason(await describeDbCluster(ctx));
    if (reason) throw new RemediationFailedError(`Cannot change RDS DB cluster ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`);
  }
  await ctx.aws
    .client(RDSClient)
    .send(new ModifyDBClusterCommand({ DBClusterIdentifier: ctx.resource.name, ...settings, ApplyImmediately: how === 'applyNow' }));
}

/**
 * The modifications RDS holds for the cluster's maintenance window (`PendingModifiedValues`), one
 * phrase each; the master password is named, never shown.
 */
export function pendingModificationsOf(cluster: DBCluster): string[] {
  const isSet = (value: unknown) =>
    value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0) && !(typeof value === 'object' && Object.keys(value).length === 0);
  return Object.entries(cluster.PendingModifiedValues ?? {})
    .filter(([, value]) => isSet(value))
    .map(([name, value]) => (name === 'MasterUserPassword' ? name : `${name} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`))
    .sort();
}

function pendingReason(cluster: DBCluster): string | undefined {
  const pending = pendingModificationsOf(cluster);
  if (pending.length === 0) return undefined;
  return (
    `${pending.length} modification(s) are pending on the cluster (${pending.join('; ')}); this setting must be applied at once, ` +
    'which could apply them too, so apply or cancel them first'
  );
}

/**
 * Why RDS would reject (or Rectify refuses) a change to this cluster now, or undefined: RDS
 * accepts ModifyDBCluster only on an available cluster, and a change sent with ApplyImmediately
 * must not meet modifications queued by the cluster's owners.
 */
export function whyNotModifiableNow(cluster: DBCluster, how: ClusterApply): string | undefined {
  const status = cluster.Status ?? 'unknown';
  if (status !== 'available') return `its status is ${status}: RDS accepts changes only while a cluster is available, so retry when it is`;
  return how === 'applyNow' ? pendingReason(cluster) : undefined;
}

/** Refuse in `plan` with the finding, the cluster and what to do, before anything changes. */
export function refuse(ctx: PlaybookContext<unknown, unknown>, what: string, reason: string): never {
  throw new RemediationFailedError(`Cannot ${what} on RDS DB cluster ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`);
}
