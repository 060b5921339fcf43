import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeStateMachineCommand, SFNClient, UpdateStateMachineCommand, type LoggingConfiguration } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { LOG_DELIVERY_ACTIONS, LOG_GROUP } from '../../../tasks/playbooks/stepfunctions/logDestination.js';
import { enableStateMachineLogging as playbook } from '../../../tasks/playbooks/stepfunctions/enableLogging.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:orders`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-sfn`;
const GROUP = '/aws/vendedlogs/states/orders-Logs';
const GROUP_ARN = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${GROUP}:*`;

/**
 * Step Functions, CloudWatch Logs and IAM as their documented APIs behave for the calls the
 * playbook makes, over one state machine and the account's log groups. moto 5.2.1 has no
 * SimulatePrincipalPolicy.
 */
describe('enableStateMachineLogging (StepFunctions.1) with aws-sdk-client-mock', () => {
  const sfn = mockClient(SFNClient);
  const logs = mockClient(CloudWatchLogsClient);
  const iam = mockClient(IAMClient);
  // A class stub: the fast tier's next files share this process (docs/decisions/018).
  afterAll(() => {
    sfn.restore();
    logs.restore();
    iam.restore();
  });
  let logging: LoggingConfiguration;
  let groups: Map<string, { tags: Record<string, string>; retentionInDays?: number; kmsKeyId?: string }>;
  let roleAllows: readonly string[];
  const clients: AwsClients = { account: ACCOUNT, region: 'us-east-1', client: <C>(ctor: new (config: object) => C) => new ctor({ region: 'us-east-1' }) };
  const contextFor = (options: { settings?: unknown; controlParameters?: Record<string, string[]> } = {}) =>
    createPlaybookContext(
      playbook,
      requestFor({ resourceType: 'AwsStepFunctionStateMachine', resourceId: MACHINE, controlId: 'StepFunctions.1', ...(options.controlParameters ? { controlParameters: options.controlParameters } : {}) }),
      clients,
      options.settings,
    );
  const updates = () => sfn.commandCalls(UpdateStateMachineCommand).map((c) => c.args[0].input.loggingConfiguration);

  beforeEach(() => {
    for (const stub of [sfn, logs, iam]) stub.reset();
    logging = { level: 'OFF', includeExecutionData: false };
    groups = new Map([['/aws/lambda/orders', { tags: {} }]]);
    roleAllows = [...LOG_DELIVERY_ACTIONS];
    sfn.on(DescribeStateMachineCommand).callsFake(({ stateMachineArn }: { stateMachineArn: string }) => {
      if (stateMachineArn !== MACHINE) throw Object.assign(new Error(`State Machine Does Not Exist: '${stateMachineArn}'`), { name: 'StateMachineDoesNotExist' });
      return { stateMachineArn: MACHINE, name: 'orders', roleArn: ROLE, type: 'STANDARD', loggingConfiguration: structuredClone(logging) };
    });
    sfn.on(UpdateStateMachineCommand).callsFake(({ loggingConfiguration }: { loggingConfiguration: LoggingConfiguration }) => {
      logging = structuredClone(loggingConfiguration);
      return { updateDate: new Date() };
    });
    logs.on(DescribeLogGroupsCommand).callsFake(({ logGroupNamePrefix }: { logGroupNamePrefix: string }) => ({
      logGroups: [...groups.keys()].filter((name) => name.startsWith(logGroupNamePrefix)).map((logGroupName) => ({ logGroupName })),
    }));
    logs.on(CreateLogGroupCommand).callsFake(({ logGroupName, tags, kmsKeyId }: { logGroupName: string; tags: Record<string, string>; kmsKeyId?: string }) => {
      if (groups.has(logGroupName)) throw Object.assign(new Error('The specified log group already exists'), { name: 'ResourceAlreadyExistsException' });
      groups.set(logGroupName, { tags: { ...tags }, ...(kmsKeyId ? { kmsKeyId } : {}) });
      return {};
    });
    logs.on(PutRetentionPolicyCommand).callsFake(({ logGroupName, retentionInDays }: { logGroupName: string; retentionInDays: number }) => {
      groups.get(logGroupName)!.retentionInDays = retentionInDays;
      return {};
    });
    logs.on(ListTagsForResourceCommand).callsFake(({ resourceArn }: { resourceArn: string }) => ({ tags: { ...groups.get(resourceArn.split(':log-group:')[1]!)?.tags } }));
    logs.on(DeleteLogGroupCommand).callsFake(({ logGroupName }: { logGroupName: string }) => {
      groups.delete(logGroupName);
      return {};
    });
    iam.on(SimulatePrincipalPolicyCommand).callsFake(({ ActionNames }: { ActionNames: string[] }) => ({
      EvaluationResults: ActionNames.map((EvalActionName) => ({ EvalActionName, EvalResourceName: '*', EvalDecision: roleAllows.includes(EvalActionName) ? 'allowed' : 'implicitDeny' })),
    }));
  });

  it('creates a tagged log group with a retention and logs to it at ERROR, a disruptive plan, sending only what it declares', async () => {
    // Prepare
    const ctx = contextFor();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ level: 'OFF', includeExecutionData: false, destinations: [], logGroupExisted: false });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Create AWS::Logs::LogGroup ${GROUP} (tagged rectify:created-by, retention 365 days, encrypted with CloudWatch Logs' keys; rollback removes it); cost < $1/month: ${LOG_GROUP.costBasis}`,
      `Set the logging level of state machine ${MACHINE} from OFF to ERROR, to ${GROUP}`,
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/it adds cost/);
    expect(groups.get(GROUP)).toEqual({ tags: { 'rectify:created-by': 'stepfunctions-enable-logging' }, retentionInDays: 365 });
    expect(updates()).toEqual([{ level: 'ERROR', includeExecutionData: false, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: GROUP_ARN } }] }]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: 'State machine orders logs at ERROR' });
    expect(groups.get('/aws/lambda/orders')).toEqual({ tags: {} });
    // Rollback too, so every declared action is sent at least once.
    await playbook.rollback(ctx, snapshot);
    expect(actionsSentTo({ SFN: sfn, CloudWatchLogs: logs, IAM: iam })).toEqual(new Set(playbook.permissions));
  });

  it('verify answers non-compliant with logging off, and below the finding\'s minimum logLevel', async () => {
    // Act
    const off = await playbook.verify(contextFor());
    logging = { level: 'ERROR', includeExecutionData: false, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: GROUP_ARN } }] };
    const belowMinimum = await playbook.verify(contextFor({ controlParameters: { logLevel: ['ALL'] } }));
    const fatal = await playbook.verify(contextFor({ controlParameters: { logLevel: ['FATAL'] } }));
    // Assess
    expect(off).toEqual({ compliant: false, detail: 'State machine orders logs at OFF' });
    expect(belowMinimum).toEqual({ compliant: false, detail: 'State machine orders logs at ERROR (the control asks for at least ALL)' });
    expect(fatal.compliant).toBe(true);
  });

  it("fixes to the finding's logLevel, keeps a log group the state machine already names, and refuses a looser setting", async () => {
    // Prepare
    logging = { level: 'OFF', includeExecutionData: true, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:orders-audit:*' } }] };
    const ctx = contextFor({ controlParameters: { logLevel: ['ALL'] } });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const looser = contextFor({ settings: { logLevel: 'ERROR' }, controlParameters: { logLevel: ['ALL'] } });
    // Assess
    expect(plan.summary).toContain("at ALL (from the finding's control parameters)");
    expect(logging).toEqual({ level: 'ALL', includeExecutionData: true, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:orders-audit:*' } }] });
    expect(groups.has(GROUP)).toBe(false);
    await expect(Promise.resolve().then(async () => playbook.plan(looser, await playbook.snapshot(looser)))).rejects.toThrow(/less strict than the control's logLevel/);
  });

  it("refuses, changing nothing, a state machine whose role cannot deliver logs, and names what to grant", async () => {
    // Prepare
    roleAllows = ['logs:DescribeLogGroups'];
    const ctx = contextFor();
    // Act
    const planning = await playbook.snapshot(ctx).then((s) => playbook.plan(ctx, s)).catch((error: Error) => error);
    const applying = await playbook.apply(ctx, { summary: '', changes: [] }).catch((error: Error) => error);
    // Assess
    expect(String(planning)).toContain(`its role ${ROLE} is not allowed logs:CreateLogDelivery, logs:DeleteLogDelivery`);
    expect(String(planning)).toContain("Rectify does not edit the state machine's role");
    expect(String(applying)).toContain('is not allowed');
    expect(updates()).toEqual([]);
    expect(groups.has(GROUP)).toBe(false);
  });

  it('rolls back to logging off and deletes the log group it created, twice without harm', async () => {
    // Prepare
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(groups.has(GROUP)).toBe(false);
    expect(logs.commandCalls(DeleteLogGroupCommand)).toHaveLength(1);
  });

  it('keeps, on rollback, a log group of that name it did not create', async () => {
    // Prepare: someone else's group with the same name appears between apply and rollback.
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    groups.set(GROUP, { tags: { team: 'orders' } });
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(groups.get(GROUP)).toEqual({ tags: { team: 'orders' } });
    expect(logs.commandCalls(DeleteLogGroupCommand)).toHaveLength(0);
  });

  it('changes nothing when applied a second time, and plans nothing for a state machine that logs', async () => {
    // Prepare
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(contextFor({ settings: { logLevel: 'ALL' } }), plan);
    const again = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(updates()).toHaveLength(1);
    expect(logs.commandCalls(CreateLogGroupCommand)).toHaveLength(1);
    expect(again.changes).toEqual([]);
  });

  it('fails the snapshot of a state machine that does not exist', async () => {
    // Prepare
    const ctx = createPlaybookContext(
      playbook,
      requestFor({ resourceType: 'AwsStepFunctionStateMachine', resourceId: `${MACHINE}-gone`, controlId: 'StepFunctions.1' }),
      clients,
    );
    // Act & Assess
    await expect(playbook.snapshot(ctx)).rejects.toThrow(/Does Not Exist/);
  });
});
