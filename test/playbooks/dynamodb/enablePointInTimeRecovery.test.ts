import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enablePointInTimeRecovery as playbook } from '../../../tasks/playbooks/dynamodb/enablePointInTimeRecovery.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const tableArn = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;

describe('enablePointInTimeRecovery (DynamoDB.2) against moto', () => {
  const aws = useMoto();
  const dynamodb = () => aws.clients().client(DynamoDBClient);

  async function table(recoveryPeriodInDays?: number): Promise<string> {
    const TableName = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await dynamodb().send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    if (recoveryPeriodInDays) {
      await dynamodb().send(
        new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: recoveryPeriodInDays } }),
      );
    }
    return TableName;
  }

  function contextFor(name: string, settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsDynamoDbTable', resourceId: tableArn(name), controlId: 'DynamoDB.2' });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

  async function recoveryOf(TableName: string) {
    const { ContinuousBackupsDescription } = await dynamodb().send(new DescribeContinuousBackupsCommand({ TableName }));
    const { PointInTimeRecoveryStatus, RecoveryPeriodInDays } = ContinuousBackupsDescription!.PointInTimeRecoveryDescription!;
    return { PointInTimeRecoveryStatus, RecoveryPeriodInDays };
  }
  const tableOf = async (TableName: string): Promise<TableDescription> =>
    (await dynamodb().send(new DescribeTableCommand({ TableName }))).Table!;

  it('turns on point-in-time recovery and leaves the rest of the table alone', async () => {
    // Prepare
    const name = await table();
    const neighbour = await table();
    await dynamodb().send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'order#42' } } }));
    const ctx = contextFor(name, { recoveryPeriodInDays: 14 });
    const tableBefore = await tableOf(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ pointInTimeRecoveryEnabled: false });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Turn on point-in-time recovery for DynamoDB table ${tableArn(name)} with a 14-day recovery window: ` +
        'reads and writes are unaffected; continuous backups are billed by table size',
    ]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(plan.summary).toContain(`Turn on point-in-time recovery for DynamoDB table ${name} (non-disruptive: `);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await recoveryOf(name)).toEqual({ PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: 14 });
    expect(await tableOf(name)).toEqual(tableBefore);
    expect(await recoveryOf(neighbour)).toEqual({ PointInTimeRecoveryStatus: 'DISABLED', RecoveryPeriodInDays: undefined });
  });

  it('rolls back to recovery off', async () => {
    // Prepare
    const name = await table();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
    expect((await recoveryOf(name)).PointInTimeRecoveryStatus).toBe('DISABLED');
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify answers non-compliant for a table without recovery, and again after recovery is turned off', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const name = await table();
    const ctx = contextFor(name);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await dynamodb().send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Point-in-time recovery of DynamoDB table ${name} is disabled` });
    expect(fixed.compliant).toBe(true);
    expect(putBack.compliant).toBe(false);
  });

  it('verify passes a table with the shortest recovery window: DynamoDB.2 does not check the window', async () => {
    // Prepare
    const name = await table(1);
    // Act
    const result = await playbook.verify(contextFor(name));
    // Assess
    expect(result).toEqual({ compliant: true, detail: `Point-in-time recovery of DynamoDB table ${name} is enabled` });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await table();
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await recoveryOf(name);
    // Act: even with a shorter window configured since, the second run leaves the table alone
    await playbook.apply(contextFor(name, { recoveryPeriodInDays: 1 }), plan);
    // Assess
    expect(afterFirst).toEqual({ PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: 35 });
    expect(await recoveryOf(name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a table that has recovery on, keeps its own window, and its rollback leaves recovery on', async () => {
    // Prepare
    const name = await table(7);
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await recoveryOf(name)).toEqual({ PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: 7 });
  });

  it('rejects a recovery window DynamoDB would refuse before touching anything', () => {
    // Act
    const creating = () => contextFor('orders', { recoveryPeriodInDays: 36 });
    // Assess
    expect(creating).toThrow(/settings for playbook dynamodb-enable-point-in-time-recovery are refused/);
  });
});
