import path from 'node:path';
import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  StopDBInstanceCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { disableInstancePublicAccess as playbook } from '../../../tasks/playbooks/rds/disableInstancePublicAccess.js';
import { checkExpectations, loadScenario, runScenario } from '../../../workflows/local/scenario.js';
import { recordCalls } from '../../../workflows/local/sdkFaults.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const instanceArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:db:${id}`;

describe('disableInstancePublicAccess (RDS.2) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);

  async function instance(publiclyAccessible: boolean): Promise<string> {
    const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'orders_admin',
        MasterUserPassword: 'not-a-real-password',
        PubliclyAccessible: publiclyAccessible,
        DeletionProtection: true,
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    return id;
  }

  function contextFor(id: string) {
    const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.2' });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  /** The instance as RDS describes it, without the restore clock that moves on every read. */
  async function instanceOf(id: string): Promise<DBInstance> {
    const { LatestRestorableTime: _ticking, ...instance } = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    return instance;
  }

  /** Everything about the instance that turning off public access must not touch. */
  async function allButPublicAccess(id: string) {
    const { PubliclyAccessible: _changed, ...rest } = await instanceOf(id);
    const { TagList } = await rds().send(new ListTagsForResourceCommand({ ResourceName: instanceArn(id) }));
    return { ...rest, TagList };
  }

  it('turns off public access and leaves the rest of the instance alone', async () => {
    // Prepare
    const id = await instance(true);
    const ctx = contextFor(id);
    const before = await allButPublicAccess(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ publiclyAccessible: true });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Turn off PubliclyAccessible on RDS DB instance ${instanceArn(id)} (RDS applies it at once): its endpoint will resolve ` +
        'to private addresses only, so clients connecting over the internet lose access; clients inside the VPC are unaffected',
    ]);
    expect(plan.impact).toEqual({
      level: 'disruptive',
      why: `RDS DB instance ${id} is publicly accessible: clients that reach it from the internet lose access at once, and Rectify cannot see whether any do`,
    });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await instanceOf(id)).PubliclyAccessible).toBe(false);
    expect(await allButPublicAccess(id)).toEqual(before);
  });

  it('answers non-compliant for a publicly accessible instance, and again when it is made public after the fix', async () => {
    // Prepare
    const id = await instance(true);
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, PubliclyAccessible: true }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `RDS DB instance ${id} is still publicly accessible` });
    expect(putBack).toMatchObject({ compliant: false });
  });

  it('rolls back to publicly accessible', async () => {
    // Prepare
    const id = await instance(true);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
    expect((await instanceOf(id)).PubliclyAccessible).toBe(true);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await instance(true);
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await instanceOf(id);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await instanceOf(id)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a private instance, and its rollback keeps it private', async () => {
    // Prepare
    const id = await instance(false);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await instanceOf(id)).PubliclyAccessible).toBe(false);
  });

  it('refuses a stopped instance, which RDS cannot modify, and changes nothing', async () => {
    // Prepare
    const id = await instance(true);
    await rds().send(new StopDBInstanceCommand({ DBInstanceIdentifier: id }));
    const ctx = contextFor(id);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(`Cannot turn off public access of RDS DB instance ${instanceArn(id)}`);
    await expect(planning).rejects.toThrow(/its status is stopped/);
    expect((await instanceOf(id)).PubliclyAccessible).toBe(true);
  });

  it('through the workflow: waits for a person, and changes only PubliclyAccessible with ApplyImmediately false', async () => {
    // Prepare
    await aws.moto.reset();
    const scenario = loadScenario(path.join(import.meta.dirname, 'disableInstancePublicAccess.pendingModifications.scenario.json'));
    const recording = recordCalls();
    // Act
    let result;
    try {
      result = await runScenario(scenario, { endpoint: aws.endpoint });
    } finally {
      recording.stop();
    }
    // Assess
    expect(checkExpectations(scenario, result)).toEqual([]);
    expect(result.path).toContain('AwaitApproval');
    // Every RDS call that changes something, but for the scenario's own CreateDBInstance.
    const rdsChanges = recording.calls.filter((call) => call.service === 'RDS' && !/^(Describe|List|CreateDBInstance$)/.test(call.command));
    expect(rdsChanges.map((call) => [call.command, call.input])).toEqual([
      ['ModifyDBInstance', { DBInstanceIdentifier: 'orders-pending', PubliclyAccessible: false, ApplyImmediately: false }],
    ]);
  }, 120_000);
});

/** moto applies every ModifyDBInstance at once and reports no PendingModifiedValues, so RDS is stubbed here to answer as it does for such an instance. */
describe('disableInstancePublicAccess with modifications pending on the instance', () => {
  const id = 'orders-resized';
  function stubbed() {
    const client = new RDSClient({ region: 'us-east-1' });
    const rds = mockClient(client);
    const described: DBInstance = {
      DBInstanceIdentifier: id,
      DBInstanceStatus: 'available',
      PubliclyAccessible: true,
      DBInstanceClass: 'db.t3.micro',
      PendingModifiedValues: { DBInstanceClass: 'db.r6g.large', AllocatedStorage: 100, MasterUserPassword: '****', PendingCloudwatchLogsExports: {} },
    };
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [described] });
    rds.on(ModifyDBInstanceCommand).callsFake((input: { PubliclyAccessible?: boolean }) => {
      described.PubliclyAccessible = input.PubliclyAccessible;
      return { DBInstance: described };
    });
    const clients: AwsClients = { account: '123456789012', region: 'us-east-1', client: <C>() => client as unknown as C };
    const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.2' });
    return { rds, ctx: createPlaybookContext(playbook, request, clients) };
  }

  it('names them in the plan, says they stay pending, and never sends ApplyImmediately true', async () => {
    // Prepare
    const { rds, ctx } = stubbed();
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes[0]?.description).toMatch(
      /\. 3 modification\(s\) are pending on the instance \(AllocatedStorage 100; DBInstanceClass db\.r6g\.large; MasterUserPassword\): Rectify sends ApplyImmediately false, so they stay pending until its maintenance window or until someone applies them$/,
    );
    expect(plan.changes[0]?.description).not.toContain('****');
    expect(rds.commandCalls(ModifyDBInstanceCommand).map((call) => call.args[0].input)).toEqual([
      { DBInstanceIdentifier: id, PubliclyAccessible: false, ApplyImmediately: false },
      { DBInstanceIdentifier: id, PubliclyAccessible: true, ApplyImmediately: false },
    ]);
  });
});
