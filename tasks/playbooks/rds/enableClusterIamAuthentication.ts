import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbCluster, modifyDbCluster, refuse, whyNotModifiableNow } from './dbCluster.js';

type IamAuthenticationSnapshot = { iamDatabaseAuthenticationEnabled: boolean };

/** Cluster engines where IAM database authentication is added beside password logins: Aurora and Multi-AZ DB clusters. */
const ENGINES_WITH_IAM_AUTHENTICATION = ['aurora-mysql', 'aurora-postgresql', 'mysql', 'postgres'];

/**
 * Why Rectify will not turn IAM authentication on for this engine. Neptune takes the flag but
 * then authenticates *all* access with IAM (every client must sign its requests with SigV4), so
 * turning it on can lock out every client at once: too disruptive to automate. DocumentDB has no
 * such cluster setting.
 */
function whyNotForEngine(engine: string): string | undefined {
  if (engine === 'neptune') {
    return 'on Neptune it makes every request need an IAM (SigV4) signature, which locks out clients that do not sign; enable it by hand after the clients are ready';
  }
  if (!ENGINES_WITH_IAM_AUTHENTICATION.includes(engine)) return `its engine ${engine} does not support IAM database authentication on the cluster; suppress the finding`;
  return undefined;
}

const enabledNow = async (ctx: PlaybookContext<unknown>) => (await describeDbCluster(ctx)).IAMDatabaseAuthenticationEnabled ?? false;

/** Why turning it on disrupts nothing: stated in every plan that changes the cluster. */
const IMPACT = {
  level: 'non-disruptive',
  why:
    'password logins keep working; IAM logins work only for database users granted them in the database (rds_iam or ' +
    'AWSAuthenticationPlugin) by principals allowed rds-db:connect; no instance is rebooted',
} as const;

/**
 * Turns on IAM database authentication for an Aurora or Multi-AZ RDS DB cluster: principals
 * allowed `rds-db:connect` can then log in as database users set up for it with a 15-minute token.
 * Nothing changes for existing logins, hence `non-disruptive`; Neptune, where it would force IAM
 * on every client, is refused.
 *
 * - Control: RDS.12, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-12
 * - Config rule: rds-cluster-iam-authentication-enabled, https://docs.aws.amazon.com/config/latest/developerguide/rds-cluster-iam-authentication-enabled.html
 *   (NON_COMPLIANT when the cluster's `iAMDatabaseAuthenticationEnabled` is false): `verify` reads exactly that field.
 *
 * Sent with ApplyImmediately true, so `verify` reads it back at once, and only to a cluster with
 * nothing pending (./dbCluster.ts). moto 5.2.1 accepts ModifyDBCluster's
 * EnableIAMDatabaseAuthentication but never stores it, so this playbook is tested with
 * aws-sdk-client-mock (docs/moto-gaps.md).
 */
export const enableClusterIamAuthentication = definePlaybook<IamAuthenticationSnapshot, { description: string }>({
  id: 'rds-enable-cluster-iam-authentication',
  title: 'Turn on IAM database authentication for an RDS DB cluster',
  controls: ['RDS.12'],
  resourceType: 'AwsRdsDbCluster',
  impact: IMPACT.level,
  permissions: ['rds:DescribeDBClusters', 'rds:ModifyDBCluster'],
  notEmulated: "moto 5.2.1 accepts ModifyDBCluster's EnableIAMDatabaseAuthentication but drops it: DescribeDBClusters keeps reporting the value the cluster was created with",

  snapshot: async (ctx) => ({ iamDatabaseAuthenticationEnabled: await enabledNow(ctx) }),

  async plan(ctx, current) {
    if (current.iamDatabaseAuthenticationEnabled) return { summary: `RDS DB cluster ${ctx.resource.name} already has IAM database authentication`, changes: [] };
    const cluster = await describeDbCluster(ctx);
    const engine = cluster.Engine ?? 'unknown';
    const reason = whyNotForEngine(engine) ?? whyNotModifiableNow(cluster, 'applyNow');
    if (reason) refuse(ctx, 'turn on IAM database authentication', reason);
    return {
      summary: `Turn on IAM database authentication for RDS DB cluster ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Turn on IAM database authentication for RDS DB cluster ${ctx.resource.id} (${engine}), applied now (nothing else is pending ` +
            'on the cluster): password logins keep working; no database user can log in with IAM until one is granted it',
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await enabledNow(ctx))) await modifyDbCluster(ctx, { EnableIAMDatabaseAuthentication: true }, 'applyNow');
  },

  async verify(ctx) {
    const enabled = await enabledNow(ctx);
    return { compliant: enabled, detail: `IAM database authentication of RDS DB cluster ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.iamDatabaseAuthenticationEnabled && (await enabledNow(ctx))) await modifyDbCluster(ctx, { EnableIAMDatabaseAuthentication: false }, 'applyNow');
  },
});
