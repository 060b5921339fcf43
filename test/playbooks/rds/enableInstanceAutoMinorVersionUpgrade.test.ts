import { CreateDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableInstanceAutoMinorVersionUpgrade as playbook } from '../../../tasks/playbooks/rds/enableInstanceAutoMinorVersionUpgrade.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const instanceArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:db:${id}`;

describe('enableInstanceAutoMinorVersionUpgrade (RDS.13) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);

  async function instance(autoMinorVersionUpgrade: boolean, Engine = 'postgres'): Promise<string> {
    const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine,
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'orders_admin',
        MasterUserPassword: 'not-a-real-password',
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, AutoMinorVersionUpgrade: autoMinorVersionUpgrade }));
    return id;
  }
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.13' }), aws.clients());
  /** The instance as RDS describes it, less the clock moto moves on every read. */
  const describeInstance = async (id: string): Promise<DBInstance> => {
    const { LatestRestorableTime: _clock, ...instance } = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    return instance;
  };
  /** The instance as RDS describes it, without the field the playbook changes. */
  const otherSettings = async (id: string) => {
    const { AutoMinorVersionUpgrade: _changed, ...rest } = await describeInstance(id);
    return rest;
  };

  it('turns on automatic minor version upgrades, says why a person approves it, and leaves the rest of the instance and its neighbour alone', async () => {
    // Prepare
    const id = await instance(false);
    const neighbour = await instance(false);
    const ctx = contextFor(id);
    const before = await otherSettings(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ autoMinorVersionUpgrade: false });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.description).toMatch(new RegExp(`^Turn on AutoMinorVersionUpgrade for RDS DB instance ${instanceArn(id)} \\(postgres [^;]+; RDS applies the setting at once\\): nothing is upgraded now; new minor versions will be installed in its maintenance window \\([^)]*\\), restarting it$`));
    expect(plan.impact).toEqual({ level: 'disruptive', why: expect.stringMatching(/restarts the instance \(a short outage\)/) });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Automatic minor version upgrade of RDS DB instance ${id} is enabled` });
    expect((await describeInstance(id)).AutoMinorVersionUpgrade).toBe(true);
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeInstance(neighbour)).AutoMinorVersionUpgrade).toBe(false);
  });

  it('answers non-compliant for the instance as the finding found it, and again when the setting is turned off after the fix', async () => {
    // Prepare
    const id = await instance(false);
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, AutoMinorVersionUpgrade: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Automatic minor version upgrade of RDS DB instance ${id} is disabled` });
    expect(putBack.compliant).toBe(false);
  });

  it('rolls back to the setting off, and a second rollback changes nothing', async () => {
    // Prepare
    const id = await instance(false);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await describeInstance(id)).AutoMinorVersionUpgrade).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await instance(false);
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await describeInstance(id);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await describeInstance(id)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for an instance that already has it, and its rollback leaves it on', async () => {
    // Prepare
    const id = await instance(true);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await describeInstance(id)).AutoMinorVersionUpgrade).toBe(true);
  });

  it('fails the snapshot of an instance that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-instance'));
    // Assess
    await expect(reading).rejects.toThrow();
  });

  it('refuses an RDS Custom instance, which rejects the setting, and sends no change', async () => {
    // Prepare: moto cannot create RDS Custom, so RDS is stubbed to describe one
    const client = new RDSClient({ region: 'us-east-1' });
    const stub = mockClient(client);
    stub.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'orders-custom', Engine: 'custom-oracle-ee', DBInstanceStatus: 'available', AutoMinorVersionUpgrade: false }],
    });
    const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn('orders-custom'), controlId: 'RDS.13' });
    const ctx = createPlaybookContext(playbook, request, stubbedClients([client]));
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(/its engine custom-oracle-ee is RDS Custom, which rejects automatic minor version upgrades.*Rectify changed nothing/);
    expect(stub.commandCalls(ModifyDBInstanceCommand)).toEqual([]);
  });
});
