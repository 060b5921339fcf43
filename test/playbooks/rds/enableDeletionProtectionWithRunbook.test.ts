import {
  CreateDBClusterCommand,
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
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import {
  DELETION_PROTECTION_RUNBOOK,
  enableDeletionProtectionWithRunbook as playbook,
} from '../../../tasks/playbooks/rds/enableDeletionProtectionWithRunbook.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { createInstance, describeInstance, instanceArn, runbookEffect } from './runbookFixtures.js';

/**
 * RDS runs in moto; moto 5.2.1 has no SSM Automation, so only the SSM client is stubbed. The
 * stub does what the AWS runbook does (find the instance by its resource id, enable deletion
 * protection) against moto, so verify and rollback read real state.
 */
describe('enableDeletionProtectionWithRunbook (RDS.8) against moto, SSM stubbed', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);
  const ssm = mockClient(SSMClient);

  beforeEach(async () => {
    await aws.moto.reset();
    ssm.reset();
    ssm.on(StartAutomationExecutionCommand).callsFake(runbookEffect(rds));
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Success' } });
  });
  afterAll(() => ssm.restore());

  const instance = (deletionProtection = false, cluster?: string) => createInstance(rds(), { deletionProtection, ...(cluster ? { cluster } : {}) });

  function contextFor(id: string, settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.8' });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

  const instanceOf = (id: string): Promise<DBInstance> => describeInstance(rds(), id);
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
        `protection on RDS DB instance ${instanceArn(id)} (RDS applies it at once): deleting it will fail until protection is turned off; nothing else changes`,
    ]);
    expect(ssm.commandCalls(StartAutomationExecutionCommand).map((call) => call.args[0].input)).toEqual([
      {
        DocumentName: DELETION_PROTECTION_RUNBOOK,
        Parameters: {
          DbInstanceResourceId: [before.DbiResourceId],
          AutomationAssumeRole: ['arn:aws:iam::123456789012:role/RectifyAutomationRole'],
          // Deletion protection applies at once anyway; true would also apply the instance's pending modifications.
          ApplyImmediately: ['false'],
        },
      },
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await instanceOf(id)).DeletionProtection).toBe(true);
    expect(await allButDeletionProtection(id)).toEqual(before);
  });

  it('answers non-compliant for an unprotected instance, and again when protection is turned off after the fix', async () => {
    // Prepare
    const id = await instance();
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, DeletionProtection: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Deletion protection of RDS DB instance ${id} is disabled` });
    expect(putBack).toMatchObject({ compliant: false });
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
});

/** moto applies every ModifyDBInstance at once and reports no PendingModifiedValues, so RDS is stubbed here as well. */
describe('enableDeletionProtectionWithRunbook with modifications pending on the instance', () => {
  it('names them in the plan, passes ApplyImmediately false to the runbook and to the rollback', async () => {
    // Prepare
    const id = 'orders-resized';
    const rdsClient = new RDSClient({ region: 'us-east-1' });
    const ssmClient = new SSMClient({ region: 'us-east-1' });
    const rds = mockClient(rdsClient);
    const ssm = mockClient(ssmClient);
    const described: DBInstance = {
      DBInstanceIdentifier: id,
      DbiResourceId: 'db-RESIZED',
      DBInstanceStatus: 'available',
      DeletionProtection: false,
      PendingModifiedValues: { DBInstanceClass: 'db.r6g.large', EngineVersion: '16.4' },
    };
    rds.on(DescribeDBInstancesCommand).callsFake(() => ({ DBInstances: [{ ...described }] }));
    rds.on(ModifyDBInstanceCommand).callsFake((input: { DeletionProtection: boolean }) => {
      described.DeletionProtection = input.DeletionProtection;
      return {};
    });
    ssm.on(StartAutomationExecutionCommand).callsFake(() => {
      described.DeletionProtection = true;
      return { AutomationExecutionId: 'exec-5' };
    });
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionStatus: 'Success' } });
    const clients: AwsClients = {
      account: '123456789012',
      region: 'us-east-1',
      client: <C>(type: unknown) => (type === RDSClient ? rdsClient : ssmClient) as unknown as C,
    };
    const ctx = createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.8' }), clients);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes[0]?.description).toMatch(
      /nothing else changes\. 2 modification\(s\) are pending on the instance \(DBInstanceClass db\.r6g\.large; EngineVersion 16\.4\): Rectify sends ApplyImmediately false, so they stay pending/,
    );
    expect(ssm.commandCalls(StartAutomationExecutionCommand)[0]?.args[0].input.Parameters?.ApplyImmediately).toEqual(['false']);
    expect(rds.commandCalls(ModifyDBInstanceCommand).map((call) => call.args[0].input)).toEqual([
      { DBInstanceIdentifier: id, DeletionProtection: false, ApplyImmediately: false },
    ]);
  });
});
