import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeRedshiftCluster, modifyRedshiftCluster, refuseUnlessAvailable } from './redshiftCluster.js';

type VersionUpgradeSnapshot = { allowVersionUpgrade: boolean };

const allowedNow = async (ctx: PlaybookContext<unknown>) => (await describeRedshiftCluster(ctx)).AllowVersionUpgrade ?? false;

/** Why this plan waits for a person: stated in every plan that changes the cluster. */
const IMPACT = {
  level: 'disruptive',
  why:
    'Redshift will then install new major engine versions in the maintenance window: the cluster restarts (queries fail for some ' +
    'minutes) and a major version can change behaviour applications rely on',
} as const;

/**
 * Lets Redshift apply major engine version upgrades to a cluster during its maintenance window.
 * Nothing is upgraded now, but from then on upgrades restart the cluster and may change engine
 * behaviour, which owners may have avoided on purpose: every plan is `disruptive` and waits for a
 * person under the default policy.
 *
 * - Control: Redshift.6, https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html#redshift-6
 * - Config rule: redshift-cluster-maintenancesettings-check, https://docs.aws.amazon.com/config/latest/developerguide/redshift-cluster-maintenancesettings-check.html
 *   with `allowVersionUpgrade = true` (the only parameter Security Hub sets; not customizable):
 *   NON_COMPLIANT when the cluster's `allowVersionUpgrade` is false. `verify` reads exactly that field.
 */
export const allowRedshiftVersionUpgrade = definePlaybook<VersionUpgradeSnapshot, { description: string }>({
  id: 'redshift-allow-version-upgrade',
  title: 'Allow automatic major version upgrades of a Redshift cluster',
  controls: ['Redshift.6'],
  resourceType: 'AwsRedshiftCluster',
  impact: IMPACT.level,
  permissions: ['redshift:DescribeClusters', 'redshift:ModifyCluster'],

  snapshot: async (ctx) => ({ allowVersionUpgrade: await allowedNow(ctx) }),

  async plan(ctx, current) {
    if (current.allowVersionUpgrade) return { summary: `Redshift cluster ${ctx.resource.name} already allows automatic version upgrades`, changes: [] };
    const cluster = await describeRedshiftCluster(ctx);
    refuseUnlessAvailable(ctx, cluster, 'allow automatic version upgrades');
    return {
      summary: `Allow automatic major version upgrades of Redshift cluster ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Set AllowVersionUpgrade on Redshift cluster ${ctx.resource.id} (version ${cluster.ClusterVersion ?? 'not reported'}): nothing is ` +
            `upgraded now; new major versions will be installed in its maintenance window (${cluster.PreferredMaintenanceWindow ?? 'not reported'}, UTC), restarting it`,
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await allowedNow(ctx))) await modifyRedshiftCluster(ctx, { AllowVersionUpgrade: true });
  },

  async verify(ctx) {
    const allowed = await allowedNow(ctx);
    return { compliant: allowed, detail: `Redshift cluster ${ctx.resource.name} ${allowed ? 'allows' : 'does not allow'} automatic major version upgrades` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.allowVersionUpgrade && (await allowedNow(ctx))) await modifyRedshiftCluster(ctx, { AllowVersionUpgrade: false });
  },
});
