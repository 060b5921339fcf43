import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ModifyDBInstanceCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import {
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { adminClient } from '../../../tasks/aws/clientFactory.js';
import { AuditEvent, ErrorName, Outcome } from '../../../tasks/domain/constants.js';
import type { Escalation } from '../../../tasks/domain/workflowState.js';
import type { PlaybookDeps } from '../../../tasks/handlers/playbookDeps.js';
import { createRollback } from '../../../tasks/handlers/rollback.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import {
  DELETION_PROTECTION_RUNBOOK,
  enableDeletionProtectionWithRunbook as playbook,
} from '../../../tasks/playbooks/rds/enableDeletionProtectionWithRunbook.js';
import { runAutomation } from '../../../tasks/playbooks/ssmAutomation.js';
import { putSnapshot, readAudit } from '../../../tasks/store/table.js';
import { taskConfig, TaskEnv } from '../../../tasks/taskConfig.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../../workflows/local/awsEnv.js';
import { checkExpectations, loadScenario, runScenario } from '../../../workflows/local/scenario.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { TASK_ENV } from '../../support/taskEnv.js';
import { createInstance, describeInstance, emulateParameterStore, instanceArn, runbookEffect } from './runbookFixtures.js';

/**
 * The runbook playbook end to end. moto 5.2.1 has no SSM Automation, so a `*.remediated.scenario.json`
 * cannot pass with the real SSM client (scenarios.slow.test.ts and verifyCatchesNoop.slow.test.ts run those
 * unstubbed); here the SSM client is stubbed to do what the runbook does, and Parameter Store is
 * kept in memory for the local runtime's policy parameter.
 */
describe('enableDeletionProtectionWithRunbook (RDS.8) through the workflow, SSM stubbed', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);
  const ssm = mockClient(SSMClient);
  const SCENARIO = path.join(import.meta.dirname, 'enableDeletionProtectionWithRunbook.remediated.ssmStubbed.json');

  beforeEach(async () => {
    await aws.moto.reset();
    ssm.reset();
    emulateParameterStore(ssm);
    ssm.on(StartAutomationExecutionCommand).callsFake(runbookEffect(rds));
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Success' } });
  });
  afterAll(() => ssm.restore());

  const instance = () => createInstance(rds());
  const instanceOf = (id: string): Promise<DBInstance> => describeInstance(rds(), id);
  function contextFor(id: string) {
    const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.8' });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  it('remediates automatically: the runbook runs with ApplyImmediately false and verify reads protection back', async () => {
    // Prepare
    const scenario = loadScenario(SCENARIO);
    // Act
    const result = await runScenario(scenario, { endpoint: aws.endpoint });
    // Assess
    expect(checkExpectations(scenario, result)).toEqual([]);
    const started = ssm.commandCalls(StartAutomationExecutionCommand).map((call) => call.args[0].input);
    expect(started).toMatchObject([{ DocumentName: DELETION_PROTECTION_RUNBOOK, Parameters: { ApplyImmediately: ['false'] } }]);
  }, 120_000);

  it('with an apply that changes nothing, the real verify fails and the workflow rolls back (as verifyCatchesNoop runs every remediated scenario)', async () => {
    // Prepare
    const { expect: _ignored, ...scenario } = loadScenario(SCENARIO);
    // Act
    const result = await runScenario({ ...scenario, faults: { apply: 'skip' } }, { endpoint: aws.endpoint });
    // Assess
    expect(result.outcome, `${result.path.join(' → ')}: ${result.cause ?? ''}`).toBe(Outcome.FAILED_ROLLED_BACK);
    const verify = result.trace.steps.filter((step) => step.state === 'Verify');
    expect(verify.some((step) => (step.retries ?? 0) > 0)).toBe(true);
    expect(result.audit.map((record) => record.event)).toContain(AuditEvent.ROLLED_BACK);
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toHaveLength(0);
    expect((await instanceOf('orders')).DeletionProtection).toBe(false);
  }, 120_000);

  describe('Rollback after the runbook outlived the function', () => {
    const TABLE = 'rectify-test';
    const EXECUTION = 'rds8-runbook-outlived';
    // The table and the instance are moto's, in the administrator account: no member role to assume.
    const config = taskConfig({ ...TASK_ENV, [TaskEnv.tableName]: TABLE, [TaskEnv.adminAccount]: LOCAL_ADMIN_ACCOUNT, [TaskEnv.sameAccountShortcut]: 'true' });
    const deps: PlaybookDeps = { config: () => config, now: () => new Date(), playbooks: async (id) => (id === playbook.id ? playbook : undefined) };

    beforeEach(async () => {
      await adminClient(DynamoDBClient).send(
        new CreateTableCommand({
          TableName: TABLE,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      );
    });

    /**
     * Remediate's state when the runbook outlived its time: the snapshot stored, deletion protection
     * already on (the runbook got that far), and the error `runAutomation` threw after cancelling,
     * run on a fake clock up to the default deadline. `ended` is what SSM shows after the cancel.
     */
    async function outlivedRunbook(ended: 'InProgress' | 'Cancelled') {
      const id = await instance();
      const ctx = contextFor(id);
      await putSnapshot(TABLE, EXECUTION, playbook.id, await playbook.snapshot(ctx));
      await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, DeletionProtection: true, ApplyImmediately: true }));
      ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-4' });
      ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'InProgress' } });
      ssm.on(StopAutomationExecutionCommand).callsFake(() => {
        ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: ended } });
        return {};
      });
      vi.useFakeTimers();
      try {
        const running = runAutomation(contextFor(id), { documentName: DELETION_PROTECTION_RUNBOOK, parameters: { DbInstanceResourceId: ['db-ABC'] } });
        const failed = running.then(() => expect.fail('the runbook should not succeed'), (error: Error) => error);
        await vi.runAllTimersAsync();
        return { id, error: await failed };
      } finally {
        vi.useRealTimers();
      }
    }

    /** What the workflow hands Rollback: Remediate's RemediationFailed (tasks/handlers/remediate.ts) as the Lambda runtime reports it. */
    function rollbackEvent(id: string, error: Error) {
      const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.8' });
      const remediationFailed = `playbook ${playbook.id} failed on ${request.resource.id} (finding ${request.findingId}): ${error.name}: ${error.message}`;
      return {
        execution: { id: `arn:aws:states:us-east-1:${LOCAL_ADMIN_ACCOUNT}:execution:rectify:${EXECUTION}`, name: EXECUTION },
        state: {
          request,
          policy: { proceed: true, reason: 'RDS.8 is automatic', mode: 'auto', dryRun: false, approvalForced: false, playbookId: playbook.id, controlId: 'RDS.8' },
          error: { Error: ErrorName.RemediationFailed, Cause: JSON.stringify({ errorType: ErrorName.RemediationFailed, errorMessage: remediationFailed }) },
        },
      };
    }

    it('escalates without restoring while the runbook may still change the instance', async () => {
      // Prepare
      const { id, error } = await outlivedRunbook('InProgress');
      // Act
      const escalation: Escalation = await createRollback(deps)(rollbackEvent(id, error));
      // Assess
      expect(escalation.outcome).toBe(Outcome.FAILED_ROLLBACK_FAILED);
      expect(escalation.reason).toContain(`not rolled back: SSM Automation execution exec-4 may still change ${instanceArn(id)}`);
      expect(escalation.reason).toContain('Check it by hand');
      expect((await instanceOf(id)).DeletionProtection).toBe(true);
      const rolledBack = (await readAudit(TABLE, EXECUTION)).filter((record) => record.event === AuditEvent.ROLLED_BACK);
      expect(rolledBack.map((record) => record.detail)).toEqual([expect.objectContaining({ restored: false, automationExecutionId: 'exec-4' })]);
    });

    it('restores as usual once SSM showed the cancelled runbook ended', async () => {
      // Prepare
      const { id, error } = await outlivedRunbook('Cancelled');
      // Act
      const escalation: Escalation = await createRollback(deps)(rollbackEvent(id, error));
      // Assess
      expect(escalation).toMatchObject({ outcome: Outcome.FAILED_ROLLED_BACK, reason: expect.stringContaining('the resource was restored to its snapshot') });
      expect((await instanceOf(id)).DeletionProtection).toBe(false);
    });
  });
});
