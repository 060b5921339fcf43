import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  type DBInstance,
} from '@aws-sdk/client-rds';
import {
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
  type StartAutomationExecutionCommandInput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { TASK_ENV } from '../../support/taskEnv.js';

const instanceArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:db:${id}`;

/**
 * RDS runs in moto; moto 5.2.1 has no SSM Automation, so only the SSM client is stubbed. The
 * stub does what the AWS runbook does (find the instance by its resource id, enable deletion
 * protection) against moto, so verify and rollback read real state.
 */
describe('enableDeletionProtectionWithRunbook (RDS.8) against moto, SSM stubbed', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);
  const ssm = mockClient(SSMClient);

  async function runbookEffect(input: StartAutomationExecutionCommandInput) {
    const [resourceId] = input.Parameters!.DbInstanceResourceId!;
    // moto 5.2.1 gives every instance the same DbiResourceId, so each test starts from an empty moto and has one match.
    const { DBInstances = [] } = await rds().send(new DescribeDBInstancesCommand({}));
    const matches = DBInstances.filter((candidate) => candidate.DbiResourceId === resourceId);
    if (matches.length !== 1) throw new Error(`runbook stub: ${matches.length} instances have resource id ${resourceId}`);
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: matches[0]!.DBInstanceIdentifier, DeletionProtection: true, ApplyImmediately: true }));
    return { AutomationExecutionId: 'exec-1' };
  }

  beforeEach(async () => {
    await aws.moto.reset();
    ssm.reset();
    ssm.on(StartAutomationExecutionCommand).callsFake(runbookEffect);
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Success' } });
  });
  afterAll(() => ssm.restore());

  async function instance(deletionProtection = false, cluster?: string): Promise<string> {
    const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        DBInstanceClass: 'db.t3.micro',
        ...(cluster
          ? { Engine: 'aurora-postgresql', DBClusterIdentifier: cluster }
          : { Engine: 'postgres', AllocatedStorage: 20, MasterUsername: 'orders_admin', MasterUserPassword: 'not-a-real-password' }),
        PubliclyAccessible: false,
        DeletionProtection: deletionProtection,
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    return id;
  }

  function contextFor(id: string, settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.8' });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

  /** The instance without the restore clock that moves on every read. */
  async function instanceOf(id: string): Promise<DBInstance> {
    const { LatestRestorableTime: _ticking, ...described } = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    return described;
  }
  async function allButDeletionProtection(id: string) {
    const { DeletionProtection: _changed, ...rest } = await instanceOf(id);
    return { ...rest, tags: (await rds().send(new ListTagsForResourceCommand({ ResourceName: instanceArn(id) }))).TagList };
  }

  it('runs the AWS runbook, then reads deletion protection back, leaving the rest of the instance alone', async () => {
    // Prepare
    const id = await instance();
    const ctx = contextFor(id);
    const before = await allButDeletionProtection(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ deletionProtection: false });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Run AWS runbook ${DELETION_PROTECTION_RUNBOOK} as arn:aws:iam::123456789012:role/RectifyAutomationRole to enable deletion ` +
        `protection on RDS DB instance ${instanceArn(id)}: deleting it will fail until protection is turned off; nothing else changes`,
    ]);
    expect(ssm.commandCalls(StartAutomationExecutionCommand).map((call) => call.args[0].input)).toEqual([
      {
        DocumentName: DELETION_PROTECTION_RUNBOOK,
        Parameters: {
          DbInstanceResourceId: [before.DbiResourceId],
          AutomationAssumeRole: ['arn:aws:iam::123456789012:role/RectifyAutomationRole'],
          ApplyImmediately: ['true'],
        },
      },
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await instanceOf(id)).DeletionProtection).toBe(true);
    expect(await allButDeletionProtection(id)).toEqual(before);
  });

  it('rolls back natively, since runbooks only go forward', async () => {
    // Prepare
    const id = await instance();
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
    expect((await instanceOf(id)).DeletionProtection).toBe(false);
  });

  it('does not start the runbook again when applied a second time', async () => {
    // Prepare
    const id = await instance();
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await instanceOf(id);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toHaveLength(1);
    expect(await instanceOf(id)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing and starts no runbook for a protected instance', async () => {
    // Prepare
    const id = await instance(true);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await instanceOf(id)).DeletionProtection).toBe(true);
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toHaveLength(0);
  });

  it('fails apply with the runbook failure when the runbook fails, and the instance is unchanged', async () => {
    // Prepare
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-2' });
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        AutomationExecutionStatus: 'Failed',
        StepExecutions: [{ StepName: 'ModifyDBInstance', StepStatus: 'Failed', FailureMessage: 'role cannot be assumed' }],
      },
    });
    const id = await instance();
    const ctx = contextFor(id);
    // Act
    const applying = playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    await expect(applying).rejects.toThrow(`Runbook ${DELETION_PROTECTION_RUNBOOK} (execution exec-2) ended Failed on ${instanceArn(id)}`);
    await expect(applying).rejects.toThrow(/at step ModifyDBInstance: role cannot be assumed/);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: false });
  });

  it('cancels the runbook when it outlives the configured timeout', async () => {
    // Prepare
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-3' });
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'InProgress' } });
    ssm.on(StopAutomationExecutionCommand).callsFake(() => {
      ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Cancelled' } });
      return {};
    });
    const id = await instance();
    const ctx = contextFor(id, { timeoutSeconds: 1 });
    // Act
    const applying = playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    await expect(applying).rejects.toThrow(/did not finish within 1 s .* Rectify asked SSM to cancel it and it ended Cancelled, so it changes nothing more/);
    expect(ssm.commandCalls(StopAutomationExecutionCommand).map((call) => call.args[0].input)).toEqual([{ AutomationExecutionId: 'exec-3', Type: 'Cancel' }]);
  });

  it('refuses an instance of a DB cluster, whose protection is a cluster setting, and starts no runbook', async () => {
    // Prepare
    const cluster = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(
      new CreateDBClusterCommand({ DBClusterIdentifier: cluster, Engine: 'aurora-postgresql', MasterUsername: 'orders_admin', MasterUserPassword: 'not-a-real-password' }),
    );
    const id = await instance(false, cluster);
    const ctx = contextFor(id);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(`Cannot enable deletion protection on RDS DB instance ${instanceArn(id)}`);
    await expect(planning).rejects.toThrow(`it belongs to DB cluster ${cluster}, whose deletion protection is a cluster setting (RDS.7)`);
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toHaveLength(0);
  });

  describe('Rollback after the runbook outlived the function', () => {
    const TABLE = 'rectify-test';
    const EXECUTION = 'rds8-runbook-outlived';
    // The table and the instance are moto's, in the administrator account: no member role to assume.
    const config = taskConfig({ ...TASK_ENV, [TaskEnv.tableName]: TABLE, [TaskEnv.adminAccount]: LOCAL_ADMIN_ACCOUNT, [TaskEnv.sameAccountShortcut]: 'true' });
    const deps: PlaybookDeps = { config: () => config, now: () => new Date(), playbooks: (id) => (id === playbook.id ? playbook : undefined) };

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
