import { CreateDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableInstanceIamAuthentication as playbook } from '../../../tasks/playbooks/rds/enableInstanceIamAuthentication.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const instanceArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:db:${id}`;

describe('enableInstanceIamAuthentication (RDS.10) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);

  async function instance(iamDatabaseAuthenticationEnabled: boolean, Engine = 'postgres'): Promise<string> {
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
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, EnableIAMDatabaseAuthentication: iamDatabaseAuthenticationEnabled }));
    return id;
  }
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.10' }), aws.clients());
  /** The instance as RDS describes it, less the clock moto moves on every read. */
  const describeInstance = async (id: string): Promise<DBInstance> => {
    const { LatestRestorableTime: _clock, ...instance } = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    return instance;
  };
  /** The instance as RDS describes it, without the field the playbook changes. */
  const otherSettings = async (id: string) => {
    const { IAMDatabaseAuthenticationEnabled: _changed, ...rest } = await describeInstance(id);
    return rest;
  };

  it('turns on IAM database authentication and leaves the rest of the instance and its neighbour alone', async () => {
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
    expect(snapshot).toEqual({ iamDatabaseAuthenticationEnabled: false });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.description).toMatch(new RegExp(`^Turn on IAM database authentication for RDS DB instance ${instanceArn(id)} \\(postgres\\), applied now with ApplyImmediately \\(nothing else is pending on the instance\\): password logins keep working`));
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `IAM database authentication of RDS DB instance ${id} is enabled` });
    expect((await describeInstance(id)).IAMDatabaseAuthenticationEnabled).toBe(true);
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeInstance(neighbour)).IAMDatabaseAuthenticationEnabled).toBe(false);
  });

  it('answers non-compliant for the instance as the finding found it, and again when the setting is turned off after the fix', async () => {
    // Prepare
    const id = await instance(false);
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, EnableIAMDatabaseAuthentication: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `IAM database authentication of RDS DB instance ${id} is disabled` });
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
    expect((await describeInstance(id)).IAMDatabaseAuthenticationEnabled).toBe(false);
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
    expect((await describeInstance(id)).IAMDatabaseAuthenticationEnabled).toBe(true);
  });

  it('fails the snapshot of an instance that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-instance'));
    // Assess
    await expect(reading).rejects.toThrow();
  });

  it.each(['oracle-ee', 'sqlserver-ex'])('refuses a %s instance, which cannot take IAM authentication (moto would accept it), and changes nothing', async (engine) => {
    // Prepare
    const id = await instance(false, engine);
    const ctx = contextFor(id);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(new RegExp(`its engine ${engine} does not support IAM database authentication.*Rectify changed nothing`));
    expect((await describeInstance(id)).IAMDatabaseAuthenticationEnabled).toBe(false);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });
});

/** moto applies every ModifyDBInstance at once and reports no PendingModifiedValues, so RDS is stubbed here to answer as it does for such an instance. */
describe('enableInstanceIamAuthentication with modifications pending on the instance', () => {
  it('refuses in plan and in apply, naming what is pending, and never sends ApplyImmediately true', async () => {
    // Prepare
    const client = new RDSClient({ region: 'us-east-1' });
    const rds = mockClient(client);
    const pending: DBInstance = {
      DBInstanceIdentifier: 'orders',
      DBInstanceStatus: 'available',
      Engine: 'postgres',
      IAMDatabaseAuthenticationEnabled: false,
      PendingModifiedValues: { DBInstanceClass: 'db.r6g.large' },
    };
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [pending] });
    const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn('orders'), controlId: 'RDS.10' });
    const ctx = createPlaybookContext(playbook, request, stubbedClients([client]));
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    const applying = playbook.apply(ctx, { summary: '', changes: [] });
    // Assess
    await expect(planning).rejects.toThrow(
      /1 modification\(s\) are pending on the instance \(DBInstanceClass db\.r6g\.large\); this setting must be applied at once, and RDS would apply them with it .*Rectify changed nothing\.$/,
    );
    await expect(applying).rejects.toThrow(/pending on the instance/);
    expect(rds.commandCalls(ModifyDBInstanceCommand)).toEqual([]);
  });
});
