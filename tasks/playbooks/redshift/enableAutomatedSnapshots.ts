import * as z from 'zod';
import { chooseValue, ParameterValue, SOURCE_WORDS, type ChosenValue } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeRedshiftCluster, modifyRedshiftCluster, refuseUnlessAvailable } from './redshiftCluster.js';

const Parameters = z.object({
  /** Security Hub's name and default: at least 7 days (allowed 7 to 35). @default 7 */
  MinRetentionPeriod: ParameterValue.integer(7, 35).default(7),
});
type Parameters = z.infer<typeof Parameters>;

const Settings = z.object({
  /**
   * Days of automated snapshots to keep, when longer than the control requires. It stands for the
   * control's `MinRetentionPeriod`, so it has no default and may only be longer (else `plan`
   * throws InvalidControlParameters).
   * @default the finding's `MinRetentionPeriod`, else Security Hub's default (7)
   */
  retentionPeriodDays: z.number().int().min(7, 'Redshift.3 requires automated snapshots kept at least 7 days').max(35).optional(),
});
type Settings = z.infer<typeof Settings>;
type Context = PlaybookContext<Settings, Parameters>;

type SnapshotRetention = { automatedSnapshotRetentionPeriod: number };

const retentionNow = async (ctx: PlaybookContext<unknown, unknown>) => (await describeRedshiftCluster(ctx)).AutomatedSnapshotRetentionPeriod ?? 0;

/** The retention the cluster must reach, and where that value came from. */
const requiredRetention = (ctx: Context): ChosenValue<number> =>
  chooseValue(ctx, 'MinRetentionPeriod', { name: 'retentionPeriodDays', value: ctx.settings.retentionPeriodDays }, (setting, control) => setting >= control);

/** The control's condition: automated snapshots on (not 0) and kept at least `MinRetentionPeriod` days. */
const meets = (retention: number, minimum: number) => retention !== 0 && retention >= minimum;

/**
 * Keeps a Redshift cluster's automated snapshots for at least the control's minimum
 * (`MinRetentionPeriod`, default 7 days), turning them on when the retention is 0. Queries and
 * data are unaffected, but snapshot storage beyond the free allowance is billed (RA3 clusters pay
 * for all backup storage), so every plan is `disruptive` and says so.
 *
 * - Control: Redshift.3, https://docs.aws.amazon.com/securityhub/latest/userguide/redshift-controls.html#redshift-3
 * - Config rule: redshift-backup-enabled, https://docs.aws.amazon.com/config/latest/developerguide/redshift-backup-enabled.html
 *   (NON_COMPLIANT when `automatedSnapshotRetentionPeriod` is 0 or below `MinRetentionPeriod`;
 *   Security Hub sets no `MaxRetentionPeriod`): `verify` checks exactly that, with the finding's value.
 *
 * A longer retention is never shortened. Rollback puts the old retention back; going back to a
 * shorter period (or to 0) makes Redshift delete the automated snapshots taken meanwhile that the
 * old period would not have kept, as it would have done without the fix.
 */
export const enableRedshiftAutomatedSnapshots = definePlaybook<SnapshotRetention, { description: string }, Settings, Parameters>({
  id: 'redshift-enable-automated-snapshots',
  title: 'Keep automated snapshots of a Redshift cluster for the required days',
  controls: ['Redshift.3'],
  resourceType: 'AwsRedshiftCluster',
  impact: 'disruptive',
  permissions: ['redshift:DescribeClusters', 'redshift:ModifyCluster'],
  settings: Settings,
  parameters: { control: 'Redshift.3', schema: Parameters },

  snapshot: async (ctx) => ({ automatedSnapshotRetentionPeriod: await retentionNow(ctx) }),

  async plan(ctx, current) {
    const required = requiredRetention(ctx);
    const retention = current.automatedSnapshotRetentionPeriod;
    if (meets(retention, required.value)) {
      return { summary: `Redshift cluster ${ctx.resource.name} keeps automated snapshots ${retention} days (at least ${required.value})`, changes: [] };
    }
    const cluster = await describeRedshiftCluster(ctx);
    refuseUnlessAvailable(ctx, cluster, 'change the automated snapshot retention');
    const why =
      `automated snapshot storage beyond the cluster's free allowance is billed (all of it on RA3 node types, ${cluster.NodeType ?? 'node type not reported'} here); ` +
      'queries and data are unaffected';
    return {
      summary: `Keep automated snapshots of Redshift cluster ${ctx.resource.name} for ${required.value} days (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [
        {
          description:
            `Set the automated snapshot retention of Redshift cluster ${ctx.resource.id} from ${retention === 0 ? '0 (automated snapshots off)' : `${retention} days`} ` +
            `to ${required.value} days (${SOURCE_WORDS[required.source]}): billed as snapshot storage; the snapshot schedule and manual snapshots are unchanged`,
        },
      ],
    };
  },

  async apply(ctx) {
    const required = requiredRetention(ctx).value;
    if (!meets(await retentionNow(ctx), required)) await modifyRedshiftCluster(ctx, { AutomatedSnapshotRetentionPeriod: required });
  },

  async verify(ctx) {
    const minimum = ctx.parameters.MinRetentionPeriod;
    const retention = await retentionNow(ctx);
    return {
      compliant: meets(retention, minimum),
      detail: `Redshift cluster ${ctx.resource.name} keeps automated snapshots ${retention} days; Redshift.3 requires at least ${minimum}`,
    };
  },

  async rollback(ctx, snapshot) {
    if ((await retentionNow(ctx)) !== snapshot.automatedSnapshotRetentionPeriod) {
      await modifyRedshiftCluster(ctx, { AutomatedSnapshotRetentionPeriod: snapshot.automatedSnapshotRetentionPeriod });
    }
  },
});
