import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbCluster, modifyDbCluster, refuse, whyNotModifiableNow } from './dbCluster.js';

type DeletionProtectionSnapshot = { deletionProtection: boolean };

const protectedNow = async (ctx: PlaybookContext<unknown>) => (await describeDbCluster(ctx)).DeletionProtection ?? false;

/**
 * Enables deletion protection on an RDS DB cluster (Aurora, Multi-AZ DB clusters, and the Neptune
 * and DocumentDB clusters the control also reports). Protection only makes DeleteDBCluster fail
 * until it is turned off: connections, data and every other setting are untouched, hence
 * `non-disruptive` (a pipeline that deletes the cluster on purpose will have to turn it off first).
 *
 * - Control: RDS.7, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-7
 * - Config rule: rds-cluster-deletion-protection-enabled, https://docs.aws.amazon.com/config/latest/developerguide/rds-cluster-deletion-protection-enabled.html
 *   (NON_COMPLIANT when the cluster's `deletionProtection` is false): `verify` reads exactly that field.
 *
 * Sent with ApplyImmediately false: RDS applies deletion protection at once whatever it says
 * (ModifyDBCluster API reference, ApplyImmediately: "Some modifications, such as turning on
 * deletion protection …, are applied immediately"), so nothing pending on the cluster is applied with it.
 */
export const enableClusterDeletionProtection = definePlaybook<DeletionProtectionSnapshot, { description: string }>({
  id: 'rds-enable-cluster-deletion-protection',
  title: 'Enable deletion protection on an RDS DB cluster',
  controls: ['RDS.7'],
  resourceType: 'AwsRdsDbCluster',
  impact: 'non-disruptive',
  permissions: ['rds:DescribeDBClusters', 'rds:ModifyDBCluster'],

  snapshot: async (ctx) => ({ deletionProtection: await protectedNow(ctx) }),

  async plan(ctx, current) {
    if (current.deletionProtection) return { summary: `RDS DB cluster ${ctx.resource.name} already has deletion protection`, changes: [] };
    const reason = whyNotModifiableNow(await describeDbCluster(ctx), 'immediate');
    if (reason) refuse(ctx, 'enable deletion protection', reason);
    return {
      summary: `Enable deletion protection on RDS DB cluster ${ctx.resource.name}`,
      changes: [
        {
          description:
            `Enable deletion protection on RDS DB cluster ${ctx.resource.id} (RDS applies it at once; ApplyImmediately false, so ` +
            'modifications pending on the cluster stay pending): deleting the cluster will fail until protection is turned off; nothing else changes',
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await protectedNow(ctx))) await modifyDbCluster(ctx, { DeletionProtection: true }, 'immediate');
  },

  async verify(ctx) {
    const enabled = await protectedNow(ctx);
    return { compliant: enabled, detail: `Deletion protection of RDS DB cluster ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.deletionProtection && (await protectedNow(ctx))) await modifyDbCluster(ctx, { DeletionProtection: false }, 'immediate');
  },
});
