import {
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
  type AutomationExecutionStatus,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../tasks/aws/clientFactory.js';
import { ErrorName } from '../../tasks/domain/constants.js';
import { createPlaybookContext } from '../../tasks/playbooks/context.js';
import { enableDeletionProtectionWithRunbook } from '../../tasks/playbooks/rds/enableDeletionProtectionWithRunbook.js';
import { AutomationFailedError, runAutomation } from '../../tasks/playbooks/ssmAutomation.js';
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

  it('cancels an execution that outlives its timeout, and says so', async () => {
    // Prepare
    stub.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'InProgress' } });
    stub.on(StopAutomationExecutionCommand).resolves({});
    const started = Date.now();
    // Act
    const running = runAutomation(ctx, RUN);
    // Assess
    await expect(running).rejects.toThrow(
      `Runbook ${RUN.documentName} (execution exec-1) did not finish within 0.2 s on ${RESOURCE} (finding ${request.findingId}, ` +
        'account 222222222222, us-east-1); its last status was InProgress and Rectify asked SSM to cancel it.',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(stub.commandCalls(StopAutomationExecutionCommand)[0]!.args[0].input).toEqual({ AutomationExecutionId: 'exec-1', Type: 'Cancel' });
  });

  it('tells people to stop the execution by hand when cancelling it fails', async () => {
    // Prepare
    stub.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Waiting' } });
    stub.on(StopAutomationExecutionCommand).rejects(new Error('AccessDenied'));
    // Act
    const running = runAutomation(ctx, RUN);
    // Assess
    await expect(running).rejects.toThrow(/last status was Waiting and cancelling it failed \(AccessDenied\): stop it by hand/);
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
