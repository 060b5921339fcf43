import { CloudWatchLogsClient, DescribeLogGroupsCommand, PutRetentionPolicyCommand, type LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { chooseValue, ParameterValue, SOURCE_WORDS } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy `retentionInDays`), ascending. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const Parameters = z.object({
  /** CloudWatch.16's `minRetentionTime` in days; Security Hub's default is 365. */
  minRetentionTime: ParameterValue.integer(1, 3653).default(365),
});
type Parameters = z.infer<typeof Parameters>;

const Settings = z.object({
  /** The retention to set, in days; at least the finding's `minRetentionTime`. No default: the smallest CloudWatch Logs value that meets it. */
  minRetentionTime: z.number().int().min(1).max(3653).optional(),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings, Parameters>;

/** The log group's retention in days; null means "never expire". */
type RetentionSnapshot = { retentionInDays: number | null };

/** The log group name from its ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`), or the id itself. */
function groupNameOf(ctx: Ctx): string {
  return /:log-group:([^:]+)/.exec(ctx.resource.id)?.[1] ?? ctx.resource.id;
}

async function readGroup(ctx: Ctx): Promise<LogGroup> {
  const name = groupNameOf(ctx);
  const { logGroups = [] } = await ctx.aws.client(CloudWatchLogsClient).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  const group = logGroups.find((g) => g.logGroupName === name);
  if (!group) throw new RemediationFailedError(`Log group ${name} does not exist (finding ${ctx.request.findingId}): nothing to change`);
  return group;
}

function minimumFor(ctx: Ctx): { days: number; words: string } {
  const chosen = chooseValue(ctx, 'minRetentionTime', { name: 'minRetentionTime', value: ctx.settings.minRetentionTime }, (setting, control) => setting >= control);
  return { days: chosen.value, words: `${chosen.value} days (${SOURCE_WORDS[chosen.source]})` };
}

/** The rule's condition: "Never expire" passes; otherwise the retention must be at least the minimum. */
const passes = (retention: number | null, minimum: number) => retention === null || retention >= minimum;

/** The smallest retention CloudWatch Logs accepts that meets the minimum: no longer (and costlier) than the control asks. */
const targetFor = (minimum: number) => RETENTION_DAYS.find((d) => d >= minimum)!;

/**
 * Sets a CloudWatch Logs log group's retention to at least the control's minimum (CloudWatch.16,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-16;
 * AWS Config rule `cw-loggroup-retention-period-check`,
 * https://docs.aws.amazon.com/config/latest/developerguide/cw-loggroup-retention-period-check.html:
 * NON_COMPLIANT when the retention is below `MinRetentionTime`, 365 days by default; "Never
 * expire" is COMPLIANT). `verify` evaluates exactly that, with the finding's `minRetentionTime`.
 * Sets the smallest retention CloudWatch Logs accepts that meets the minimum, never "Never expire".
 * Keeping logs longer costs storage, so the plan is disruptive (waits for a person by default).
 * Rollback puts the previous retention back; log events older than it are then deleted again by
 * CloudWatch Logs, as they would have been.
 */
export const setLogGroupRetention = definePlaybook<RetentionSnapshot, { description: string }, Settings, Parameters>({
  id: 'cloudwatch-set-log-group-retention',
  title: 'Keep a CloudWatch Logs log group for at least the control’s minimum retention',
  controls: ['CloudWatch.16'],
  resourceType: 'AwsLogsLogGroup',
  impact: 'disruptive',
  settings: Settings,
  parameters: { control: 'CloudWatch.16', schema: Parameters },
  permissions: ['logs:DescribeLogGroups', 'logs:PutRetentionPolicy'],

  snapshot: async (ctx) => ({ retentionInDays: (await readGroup(ctx)).retentionInDays ?? null }),

  plan(ctx, current) {
    const minimum = minimumFor(ctx);
    const name = groupNameOf(ctx);
    const now = current.retentionInDays === null ? 'never expire' : `${current.retentionInDays} days`;
    if (passes(current.retentionInDays, minimum.days)) return { summary: `Log group ${name} keeps its events ${now}, at least ${minimum.words}`, changes: [] };
    const target = targetFor(minimum.days);
    const why = `it adds cost: CloudWatch Logs stores the group's events for ${target} days instead of ${current.retentionInDays} (about $0.03 per GB-month); nothing reads or writes differently`;
    return {
      summary: `Keep log group ${name} for ${target} days, at least ${minimum.words} (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [{ description: `Set the retention of log group ${name} from ${now} to ${target} days` }],
    };
  },

  async apply(ctx) {
    const minimum = minimumFor(ctx).days;
    if (passes((await readGroup(ctx)).retentionInDays ?? null, minimum)) return;
    await ctx.aws.client(CloudWatchLogsClient).send(new PutRetentionPolicyCommand({ logGroupName: groupNameOf(ctx), retentionInDays: targetFor(minimum) }));
  },

  async verify(ctx) {
    const minimum = minimumFor(ctx);
    const retention = (await readGroup(ctx)).retentionInDays ?? null;
    const now = retention === null ? 'never expire' : `${retention} days`;
    return { compliant: passes(retention, minimum.days), detail: `Log group ${groupNameOf(ctx)} keeps its events ${now}; the control asks for at least ${minimum.words}` };
  },

  async rollback(ctx, snapshot) {
    // A group that never expired was compliant: nothing was changed.
    if (snapshot.retentionInDays === null) return;
    if ((await readGroup(ctx)).retentionInDays === snapshot.retentionInDays) return;
    await ctx.aws.client(CloudWatchLogsClient).send(new PutRetentionPolicyCommand({ logGroupName: groupNameOf(ctx), retentionInDays: snapshot.retentionInDays }));
  },
});
