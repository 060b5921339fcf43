import { CreateDBClusterCommand, CreateDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableInstanceCopyTagsToSnapshot as playbook } from '../../../tasks/playbooks/rds/enableInstanceCopyTagsToSnapshot.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const instanceArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:db:${id}`;

describe('enableInstanceCopyTagsToSnapshot (RDS.17) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);

  async function instance(copyTagsToSnapshot: boolean, Engine = 'postgres'): Promise<string> {
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
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, CopyTagsToSnapshot: copyTagsToSnapshot }));
    return id;
  }
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.17' }), aws.clients());
  /** The instance as RDS describes it, less the clock moto moves on every read. */
  const describeInstance = async (id: string): Promise<DBInstance> => {
    const { LatestRestorableTime: _clock, ...instance } = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    return instance;
  };
  /** The instance as RDS describes it, without the field the playbook changes. */
  const otherSettings = async (id: string) => {
    const { CopyTagsToSnapshot: _changed, ...rest } = await describeInstance(id);
    return rest;
  };

  it('turns on copying tags to snapshots and leaves the rest of the instance and its neighbour alone', async () => {
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
    expect(snapshot).toEqual({ copyTagsToSnapshot: false });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.description).toMatch(new RegExp(`^Turn on CopyTagsToSnapshot for RDS DB instance ${instanceArn(id)} \\(RDS applies it at once\\): snapshots taken from now on carry the instance's tags; existing snapshots, connections and data are unaffected$`));

    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `RDS DB instance ${id} copies its tags to snapshots` });
    expect((await describeInstance(id)).CopyTagsToSnapshot).toBe(true);
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeInstance(neighbour)).CopyTagsToSnapshot).toBe(false);
  });

  it('answers non-compliant for the instance as the finding found it, and again when the setting is turned off after the fix', async () => {
    // Prepare
    const id = await instance(false);
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, CopyTagsToSnapshot: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `RDS DB instance ${id} does not copy its tags to snapshots` });
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
    expect((await describeInstance(id)).CopyTagsToSnapshot).toBe(false);
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
    expect((await describeInstance(id)).CopyTagsToSnapshot).toBe(true);
  });

  it('fails the snapshot of an instance that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-instance'));
    // Assess
    await expect(reading).rejects.toThrow();
  });

  it('refuses an instance of a DB cluster, whose snapshots take the cluster\'s setting, and changes nothing', async () => {
    // Prepare
    const clusterId = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(new CreateDBClusterCommand({ DBClusterIdentifier: clusterId, Engine: 'aurora-postgresql', MasterUsername: 'orders_admin', MasterUserPassword: 'not-a-real-password' }));
    const id = `${clusterId}-1`;
    await rds().send(new CreateDBInstanceCommand({ DBInstanceIdentifier: id, DBClusterIdentifier: clusterId, Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    const ctx = contextFor(id);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(new RegExp(`it belongs to DB cluster ${clusterId}, whose snapshots take the cluster's setting \\(RDS\\.16\\).*Rectify changed nothing`));
    expect((await describeInstance(id)).CopyTagsToSnapshot).toBe(false);
  });
});
