import { CloudWatchClient, DescribeAlarmsCommand, DisableAlarmActionsCommand, EnableAlarmActionsCommand } from '@aws-sdk/client-cloudwatch';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** Whether the alarm's actions are activated (CloudWatch's `ActionsEnabled`). */
type ActionsSnapshot = { actionsEnabled: boolean };

/** The alarm name from its ARN (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`; a name may hold colons). */
const alarmNameOf = (ctx: PlaybookContext<unknown>) => /:alarm:(.+)$/.exec(ctx.resource.id)?.[1] ?? ctx.resource.id;

/** The alarm, metric or composite, with every action it would run. */
async function readAlarm(ctx: PlaybookContext<unknown>): Promise<{ actionsEnabled: boolean; actions: string[] }> {
  const name = alarmNameOf(ctx);
  const { MetricAlarms = [], CompositeAlarms = [] } = await ctx.aws
    .client(CloudWatchClient)
    .send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
  const alarm = MetricAlarms[0] ?? CompositeAlarms[0];
  if (!alarm) throw new RemediationFailedError(`Alarm ${name} does not exist (finding ${ctx.request.findingId}): nothing to change`);
  const actions = [...(alarm.AlarmActions ?? []), ...(alarm.OKActions ?? []), ...(alarm.InsufficientDataActions ?? [])];
  return { actionsEnabled: alarm.ActionsEnabled ?? false, actions: [...new Set(actions)].sort() };
}

/** Actions that act on instances or capacity rather than notify (EC2 `automate:…:ec2:stop`, Auto Scaling, Lambda, SSM): named in the plan's `why`. */
const ACTS_ON_RESOURCES = /^arn:[^:]+:(automate|autoscaling|ssm|ssm-incidents|lambda):/;

/**
 * Activates a CloudWatch alarm's actions (CloudWatch.17,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-17;
 * AWS Config rule `cloudwatch-alarm-action-enabled-check`,
 * https://docs.aws.amazon.com/config/latest/developerguide/cloudwatch-alarm-action-enabled-check.html:
 * NON_COMPLIANT when the alarm's `ActionsEnabled` is false). `verify` reads exactly that flag.
 * `EnableAlarmActions` changes only the flag: the actions, thresholds and tags stay as they are.
 * Activated actions run on the alarm's next state change — a notification, but also an Auto
 * Scaling policy, an EC2 stop or terminate, a Lambda function or an SSM runbook — so every plan
 * is disruptive and names them. Rollback deactivates them again (`DisableAlarmActions`).
 * Not emulated: moto 5.2.1 raises NotImplementedError for EnableAlarmActions and DisableAlarmActions.
 */
export const enableAlarmActions = definePlaybook<ActionsSnapshot, { description: string }>({
  id: 'cloudwatch-enable-alarm-actions',
  title: 'Activate the actions of a CloudWatch alarm',
  controls: ['CloudWatch.17'],
  resourceType: 'AwsCloudWatchAlarm',
  impact: 'disruptive',
  permissions: ['cloudwatch:DescribeAlarms', 'cloudwatch:EnableAlarmActions', 'cloudwatch:DisableAlarmActions'],
  notEmulated: 'moto 5.2.1 does not implement CloudWatch EnableAlarmActions or DisableAlarmActions',

  snapshot: async (ctx) => ({ actionsEnabled: (await readAlarm(ctx)).actionsEnabled }),

  async plan(ctx, current) {
    const name = alarmNameOf(ctx);
    if (current.actionsEnabled) return { summary: `The actions of alarm ${name} are activated`, changes: [] };
    const { actions } = await readAlarm(ctx);
    const acting = actions.filter((a) => ACTS_ON_RESOURCES.test(a));
    const why =
      actions.length === 0
        ? 'the alarm has no action yet, but any action added later will run on its state changes'
        : `its actions will run on the alarm's next state change: ${actions.join(', ')}` +
          (acting.length ? ` — of which ${acting.join(', ')} act on resources, not only notify` : '');
    return {
      summary: `Activate the actions of alarm ${name} (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [{ description: `Activate the actions of alarm ${name} (${actions.length} configured)` }],
    };
  },

  async apply(ctx) {
    if ((await readAlarm(ctx)).actionsEnabled) return;
    await ctx.aws.client(CloudWatchClient).send(new EnableAlarmActionsCommand({ AlarmNames: [alarmNameOf(ctx)] }));
  },

  async verify(ctx) {
    const { actionsEnabled } = await readAlarm(ctx);
    return { compliant: actionsEnabled, detail: `The actions of alarm ${alarmNameOf(ctx)} are ${actionsEnabled ? 'activated' : 'deactivated'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.actionsEnabled || !(await readAlarm(ctx)).actionsEnabled) return;
    await ctx.aws.client(CloudWatchClient).send(new DisableAlarmActionsCommand({ AlarmNames: [alarmNameOf(ctx)] }));
  },
});
