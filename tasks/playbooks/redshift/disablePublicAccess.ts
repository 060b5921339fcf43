import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeRedshiftCluster, modifyRedshiftCluster, refuseUnlessAvailable } from './redshiftCluster.js';

type PublicAccessSnapshot = { publiclyAccessible: boolean };

const publicNow = async (ctx: PlaybookContext<unknown>) => (await describeRedshiftCluster(ctx)).PubliclyAccessible ?? false;

/** Why this plan waits for a person: stated in every plan that changes the cluster. */
const IMPACT = {
  level: 'disruptive',
  why:
    'clients outside the VPC (BI tools, laptops, other clouds) that reach the cluster through its public address lose access; ' +
    'connections from inside the VPC or through peering, VPN or Direct Connect keep working',
} as const;

/**
 * Makes a Redshift cluster private: its endpoint then resolves to a private address only.
 * Access that may be in use from outside the VPC ends, so every plan is `disruptive` and waits
 * for a person under the default policy.
 *
 * - Control: Redshift.1, https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html#redshift-1
 *   (PCI DSS v3.2.1: PCI.Redshift.1)
 * - Config rule: redshift-cluster-public-access-check, https://docs.aws.amazon.com/config/latest/developerguide/redshift-cluster-public-access-check.html
 *   (NON_COMPLIANT when the cluster's `publiclyAccessible` is true): `verify` reads exactly that field.
 *
 * Only PubliclyAccessible changes: security groups, the elastic IP allocation and enhanced VPC
 * routing stay as they are. Rollback makes the cluster public again, as it was.
 */
export const disableRedshiftPublicAccess = definePlaybook<PublicAccessSnapshot, { description: string }>({
  id: 'redshift-disable-public-access',
  title: 'Make a Redshift cluster not publicly accessible',
  controls: ['Redshift.1', 'pci-dss/v/3.2.1/PCI.Redshift.1'],
  resourceType: 'AwsRedshiftCluster',
  impact: IMPACT.level,
  permissions: ['redshift:DescribeClusters', 'redshift:ModifyCluster'],

  snapshot: async (ctx) => ({ publiclyAccessible: await publicNow(ctx) }),

  async plan(ctx, current) {
    if (!current.publiclyAccessible) return { summary: `Redshift cluster ${ctx.resource.name} is not publicly accessible`, changes: [] };
    const cluster = await describeRedshiftCluster(ctx);
    refuseUnlessAvailable(ctx, cluster, 'turn off public access');
    const endpoint = cluster.Endpoint?.Address ? `${cluster.Endpoint.Address}:${cluster.Endpoint.Port ?? ''}` : 'endpoint not reported';
    return {
      summary: `Make Redshift cluster ${ctx.resource.name} private (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Set PubliclyAccessible false on Redshift cluster ${ctx.resource.id} (${endpoint}, VPC ${cluster.VpcId ?? 'not reported'}): ` +
            'its endpoint resolves to a private address only; security groups and other settings are unchanged',
        },
      ],
    };
  },

  async apply(ctx) {
    if (await publicNow(ctx)) await modifyRedshiftCluster(ctx, { PubliclyAccessible: false });
  },

  async verify(ctx) {
    const isPublic = await publicNow(ctx);
    return { compliant: !isPublic, detail: `Redshift cluster ${ctx.resource.name} is ${isPublic ? '' : 'not '}publicly accessible` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.publiclyAccessible && !(await publicNow(ctx))) await modifyRedshiftCluster(ctx, { PubliclyAccessible: true });
  },
});
