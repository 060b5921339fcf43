import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeRedshiftCluster, modifyRedshiftCluster, refuseUnlessAvailable } from './redshiftCluster.js';

type VpcRoutingSnapshot = { enhancedVpcRouting: boolean };

const enabledNow = async (ctx: PlaybookContext<unknown>) => (await describeRedshiftCluster(ctx)).EnhancedVpcRouting ?? false;

/** Why this plan waits for a person: stated in every plan that changes the cluster. */
const IMPACT = {
  level: 'disruptive',
  why:
    'COPY and UNLOAD traffic then goes through the VPC: without an S3 gateway endpoint, NAT gateway or other route to S3 and the ' +
    'other services they use, those statements fail; traffic through the VPC may also add NAT or data transfer charges',
} as const;

/**
 * Turns on enhanced VPC routing for a Redshift cluster, so COPY and UNLOAD traffic goes through
 * its VPC (where security groups, network ACLs and flow logs apply). Loads and unloads that
 * worked through Redshift's own network path can fail after it, so every plan is `disruptive`.
 *
 * - Control: Redshift.7, https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html#redshift-7
 * - Config rule: redshift-enhanced-vpc-routing-enabled, https://docs.aws.amazon.com/config/latest/developerguide/redshift-enhanced-vpc-routing-enabled.html
 *   (NON_COMPLIANT when the cluster's `enhancedVpcRouting` is false): `verify` reads exactly that field.
 *
 * Only EnhancedVpcRouting changes; Rectify does not create the S3 endpoint or route the cluster
 * needs (that is the network owner's call). Rollback turns it off again, as it was.
 */
export const enableRedshiftEnhancedVpcRouting = definePlaybook<VpcRoutingSnapshot, { description: string }>({
  id: 'redshift-enable-enhanced-vpc-routing',
  title: 'Turn on enhanced VPC routing for a Redshift cluster',
  controls: ['Redshift.7'],
  resourceType: 'AwsRedshiftCluster',
  impact: IMPACT.level,
  permissions: ['redshift:DescribeClusters', 'redshift:ModifyCluster'],

  snapshot: async (ctx) => ({ enhancedVpcRouting: await enabledNow(ctx) }),

  async plan(ctx, current) {
    if (current.enhancedVpcRouting) return { summary: `Redshift cluster ${ctx.resource.name} already uses enhanced VPC routing`, changes: [] };
    const cluster = await describeRedshiftCluster(ctx);
    refuseUnlessAvailable(ctx, cluster, 'turn on enhanced VPC routing');
    return {
      summary: `Turn on enhanced VPC routing for Redshift cluster ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Set EnhancedVpcRouting on Redshift cluster ${ctx.resource.id} (VPC ${cluster.VpcId ?? 'not reported'}): COPY and UNLOAD go through the VPC, ` +
            'which needs a route to S3 (gateway endpoint or NAT); public access and other settings are unchanged',
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await enabledNow(ctx))) await modifyRedshiftCluster(ctx, { EnhancedVpcRouting: true });
  },

  async verify(ctx) {
    const enabled = await enabledNow(ctx);
    return { compliant: enabled, detail: `Redshift cluster ${ctx.resource.name} ${enabled ? 'uses' : 'does not use'} enhanced VPC routing` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.enhancedVpcRouting && (await enabledNow(ctx))) await modifyRedshiftCluster(ctx, { EnhancedVpcRouting: false });
  },
});
