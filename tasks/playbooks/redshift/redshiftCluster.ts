import { DescribeClustersCommand, ModifyClusterCommand, RedshiftClient, type Cluster, type ModifyClusterCommandInput } from '@aws-sdk/client-redshift';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

/** The Redshift cluster a finding names: its identifier is the last segment of the ARN (`…:cluster:warehouse`). */
export async function describeRedshiftCluster(ctx: PlaybookContext<unknown, unknown>): Promise<Cluster> {
  const { Clusters = [] } = await ctx.aws.client(RedshiftClient).send(new DescribeClustersCommand({ ClusterIdentifier: ctx.resource.name }));
  const cluster = Clusters[0];
  if (!cluster) throw new Error(`Redshift cluster ${ctx.resource.id} was not found (finding ${ctx.request.findingId})`);
  return cluster;
}

/** The only cluster settings the Redshift playbooks change, one per control. */
export type RedshiftClusterSettings = Pick<ModifyClusterCommandInput, 'AllowVersionUpgrade' | 'AutomatedSnapshotRetentionPeriod' | 'PubliclyAccessible' | 'EnhancedVpcRouting'>;

/**
 * Modify one setting of the cluster. ModifyCluster changes only the fields it is given; none of
 * these resizes the cluster (Redshift has no ApplyImmediately: they take effect at once). What
 * each can interrupt is stated by its playbook's plan.
 */
export async function modifyRedshiftCluster(ctx: PlaybookContext<unknown, unknown>, settings: RedshiftClusterSettings): Promise<void> {
  await ctx.aws.client(RedshiftClient).send(new ModifyClusterCommand({ ClusterIdentifier: ctx.resource.name, ...settings }));
}

/**
 * Refuse in `plan` a cluster Redshift would not modify now (ModifyCluster needs an available
 * cluster: not paused, resizing or rebooting), naming the finding, the cluster and what to do.
 */
export function refuseUnlessAvailable(ctx: PlaybookContext<unknown, unknown>, cluster: Cluster, what: string): void {
  const status = cluster.ClusterStatus ?? 'unknown';
  if (status === 'available') return;
  throw new RemediationFailedError(
    `Cannot ${what} on Redshift cluster ${ctx.resource.id} (finding ${ctx.request.findingId}): its status is ${status}; ` +
      'Redshift accepts changes only while a cluster is available, so retry when it is. Rectify changed nothing.',
  );
}
