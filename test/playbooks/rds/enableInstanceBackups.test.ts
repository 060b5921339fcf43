import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand, DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableInstanceBackups as playbook } from '../../../tasks/playbooks/rds/enableInstanceBackups.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const instanceArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:db:${id}`;

describe('enableInstanceBackups (RDS.11) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);

  async function instance(backupRetentionPeriod: number): Promise<string> {
    const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'orders_admin',
        MasterUserPassword: 'not-a-real-password',
        BackupRetentionPeriod: backupRetentionPeriod,
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    return id;
  }
  function contextFor(id: string, { parameters, settings }: { parameters?: Record<string, string[]>; settings?: unknown } = {}) {
    const request = requestFor({ resourceType: 'AwsRdsDbInstance', resourceId: instanceArn(id), controlId: 'RDS.11', controlParameters: parameters });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }
  /** The instance as RDS describes it, less the clock moto moves on every read. */
  const describeInstance = async (id: string): Promise<DBInstance> => {
    const { LatestRestorableTime: _clock, ...rest } = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    return rest;
  };
  const otherSettings = async (id: string) => {
    const { BackupRetentionPeriod: _changed, ...rest } = await describeInstance(id);
    return rest;
  };

  it('turns automated backups on for 7 days, states the I/O suspension and the cost, and leaves the rest and its neighbour alone', async () => {
    // Prepare
    const id = await instance(0);
    const neighbour = await instance(0);
    const ctx = contextFor(id);
    const before = await otherSettings(id);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ backupRetentionPeriod: 0 });
    expect(plan.impact).toEqual({ level: 'disruptive', why: expect.stringMatching(/^turning automated backups on causes a brief I\/O suspension .*db\.t3\.micro here.*backup storage .* is billed$/) });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Set the automated backup retention of RDS DB instance ${instanceArn(id)} from 0 (automated backups off) to 7 days (Security Hub's default), ` +
        'applied now with ApplyImmediately (nothing else is pending on the instance): the backup window and other settings are unchanged',
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `RDS DB instance ${id} keeps automated backups 7 days; RDS.11 requires at least 7` });
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeInstance(neighbour)).BackupRetentionPeriod).toBe(0);
  });

  it("answers non-compliant for backups off, for one day, and below the finding's backupRetentionMinimum", async () => {
    // Prepare
    const off = await instance(0);
    const oneDay = await instance(1);
    const week = await instance(7);
    // Act
    const results = await Promise.all([
      playbook.verify(contextFor(off)),
      playbook.verify(contextFor(oneDay)),
      playbook.verify(contextFor(week, { parameters: { backupRetentionMinimum: ['14'] } })),
      playbook.verify(contextFor(week)),
    ]);
    // Assess
    expect(results.map((result) => result.compliant)).toEqual([false, false, false, true]);
    expect(results[2]!.detail).toBe(`RDS DB instance ${week} keeps automated backups 7 days; RDS.11 requires at least 14`);
  });

  it("lengthens a non-zero retention to the finding's minimum without an outage, and a stricter setting wins", async () => {
    // Prepare
    const byParameter = await instance(3);
    const bySetting = await instance(3);
    const parameterCtx = contextFor(byParameter, { parameters: { backupRetentionMinimum: ['14'] } });
    const settingCtx = contextFor(bySetting, { parameters: { backupRetentionMinimum: ['14'] }, settings: { retentionPeriodDays: 21 } });
    // Act
    const parameterPlan = await playbook.plan(parameterCtx, await playbook.snapshot(parameterCtx));
    await playbook.apply(parameterCtx, parameterPlan);
    const settingPlan = await playbook.plan(settingCtx, await playbook.snapshot(settingCtx));
    await playbook.apply(settingCtx, settingPlan);
    // Assess
    expect(parameterPlan.changes[0]!.description).toContain("from 3 days to 14 days (from the finding's control parameters): the backup window");
    expect(parameterPlan.impact!.why).toMatch(/RDS applies the longer retention without an outage$/);
    expect(settingPlan.changes[0]!.description).toContain("from 3 days to 21 days (from the policy's playbook settings)");
    expect((await describeInstance(byParameter)).BackupRetentionPeriod).toBe(14);
    expect((await describeInstance(bySetting)).BackupRetentionPeriod).toBe(21);
  });

  it('refuses a looser setting, an invalid or non-default parameter, and a read replica, before changing anything', async () => {
    // Prepare
    const id = await instance(1);
    const replica = `${id}-replica`;
    await rds().send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: replica, SourceDBInstanceIdentifier: id, DBInstanceClass: 'db.t3.micro' }));
    const looser = contextFor(id, { parameters: { backupRetentionMinimum: ['14'] }, settings: { retentionPeriodDays: 10 } });
    const replicaCtx = contextFor(replica);
    // Act
    const planning = await Promise.resolve(playbook.plan(looser, await playbook.snapshot(looser))).catch((error: unknown) => error);
    const replicaPlanning = await Promise.resolve(playbook.plan(replicaCtx, { backupRetentionPeriod: 0 })).catch((error: unknown) => error);
    // Assess
    expect((planning as Error).message).toMatch(/retentionPeriodDays \(10\) is less strict than the control's backupRetentionMinimum \(14/);
    expect((replicaPlanning as Error).message).toMatch(/it is a read replica of .*which RDS\.11 does not evaluate .*Rectify changed nothing/);
    expect(() => contextFor(id, { parameters: { backupRetentionMinimum: ['3'] } })).toThrow(/backupRetentionMinimum/);
    expect(() => contextFor(id, { parameters: { checkReadReplicas: ['true'] } })).toThrow(/checkReadReplicas/);
    expect((await describeInstance(id)).BackupRetentionPeriod).toBe(1);
  });

  it('rolls back to backups off, and a second rollback changes nothing', async () => {
    // Prepare
    const id = await instance(0);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(before).toEqual({ backupRetentionPeriod: 0 });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await instance(0);
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

  it('plans nothing for an instance that keeps backups longer, and never shortens it', async () => {
    // Prepare
    const id = await instance(30);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await describeInstance(id)).BackupRetentionPeriod).toBe(30);
  });

  it('fails the snapshot of an instance that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-instance'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
