import { CloudWatchClient, DescribeAlarmsCommand, DisableAlarmActionsCommand, EnableAlarmActionsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { enableAlarmActions as playbook } from '../../../tasks/playbooks/cloudwatch/enableAlarmActions.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const arnOf = (name: string) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
const STOP = 'arn:aws:automate:us-east-1:ec2:stop';

/**
 * CloudWatch as the documented API behaves for the calls the playbook makes: DescribeAlarms by
 * name (an empty answer for an unknown one), EnableAlarmActions and DisableAlarmActions (which set
 * only `ActionsEnabled`). moto 5.2.1 raises NotImplementedError for the last two.
 */
describe('enableAlarmActions (CloudWatch.17) with aws-sdk-client-mock', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  // A class stub: the fast tier's next files share this process (docs/decisions/018).
  afterAll(() => {
    cloudwatch.restore();
  });
  let alarms: Map<string, MetricAlarm>;
  const clients: AwsClients = { account: ACCOUNT, region: 'us-east-1', client: <C>() => new CloudWatchClient({ region: 'us-east-1' }) as C };
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsCloudWatchAlarm', resourceId: arnOf(name), controlId: 'CloudWatch.17' }), clients);
  const alarm = (name: string, extra: Partial<MetricAlarm> = {}): MetricAlarm => ({
    AlarmName: name,
    AlarmArn: arnOf(name),
    MetricName: 'CPUUtilization',
    Namespace: 'AWS/EC2',
    Threshold: 90,
    ActionsEnabled: false,
    AlarmActions: [TOPIC],
    OKActions: [],
    InsufficientDataActions: [],
    ...extra,
  });
  const setActions = (enabled: boolean) => ({ AlarmNames }: { AlarmNames: string[] }) => {
    for (const name of AlarmNames) {
      const found = alarms.get(name);
      if (found) found.ActionsEnabled = enabled;
    }
    return {};
  };

  beforeEach(() => {
    cloudwatch.reset();
    alarms = new Map([
      ['cpu-high', alarm('cpu-high')],
      ['cpu:stop', alarm('cpu:stop', { AlarmActions: [TOPIC, STOP] })],
      ['disk-full', alarm('disk-full')],
      ['enabled', alarm('enabled', { ActionsEnabled: true })],
    ]);
    cloudwatch.on(DescribeAlarmsCommand).callsFake(({ AlarmNames = [] }: { AlarmNames?: string[] }) => ({
      MetricAlarms: AlarmNames.flatMap((name) => (alarms.has(name) ? [structuredClone(alarms.get(name)!)] : [])),
      CompositeAlarms: [],
    }));
    cloudwatch.on(EnableAlarmActionsCommand).callsFake(setActions(true));
    cloudwatch.on(DisableAlarmActionsCommand).callsFake(setActions(false));
  });

  it('activates the actions of the alarm and leaves the rest of it, and the other alarms, alone', async () => {
    // Prepare
    const ctx = contextFor('cpu-high');
    const before = structuredClone(alarms.get('cpu-high')!);
    // Act
    const found = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(found).toEqual({ compliant: false, detail: 'The actions of alarm cpu-high are deactivated' });
    expect(snapshot).toEqual({ actionsEnabled: false });
    expect(plan.changes.map((c) => c.description)).toEqual(['Activate the actions of alarm cpu-high (1 configured)']);
    expect(plan.impact).toEqual({ level: 'disruptive', why: `its actions will run on the alarm's next state change: ${TOPIC}` });
    expect(cloudwatch.commandCalls(EnableAlarmActionsCommand).map((c) => c.args[0].input)).toEqual([{ AlarmNames: ['cpu-high'] }]);
    expect(alarms.get('cpu-high')).toEqual({ ...before, ActionsEnabled: true });
    expect(alarms.get('disk-full')!.ActionsEnabled).toBe(false);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: 'The actions of alarm cpu-high are activated' });
  });

  it('names the actions that act on resources in the plan of an alarm whose name holds a colon', async () => {
    // Prepare
    const ctx = contextFor('cpu:stop');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.impact?.why).toContain(`of which ${STOP} act on resources, not only notify`);
  });

  it('rolls back to deactivated actions', async () => {
    // Prepare
    const ctx = contextFor('cpu-high');
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(cloudwatch.commandCalls(DisableAlarmActionsCommand)).toHaveLength(1);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const ctx = contextFor('cpu-high');
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(cloudwatch.commandCalls(EnableAlarmActionsCommand)).toHaveLength(1);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for an alarm whose actions are activated, and its rollback changes nothing', async () => {
    // Prepare
    const ctx = contextFor('enabled');
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(cloudwatch.commandCalls(DisableAlarmActionsCommand)).toHaveLength(0);
    expect(alarms.get('enabled')!.ActionsEnabled).toBe(true);
  });

  it('fails the snapshot of an alarm that does not exist', async () => {
    // Act
    const snapshotting = playbook.snapshot(contextFor('gone'));
    // Assess
    await expect(snapshotting).rejects.toThrow('Alarm gone does not exist');
  });

  it('needs exactly the actions it declares', async () => {
    // Prepare
    const ctx = contextFor('cpu-high');
    const before = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    await playbook.verify(ctx);
    await playbook.rollback(ctx, before);
    // Assess
    expect(actionsSentTo({ CloudWatch: cloudwatch })).toEqual(new Set(playbook.permissions));
  });
});
