import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbInstance, modifyDbInstance, whyNotModifiableNow } from './dbInstance.js';

type PublicAccessSnapshot = { publiclyAccessible: boolean };

async function publiclyAccessible(ctx: PlaybookContext<unknown>): Promise<boolean> {
  return (await describeDbInstance(ctx)).PubliclyAccessible ?? false;
}

/**
 * Turns off `PubliclyAccessible` on an RDS DB instance (RDS.2), applied immediately: its endpoint
 * then resolves to private addresses only, so clients that connect over the internet lose access
 * (hence `disruptive`). Changes only that setting: security groups, subnet group, parameter
 * groups, credentials and data stay as they are, and clients inside the VPC keep connecting.
 */
export const disableInstancePublicAccess = definePlaybook<PublicAccessSnapshot, { description: string }>({
  id: 'rds-disable-instance-public-access',
  title: 'Make an RDS DB instance not publicly accessible',
  controls: ['RDS.2', 'pci-dss/v/3.2.1/PCI.RDS.2', 'cis-aws-foundations-benchmark/v/3.0.0/2.3.3', 'cis-aws-foundations-benchmark/v/5.0.0/2.2.3'],
  resourceType: 'AwsRdsDbInstance',
  impact: 'disruptive',
  permissions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],

  snapshot: async (ctx) => ({ publiclyAccessible: await publiclyAccessible(ctx) }),

  async plan(ctx, current) {
    if (!current.publiclyAccessible) return { summary: `RDS DB instance ${ctx.resource.name} is not publicly accessible`, changes: [] };
    const reason = whyNotModifiableNow(await describeDbInstance(ctx));
    if (reason) {
      throw new RemediationFailedError(
        `Cannot turn off public access of RDS DB instance ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`,
      );
    }
    return {
      summary: `Make RDS DB instance ${ctx.resource.name} private`,
      changes: [
        {
          description:
            `Turn off PubliclyAccessible on RDS DB instance ${ctx.resource.id}, applied immediately: its endpoint will resolve ` +
            'to private addresses only, so clients connecting over the internet lose access; clients inside the VPC are unaffected',
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await publiclyAccessible(ctx))) return;
    await modifyDbInstance(ctx, { PubliclyAccessible: false });
  },

  async verify(ctx) {
    const open = await publiclyAccessible(ctx);
    return { compliant: !open, detail: `RDS DB instance ${ctx.resource.name} is ${open ? 'still' : 'not'} publicly accessible` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.publiclyAccessible || (await publiclyAccessible(ctx))) return;
    await modifyDbInstance(ctx, { PubliclyAccessible: true });
  },
});
