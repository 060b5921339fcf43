import { DescribeClusterCommand, EKSClient, UpdateClusterConfigCommand, type Cluster, type LogType } from '@aws-sdk/client-eks';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** Every control-plane log type EKS has; the control asks for `audit`. */
const LOG_TYPES: readonly LogType[] = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
/** How often a cluster that is UPDATING is read again. */
const POLL_MS = 5_000;

type AuditLoggingSnapshot = { auditLogging: boolean };

async function describeCluster(ctx: PlaybookContext<unknown>): Promise<Cluster> {
  const { cluster } = await ctx.aws.client(EKSClient).send(new DescribeClusterCommand({ name: ctx.resource.name }));
  if (!cluster) throw new RemediationFailedError(`EKS cluster ${ctx.resource.id} was not found (finding ${ctx.request.findingId})`);
  return cluster;
}

/** The log types the cluster sends to CloudWatch Logs. */
const enabledTypes = (cluster: Cluster): Set<string> =>
  new Set((cluster.logging?.clusterLogging ?? []).filter((group) => group.enabled).flatMap((group) => group.types ?? []));

/**
 * Wait until the cluster is ACTIVE: EKS refuses a configuration update while another is in
 * progress (ResourceInUseException), and applies one in the background. Gives up at the step's
 * deadline, naming the status it saw.
 */
async function activeCluster(ctx: PlaybookContext<unknown>): Promise<Cluster> {
  for (;;) {
    const cluster = await describeCluster(ctx);
    if (cluster.status === 'ACTIVE') return cluster;
    if (cluster.status !== 'UPDATING' || Date.now() + POLL_MS >= ctx.deadline.getTime()) {
      throw new RemediationFailedError(
        `EKS cluster ${ctx.resource.id} is ${cluster.status ?? 'in an unknown state'}, not ACTIVE (finding ${ctx.request.findingId}): ` +
          'EKS changes logging only on an active cluster with no update in progress; retry when it is',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Send audit logging on or off with every other log type restated as it is: the update then
 * changes `audit` alone, whether EKS merges the request into the current configuration (as AWS
 * documents) or replaces it (as moto does). Waits for the cluster to be ACTIVE before and after.
 */
async function setAuditLogging(ctx: PlaybookContext<unknown>, enabled: boolean): Promise<void> {
  const types = enabledTypes(await activeCluster(ctx));
  if (enabled) types.add('audit');
  else types.delete('audit');
  const on = LOG_TYPES.filter((t) => types.has(t));
  const off = LOG_TYPES.filter((t) => !types.has(t));
  const clusterLogging = [...(on.length ? [{ types: on, enabled: true }] : []), ...(off.length ? [{ types: off, enabled: false }] : [])];
  await ctx.aws.client(EKSClient).send(new UpdateClusterConfigCommand({ name: ctx.resource.name, logging: { clusterLogging } }));
  await activeCluster(ctx);
}

/** Why audit logging is disruptive: stated in every plan that changes the cluster. */
const IMPACT = {
  level: 'disruptive',
  why:
    'it adds cost: the Kubernetes API server audit log, often the largest control-plane log, is ingested and stored in CloudWatch Logs ' +
    '(log group /aws/eks/<cluster>/cluster, kept forever unless a retention is set); workloads and the API endpoint are unaffected',
} as const;

/**
 * Turns on the `audit` control-plane log of an EKS cluster (EKS.8,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-8; AWS Config rule
 * `eks-cluster-log-enabled` with `logTypes` audit,
 * https://docs.aws.amazon.com/config/latest/developerguide/eks-cluster-log-enabled.html:
 * NON_COMPLIANT when audit logging is not enabled). `verify` reads whether `audit` is in an
 * enabled group of the cluster's logging. Other log types stay as they are. EKS applies the
 * change in the background; apply and rollback wait for the cluster to be ACTIVE. CloudWatch
 * Logs bills the audit log's ingestion and storage, so every plan is disruptive and says so.
 */
export const enableAuditLogging = definePlaybook<AuditLoggingSnapshot, { description: string }>({
  id: 'eks-enable-audit-logging',
  title: 'Turn on audit logging for an EKS cluster',
  controls: ['EKS.8'],
  resourceType: 'AwsEksCluster',
  impact: IMPACT.level,
  permissions: ['eks:DescribeCluster', 'eks:UpdateClusterConfig'],

  snapshot: async (ctx) => ({ auditLogging: enabledTypes(await describeCluster(ctx)).has('audit') }),

  plan(ctx, current) {
    if (current.auditLogging) return { summary: `EKS cluster ${ctx.resource.name} sends its audit log to CloudWatch Logs`, changes: [] };
    return {
      summary: `Turn on audit logging for EKS cluster ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Enable the audit control-plane log of EKS cluster ${ctx.resource.id}, other log types unchanged: CloudWatch Logs ingestion and ` +
            `storage of log group /aws/eks/${ctx.resource.name}/cluster are billed from then on`,
        },
      ],
    };
  },

  async apply(ctx) {
    if (!enabledTypes(await describeCluster(ctx)).has('audit')) await setAuditLogging(ctx, true);
  },

  async verify(ctx) {
    const types = enabledTypes(await describeCluster(ctx));
    const on = [...types].sort().join(', ') || 'none';
    return { compliant: types.has('audit'), detail: `EKS cluster ${ctx.resource.name} sends these control-plane logs: ${on}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.auditLogging && enabledTypes(await describeCluster(ctx)).has('audit')) await setAuditLogging(ctx, false);
  },
});
