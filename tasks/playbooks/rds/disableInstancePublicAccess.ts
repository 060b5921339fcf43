import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbInstance, modifyDbInstance, pendingNote, whyNotModifiableNow } from './dbInstance.js';

type PublicAccessSnapshot = { publiclyAccessible: boolean };

async function publiclyAccessible(ctx: PlaybookContext<unknown>): Promise<boolean> {
  return (await describeDbInstance(ctx)).PubliclyAccessible ?? false;
}

/**
 * Turns off `PubliclyAccessible` on an RDS DB instance: its endpoint then resolves to private
 * addresses only, so clients that connect over the internet lose access at once. Rectify cannot
 * see whether any do (that is in the database's connections and the VPC's flow logs), so every
 * plan is `disruptive` and says so: under the default policy a person approves it.
 *
 * - Control: RDS.2, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-2
 * - Config rule: rds-instance-public-access-check, https://docs.aws.amazon.com/config/latest/developerguide/rds-instance-public-access-check.html
 *   (NON_COMPLIANT when the instance's `publiclyAccessible` is true): `verify` reads exactly that field.
 *
 * Sent with ApplyImmediately false: RDS applies PubliclyAccessible at once anyway, and true would
 * also apply every modification pending on the instance (a class or engine change reboots it).
 * Pending modifications are named in the plan and stay pending. Changes only that setting:
 * security groups, subnet group, parameter groups, credentials and data stay as they are, and
 * clients inside the VPC keep connecting.
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
    const instance = await describeDbInstance(ctx);
    const reason = whyNotModifiableNow(instance);
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
            `Turn off PubliclyAccessible on RDS DB instance ${ctx.resource.id} (RDS applies it at once): its endpoint will resolve ` +
            `to private addresses only, so clients connecting over the internet lose access; clients inside the VPC are unaffected${pendingNote(instance)}`,
        },
      ],
      impact: {
        level: 'disruptive',
        why:
          `RDS DB instance ${ctx.resource.name} is publicly accessible: clients that reach it from the internet lose access at once, ` +
          'and Rectify cannot see whether any do',
      },
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
