import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbInstance, modifyDbInstance, pendingNote, whyNotModifiableNow } from './dbInstance.js';

type CopyTagsSnapshot = { copyTagsToSnapshot: boolean };

const copyingNow = async (ctx: PlaybookContext<unknown>) => (await describeDbInstance(ctx)).CopyTagsToSnapshot ?? false;

/**
 * Makes an RDS DB instance copy its tags to the snapshots taken of it from now on. Existing
 * snapshots, the instance's tags, connections and data are untouched, hence `non-disruptive`.
 *
 * - Control: RDS.17, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-17
 * - Config rule: `rds-instance-copy-tags-to-snapshots-enabled`, a custom Security Hub rule that
 *   fails an instance whose `CopyTagsToSnapshot` is false: `verify` reads exactly that field.
 *
 * Sent with ApplyImmediately false: RDS applies the setting at once whatever it says (RDS User
 * Guide, "Settings for DB instances"), and true would also apply every modification pending on the
 * instance; `verify` reads it back. An instance in a DB cluster (Aurora) is refused: RDS ignores
 * the instance setting there ("Copying tags to snapshots is managed by the DB cluster", RDS.16).
 */
export const enableInstanceCopyTagsToSnapshot = definePlaybook<CopyTagsSnapshot, { description: string }>({
  id: 'rds-enable-instance-copy-tags-to-snapshot',
  title: 'Make an RDS DB instance copy its tags to snapshots',
  controls: ['RDS.17'],
  resourceType: 'AwsRdsDbInstance',
  impact: 'non-disruptive',
  permissions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],

  snapshot: async (ctx) => ({ copyTagsToSnapshot: await copyingNow(ctx) }),

  async plan(ctx, current) {
    if (current.copyTagsToSnapshot) return { summary: `RDS DB instance ${ctx.resource.name} already copies its tags to snapshots`, changes: [] };
    const instance = await describeDbInstance(ctx);
    const reason = instance.DBClusterIdentifier
      ? `it belongs to DB cluster ${instance.DBClusterIdentifier}, whose snapshots take the cluster's setting (RDS.16), not the instance's`
      : whyNotModifiableNow(instance);
    if (reason) {
      throw new RemediationFailedError(
        `Cannot turn on copying tags to snapshots for RDS DB instance ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`,
      );
    }
    return {
      summary: `Make RDS DB instance ${ctx.resource.name} copy its tags to snapshots`,
      changes: [
        {
          description:
            `Turn on CopyTagsToSnapshot for RDS DB instance ${ctx.resource.id} (RDS applies it at once): snapshots taken from now on ` +
            `carry the instance's tags; existing snapshots, connections and data are unaffected${pendingNote(instance)}`,
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await copyingNow(ctx))) await modifyDbInstance(ctx, { CopyTagsToSnapshot: true });
  },

  async verify(ctx) {
    const copying = await copyingNow(ctx);
    return { compliant: copying, detail: `RDS DB instance ${ctx.resource.name} ${copying ? 'copies' : 'does not copy'} its tags to snapshots` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.copyTagsToSnapshot && (await copyingNow(ctx))) await modifyDbInstance(ctx, { CopyTagsToSnapshot: false });
  },
});
