import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbCluster, modifyDbCluster, refuse, whyNotModifiableNow } from './dbCluster.js';

type AutoUpgradeSnapshot = { autoMinorVersionUpgrade: boolean };

/**
 * Engines whose clusters take AutoMinorVersionUpgrade through ModifyDBCluster: Multi-AZ DB
 * clusters (`mysql`, `postgres`), the clusters RDS.35 evaluates, and Aurora. Neptune's and
 * DocumentDB's APIs have no cluster-level setting (DocumentDB performs no automatic minor
 * upgrades at all), so a finding about one is refused rather than "fixed" with a call that cannot work.
 */
const ENGINES_WITH_CLUSTER_AUTO_UPGRADE = ['mysql', 'postgres', 'aurora-mysql', 'aurora-postgresql'];

const autoUpgradeNow = async (ctx: PlaybookContext<unknown>) => (await describeDbCluster(ctx)).AutoMinorVersionUpgrade ?? false;

/** Why this plan waits for a person: stated in every plan that changes the cluster. */
const IMPACT = {
  level: 'disruptive',
  why:
    'with automatic minor version upgrades on, RDS upgrades the engine of the cluster and its instances in their maintenance window ' +
    'when a new minor version is out, which restarts them (a short outage) and changes the version applications run against',
} as const;

/**
 * Turns on automatic minor version upgrades for an RDS DB cluster. Nothing is upgraded now; from
 * then on RDS applies new minor versions in the maintenance window, restarting the cluster's
 * instances: a behaviour change owners may have avoided on purpose (pinned versions), so every
 * plan is `disruptive` and waits for a person under the default policy.
 *
 * - Control: RDS.35, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-35
 * - Config rule: rds-cluster-auto-minor-version-upgrade-enable, https://docs.aws.amazon.com/config/latest/developerguide/rds-cluster-auto-minor-version-upgrade-enable.html
 *   (Multi-AZ DB clusters; NON_COMPLIANT when `autoMinorVersionUpgrade` is false): `verify` reads exactly that field.
 *
 * Sent with ApplyImmediately true, so `verify` reads the setting back at once, and only to a
 * cluster with nothing pending (see ./dbCluster.ts): no queued engine or class change is applied with it.
 */
export const enableClusterAutoMinorVersionUpgrade = definePlaybook<AutoUpgradeSnapshot, { description: string }>({
  id: 'rds-enable-cluster-auto-minor-version-upgrade',
  title: 'Turn on automatic minor version upgrades for an RDS DB cluster',
  controls: ['RDS.35'],
  resourceType: 'AwsRdsDbCluster',
  impact: IMPACT.level,
  permissions: ['rds:DescribeDBClusters', 'rds:ModifyDBCluster'],

  snapshot: async (ctx) => ({ autoMinorVersionUpgrade: await autoUpgradeNow(ctx) }),

  async plan(ctx, current) {
    if (current.autoMinorVersionUpgrade) return { summary: `RDS DB cluster ${ctx.resource.name} already upgrades minor versions automatically`, changes: [] };
    const cluster = await describeDbCluster(ctx);
    const engine = cluster.Engine ?? 'unknown';
    if (!ENGINES_WITH_CLUSTER_AUTO_UPGRADE.includes(engine)) {
      refuse(ctx, 'turn on automatic minor version upgrades', `its engine ${engine} has no cluster-level automatic minor version upgrade setting; fix it by hand or suppress the finding`);
    }
    const reason = whyNotModifiableNow(cluster, 'applyNow');
    if (reason) refuse(ctx, 'turn on automatic minor version upgrades', reason);
    return {
      summary: `Turn on automatic minor version upgrades for RDS DB cluster ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Turn on AutoMinorVersionUpgrade for RDS DB cluster ${ctx.resource.id} (${engine} ${cluster.EngineVersion ?? ''}`.trimEnd() +
            ', applied now; nothing else is pending on the cluster): nothing is upgraded now; new minor versions will be installed ' +
            `in its maintenance window (${cluster.PreferredMaintenanceWindow ?? 'not reported'}, UTC), restarting its instances`,
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await autoUpgradeNow(ctx))) await modifyDbCluster(ctx, { AutoMinorVersionUpgrade: true }, 'applyNow');
  },

  async verify(ctx) {
    const enabled = await autoUpgradeNow(ctx);
    return { compliant: enabled, detail: `Automatic minor version upgrade of RDS DB cluster ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.autoMinorVersionUpgrade && (await autoUpgradeNow(ctx))) await modifyDbCluster(ctx, { AutoMinorVersionUpgrade: false }, 'applyNow');
  },
});
