import {
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
  type AutomationExecutionStatus,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TASK_ACCESS } from '../../infra/taskAccess.js';
import type { AwsClients } from '../../tasks/aws/clientFactory.js';
import { ErrorName } from '../../tasks/domain/constants.js';
import { createPlaybookContext } from '../../tasks/playbooks/context.js';
import { PLAYBOOK_TIME_BUDGET_MS } from '../../tasks/playbooks/definePlaybook.js';
import { enableDeletionProtectionWithRunbook } from '../../tasks/playbooks/rds/enableDeletionProtectionWithRunbook.js';
import { AutomationFailedError, automationThatMayStillChange, runAutomation, STOP_WINDOW_MS } from '../../tasks/playbooks/ssmAutomation.js';
import { requestFor } from '../support/request.js';

const RESOURCE = 'arn:aws:rds:us-east-1:222222222222:db:orders';
const RUN = {
  documentName: 'AWSConfigRemediation-EnableRDSInstanceDeletionProtection',
  parameters: { DbInstanceResourceId: ['db-ABC'], AutomationAssumeRole: ['arn:aws:iam::222222222222:role/RectifyAutomationRole'] },
  timeoutSeconds: 0.2,
  pollIntervalMs: 10,
};

// moto 5.2.1 has no SSM Automation (StartAutomationExecution answers an HTML 404), so the SSM client alone is stubbed.
describe('runAutomation with a stubbed SSM client', () => {
  const ssm = new SSMClient({ region: 'us-east-1' });
  const stub = mockClient(ssm);
  const clients: AwsClients = { account: '222222222222', region: 'us-east-1', client: <C>() => ssm as unknown as C };
  const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: RESOURCE, controlId: 'RDS.8', account: '222222222222' });
  const ctx = createPlaybookContext(enableDeletionProtectionWithRunbook, request, clients);
  const statuses = (...sequence: AutomationExecutionStatus[]) =>
    sequence.reduce((on, status) => on.resolvesOnce({ AutomationExecution: { AutomationExecutionStatus: status } }), stub.on(GetAutomationExecutionCommand));

  beforeEach(() => {
    stub.reset();
    stub.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-1' });
  });
  afterAll(() => stub.restore());

  it('starts the runbook with its parameters and polls until it succeeds', async () => {
    // Prepare
    statuses('Pending', 'InProgress').resolves({ AutomationExecution: { AutomationExecutionStatus: 'Success', Outputs: { 'Step.Output': ['done'] } } });
    // Act
    const result = await runAutomation(ctx, RUN);
    // Assess
    expect(result).toEqual({ executionId: 'exec-1', outputs: { 'Step.Output': ['done'] } });
    expect(stub.commandCalls(StartAutomationExecutionCommand)[0]!.args[0].input).toEqual({ DocumentName: RUN.documentName, Parameters: RUN.parameters });
    expect(stub.commandCalls(GetAutomationExecutionCommand)).toHaveLength(3);
    expect(stub.commandCalls(GetAutomationExecutionCommand)[0]!.args[0].input).toEqual({ AutomationExecutionId: 'exec-1' });
    expect(stub.commandCalls(StopAutomationExecutionCommand)).toHaveLength(0);
  });

  it('throws naming the runbook, the execution, the resource and the failed step when it fails', async () => {
    // Prepare
    stub.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        AutomationExecutionStatus: 'Failed',
        FailureMessage: 'Step fails when it is Executing.',
        StepExecutions: [
          { StepName: 'GetRDSInstanceIdentifier', StepStatus: 'Success' },
          { StepName: 'EnableDeletionProtection', StepStatus: 'Failed', FailureMessage: 'AccessDenied: rds:ModifyDBInstance' },
        ],
      },
    });
    // Act
    const running = runAutomation(ctx, RUN);
    // Assess
    await expect(running).rejects.toBeInstanceOf(AutomationFailedError);
    await expect(running).rejects.toMatchObject({ name: ErrorName.RemediationFailed, executionId: 'exec-1', status: 'Failed' });
    await expect(running).rejects.toThrow(
      `Runbook ${RUN.documentName} (execution exec-1) ended Failed on ${RESOURCE} (finding ${request.findingId}, account 222222222222, us-east-1): ` +
        'Step fails when it is Executing. at step EnableDeletionProtection: AccessDenied: rds:ModifyDBInstance.',
    );
    expect(stub.commandCalls(StopAutomationExecutionCommand)).toHaveLength(0);
  });

  it.each(['TimedOut', 'Cancelled', 'CompletedWithFailure'] as const)('throws when the execution ends %s', async (status) => {
    // Prepare
    statuses('InProgress', status);
    // Act
    const running = runAutomation(ctx, RUN);
    // Assess
    await expect(running).rejects.toMatchObject({ status });
    await expect(running).rejects.toThrow(`ended ${status} on ${RESOURCE}`);
  });

  it('cancels an execution that outlives its timeout and, once SSM shows it ended, says it changes nothing more', async () => {
    // Prepare: InProgress until Rectify cancels it
    stub.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'InProgress' } });
    stub.on(StopAutomationExecutionCommand).callsFake(() => {
      stub.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Cancelled' } });
      return {};
    });
    const started = Date.now();
    // Act
    const running = runAutomation(ctx, RUN);
    // Assess
    await expect(running).rejects.toThrow(
      `Runbook ${RUN.documentName} (execution exec-1) did not finish within 0.2 s on ${RESOURCE} (finding ${request.findingId}, ` +
        'account 222222222222, us-east-1); Rectify asked SSM to cancel it and it ended Cancelled, so it changes nothing more.',
    );
    await expect(running).rejects.toMatchObject({ name: ErrorName.RemediationFailed, executionId: 'exec-1', status: 'Cancelled', mayStillChange: false });
    expect(automationThatMayStillChange(((await running.catch((e: unknown) => e)) as Error).message)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(stub.commandCalls(StopAutomationExecutionCommand).map((call) => call.args[0].input)).toEqual([{ AutomationExecutionId: 'exec-1', Type: 'Cancel' }]);
  });

  it('takes a status it cannot read for one still running, not for an end', async () => {
    // Prepare
    stub.on(GetAutomationExecutionCommand).rejectsOnce(new Error('socket hang up')).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Success' } });
    // Act
    const result = await runAutomation(ctx, RUN);
    // Assess
    expect(result.executionId).toBe('exec-1');
    expect(stub.commandCalls(GetAutomationExecutionCommand)).toHaveLength(2);
  });

  describe('bounded by the function\'s deadline (fake clock)', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    /** A context whose deadline is `seconds` from now, as Remediate's would be with that much time left. */
    const contextWithin = (seconds: number) =>
      createPlaybookContext(enableDeletionProtectionWithRunbook, request, clients, undefined, undefined, new Date(Date.now() + seconds * 1000));
    /** Run to the end on the fake clock; resolves with the error and when it was thrown. */
    async function failureOf(running: Promise<unknown>): Promise<{ error: AutomationFailedError; at: number }> {
      const settled = running.then(
        () => expect.fail('the runbook should not succeed'),
        (error: AutomationFailedError) => ({ error, at: Date.now() }),
      );
      await vi.runAllTimersAsync();
      return settled;
    }

    it('stops an execution still InProgress at the deadline and says it may still change the resource', async () => {
      // Prepare: SSM accepts the cancel, but the execution has not ended when the time is up
      stub.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'InProgress' } });
      stub.on(StopAutomationExecutionCommand).resolves({});
      const within = contextWithin(100);
      // Act
      const { error } = await failureOf(runAutomation(within, { ...RUN, timeoutSeconds: 600, pollIntervalMs: 5000 }));
      // Assess
      expect(stub.commandCalls(StopAutomationExecutionCommand).map((call) => call.args[0].input)).toEqual([{ AutomationExecutionId: 'exec-1', Type: 'Cancel' }]);
      expect(error).toMatchObject({ name: ErrorName.RemediationFailed, executionId: 'exec-1', status: 'InProgress', mayStillChange: true });
      expect(error.message).toContain(
        `Runbook ${RUN.documentName} (execution exec-1) did not finish within the 70 s the function had left for it (its timeout is 600 s) on ${RESOURCE}`,
      );
      expect(error.message).toContain(
        'Rectify asked SSM to cancel it, but it was still InProgress when Rectify had to stop waiting, so it may still change the resource. Stop it by hand',
      );
      expect(automationThatMayStillChange(error.message)).toBe('exec-1');
    });

    it('never waits past the deadline, even when timeoutSeconds is longer', async () => {
      // Prepare: record when each call is made
      const calls: { command: string; at: number }[] = [];
      const deadline = Date.now() + 100_000;
      stub.on(GetAutomationExecutionCommand).callsFake(() => {
        calls.push({ command: 'Get', at: Date.now() });
        return { AutomationExecution: { AutomationExecutionStatus: 'InProgress' } };
      });
      stub.on(StopAutomationExecutionCommand).callsFake(() => {
        calls.push({ command: 'Stop', at: Date.now() });
        return {};
      });
      const within = contextWithin(100);
      // Act
      const { at } = await failureOf(runAutomation(within, { ...RUN, timeoutSeconds: 3600, pollIntervalMs: 5000 }));
      // Assess: cancelled when only the stop window is left, and given up at the deadline
      expect(calls.find((call) => call.command === 'Stop')!.at).toBe(deadline - STOP_WINDOW_MS);
      expect(Math.max(...calls.map((call) => call.at))).toBeLessThanOrEqual(deadline);
      expect(at).toBeLessThanOrEqual(deadline);
      expect(calls.filter((call) => call.command === 'Get' && call.at > deadline - STOP_WINDOW_MS).length).toBeGreaterThan(1);
    });

    it('tells people to stop the execution by hand when cancelling it fails', async () => {
      // Prepare
      stub.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Waiting' } });
      stub.on(StopAutomationExecutionCommand).rejects(new Error('AccessDenied'));
      // Act
      const { error } = await failureOf(runAutomation(contextWithin(100), { ...RUN, pollIntervalMs: 5000 }));
      // Assess
      expect(error.message).toMatch(/cancelling it failed \(AccessDenied\), but it was still Waiting when Rectify had to stop waiting, so it may still change the resource\. Stop it by hand/);
      expect(error.mayStillChange).toBe(true);
    });

    it('does not start a runbook when the function has no time left to watch and cancel it', async () => {
      // Act
      const running = runAutomation(contextWithin(STOP_WINDOW_MS / 1000 - 1), RUN);
      // Assess
      await expect(running).rejects.toMatchObject({ status: 'NotStarted', mayStillChange: false });
      await expect(running).rejects.toThrow(`Runbook ${RUN.documentName} was not started on ${RESOURCE}`);
      expect(stub.commandCalls(StartAutomationExecutionCommand)).toHaveLength(0);
    });
  });

  it('by default ends a playbook step well inside the functions that run it', () => {
    // Act
    const made = Date.now();
    const { deadline } = createPlaybookContext(enableDeletionProtectionWithRunbook, request, clients);
    // Assess
    expect(deadline.getTime() - made).toBeGreaterThanOrEqual(PLAYBOOK_TIME_BUDGET_MS);
    expect(deadline.getTime() - made).toBeLessThan(PLAYBOOK_TIME_BUDGET_MS + 1000);
    for (const task of ['remediate', 'rollback'] as const) {
      expect(TASK_ACCESS[task].timeout.toMilliseconds()).toBeGreaterThanOrEqual(PLAYBOOK_TIME_BUDGET_MS + 30_000);
    }
  });

  it('throws without polling when the runbook cannot start', async () => {
    // Prepare
    stub.on(StartAutomationExecutionCommand).rejects(new Error('Document AWSConfigRemediation-Nope does not exist'));
    // Act
    const running = runAutomation(ctx, { ...RUN, documentName: 'AWSConfigRemediation-Nope' });
    // Assess
    await expect(running).rejects.toMatchObject({ status: 'NotStarted', executionId: undefined });
    await expect(running).rejects.toThrow(`Runbook AWSConfigRemediation-Nope could not start on ${RESOURCE}`);
    expect(stub.commandCalls(GetAutomationExecutionCommand)).toHaveLength(0);
  });
});
