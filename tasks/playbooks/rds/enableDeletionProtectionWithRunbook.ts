import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { AUTOMATION_PERMISSIONS, runAutomation } from '../ssmAutomation.js';
import { describeDbInstance, modifyDbInstance, pendingNote, whyNotModifiableNow } from './dbInstance.js';

/** AWS-owned runbook (Systems Manager Automation runbook reference); it requires an AutomationAssumeRole. */
export const DELETION_PROTECTION_RUNBOOK = 'AWSConfigRemediation-EnableRDSInstanceDeletionProtection';

const Settings = z.object({
  /**
   * Role in the finding's account that the runbook runs as: it must trust ssm.amazonaws.com and
   * allow rds:DescribeDBInstances and rds:ModifyDBInstance.
   * @default RectifyAutomationRole
   */
  automationAssumeRoleName: z.string().regex(/^[\w+=,.@-]{1,64}$/).default('RectifyAutomationRole'),
  /**
   * How long to wait for the runbook before cancelling it. The wait ends sooner when the function's
   * time runs out first (`ctx.deadline`, less 30 s to cancel it: under 4 minutes in Remediate).
   * @default 600
   */
  timeoutSeconds: z.number().int().min(1).max(3600).default(600),
});
type Settings = z.infer<typeof Settings>;

type DeletionProtectionSnapshot = { deletionProtection: boolean };

const protectedNow = async (ctx: PlaybookContext<Settings>) => (await describeDbInstance(ctx)).DeletionProtection ?? false;

const roleArnOf = (ctx: PlaybookContext<Settings>) =>
  `arn:${ctx.resource.partition}:iam::${ctx.resource.account}:role/${ctx.settings.automationAssumeRoleName}`;

/**
 * Enables deletion protection on an RDS DB instance by running the AWS-owned runbook
 * AWSConfigRemediation-EnableRDSInstanceDeletionProtection, then verifying the instance as usual:
 * the example of a playbook that delegates `apply` to SSM Automation. Deletion protection only
 * makes DeleteDBInstance fail until it is turned off; connections, data and every other setting
 * are untouched. Runbooks only go forward, so `rollback` turns protection off natively.
 *
 * - Control: RDS.8, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-8
 * - Config rule: rds-instance-deletion-protection-enabled, https://docs.aws.amazon.com/config/latest/developerguide/rds-instance-deletion-protection-enabled.html
 *   (NON_COMPLIANT when `deletionProtection` is false). Security Hub runs it for a fixed list of
 *   engines (its `databaseEngines`); `verify` requires protection whatever the engine, because a
 *   finding about the instance means Security Hub evaluated it, and a copy of the list that lags
 *   Security Hub's would pass what it fails.
 *
 * The runbook gets ApplyImmediately false: deletion protection takes effect at once anyway (RDS
 * User Guide, "Settings for DB instances"), and true would also apply every modification pending
 * on the instance, which can reboot it. Pending modifications are named in the plan and stay
 * pending. Instances in a DB cluster (Aurora, Multi-AZ clusters) are refused: their protection is
 * a cluster setting (RDS.7), and the rule reports them NOT_APPLICABLE.
 */
export const enableDeletionProtectionWithRunbook = definePlaybook<DeletionProtectionSnapshot, { description: string }, Settings>({
  id: 'rds-enable-instance-deletion-protection-runbook',
  title: 'Enable deletion protection on an RDS DB instance with the AWS-owned SSM runbook',
  controls: ['RDS.8'],
  resourceType: 'AwsRdsDbInstance',
  impact: 'non-disruptive',
  permissions: [
    'rds:DescribeDBInstances',
    // Rollback only: the runbook itself modifies the instance as the automation role.
    'rds:ModifyDBInstance',
    ...AUTOMATION_PERMISSIONS,
    // Hands the automation role to SSM (AutomationAssumeRole); scope it to that role where the policy is built.
    'iam:PassRole',
  ],
  settings: Settings,

  snapshot: async (ctx) => ({ deletionProtection: await protectedNow(ctx) }),

  async plan(ctx, current) {
    if (current.deletionProtection) return { summary: `RDS DB instance ${ctx.resource.name} already has deletion protection`, changes: [] };
    const instance = await describeDbInstance(ctx);
    const reason = instance.DBClusterIdentifier
      ? `it belongs to DB cluster ${instance.DBClusterIdentifier}, whose deletion protection is a cluster setting (RDS.7)`
      : whyNotModifiableNow(instance);
    if (reason) {
      throw new RemediationFailedError(
        `Cannot enable deletion protection on RDS DB instance ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`,
      );
    }
    return {
      summary: `Enable deletion protection on RDS DB instance ${ctx.resource.name}`,
      changes: [
        {
          description:
            `Run AWS runbook ${DELETION_PROTECTION_RUNBOOK} as ${roleArnOf(ctx)} to enable deletion protection on RDS DB instance ` +
            `${ctx.resource.id} (RDS applies it at once): deleting it will fail until protection is turned off; nothing else changes${pendingNote(instance)}`,
        },
      ],
    };
  },

  async apply(ctx) {
    const instance = await describeDbInstance(ctx);
    if (instance.DeletionProtection) return;
    // The runbook takes the instance's immutable resource id (db-…), not its name; ApplyImmediately
    // false keeps the instance's pending modifications pending (see the doc comment).
    if (!instance.DbiResourceId) throw new Error(`RDS did not report the resource id of DB instance ${ctx.resource.id}`);
    await runAutomation(ctx, {
      documentName: DELETION_PROTECTION_RUNBOOK,
      parameters: { DbInstanceResourceId: [instance.DbiResourceId], AutomationAssumeRole: [roleArnOf(ctx)], ApplyImmediately: ['false'] },
      timeoutSeconds: ctx.settings.timeoutSeconds,
    });
  },

  async verify(ctx) {
    const enabled = await protectedNow(ctx);
    return { compliant: enabled, detail: `Deletion protection of RDS DB instance ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.deletionProtection || !(await protectedNow(ctx))) return;
    await modifyDbInstance(ctx, { DeletionProtection: false });
  },
});
