import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbInstance, modifyDbInstance, pendingNote, whyNotModifiableNow } from './dbInstance.js';

type AutoUpgradeSnapshot = { autoMinorVersionUpgrade: boolean };

const autoUpgradeNow = async (ctx: PlaybookContext<unknown>) => (await describeDbInstance(ctx)).AutoMinorVersionUpgrade ?? false;

/** Why this plan waits for a person: stated in every plan that changes the instance. */
const IMPACT = {
  level: 'disruptive',
  why:
    'with automatic minor version upgrades on, RDS upgrades the engine in the maintenance window when a new minor version is out, ' +
    'which restarts the instance (a short outage) and changes the version applications run against',
} as const;

/**
 * Why Rectify will not turn the setting on for this engine, or undefined. RDS Custom rejects it
 * ("For an RDS Custom DB instance, don't enable this setting. Otherwise, the operation returns an
 * error.", ModifyDBInstance API reference); DocumentDB ignores it (it performs no minor upgrades).
 */
function whyNotForEngine(engine: string): string | undefined {
  if (engine.startsWith('custom-')) return `its engine ${engine} is RDS Custom, which rejects automatic minor version upgrades; upgrade it by hand or suppress the finding`;
  if (engine === 'docdb') return 'its engine docdb performs no automatic minor version upgrades whatever the setting; suppress the finding';
  return undefined;
}

/**
 * Turns on automatic minor version upgrades for an RDS DB instance. Nothing is upgraded now; from
 * then on RDS installs new minor versions in the maintenance window, restarting the instance: a
 * behaviour change owners may have avoided on purpose (pinned versions), so every plan is
 * `disruptive` and waits for a person under the default policy.
 *
 * - Control: RDS.13, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-13
 * - Config rule: rds-automatic-minor-version-upgrade-enabled, https://docs.aws.amazon.com/config/latest/developerguide/rds-automatic-minor-version-upgrade-enabled.html
 *   (NON_COMPLIANT when the instance's `autoMinorVersionUpgrade` is false): `verify` reads exactly
 *   that field. For Aurora the rule reads the instance's setting too (the cluster's is RDS.35's
 *   business), so an Aurora instance is fixed like any other.
 *
 * Sent with ApplyImmediately false: RDS applies the setting at once whatever it says (RDS User
 * Guide, "Settings for DB instances"), and true would also apply every modification pending on the
 * instance. Pending modifications are named in the plan and stay pending.
 */
export const enableInstanceAutoMinorVersionUpgrade = definePlaybook<AutoUpgradeSnapshot, { description: string }>({
  id: 'rds-enable-instance-auto-minor-version-upgrade',
  title: 'Turn on automatic minor version upgrades for an RDS DB instance',
  controls: ['RDS.13', 'cis-aws-foundations-benchmark/v/3.0.0/2.3.2', 'cis-aws-foundations-benchmark/v/5.0.0/2.2.2'],
  resourceType: 'AwsRdsDbInstance',
  impact: IMPACT.level,
  permissions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],

  snapshot: async (ctx) => ({ autoMinorVersionUpgrade: await autoUpgradeNow(ctx) }),

  async plan(ctx, current) {
    if (current.autoMinorVersionUpgrade) return { summary: `RDS DB instance ${ctx.resource.name} already upgrades minor versions automatically`, changes: [] };
    const instance = await describeDbInstance(ctx);
    const engine = instance.Engine ?? 'unknown';
    const reason = whyNotForEngine(engine) ?? whyNotModifiableNow(instance);
    if (reason) {
      throw new RemediationFailedError(
        `Cannot turn on automatic minor version upgrades for RDS DB instance ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`,
      );
    }
    return {
      summary: `Turn on automatic minor version upgrades for RDS DB instance ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Turn on AutoMinorVersionUpgrade for RDS DB instance ${ctx.resource.id} (${engine} ${instance.EngineVersion ?? ''}`.trimEnd() +
            '; RDS applies the setting at once): nothing is upgraded now; new minor versions will be installed in its maintenance window ' +
            `(${instance.PreferredMaintenanceWindow ?? 'not reported'}, UTC), restarting it${pendingNote(instance)}`,
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await autoUpgradeNow(ctx))) await modifyDbInstance(ctx, { AutoMinorVersionUpgrade: true });
  },

  async verify(ctx) {
    const enabled = await autoUpgradeNow(ctx);
    return { compliant: enabled, detail: `Automatic minor version upgrade of RDS DB instance ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.autoMinorVersionUpgrade && (await autoUpgradeNow(ctx))) await modifyDbInstance(ctx, { AutoMinorVersionUpgrade: false });
  },
});
