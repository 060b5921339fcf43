import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableDynamoDbDeletionProtection as playbook } from '../../../tasks/playbooks/dynamodb/enableDeletionProtection.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const tableArn = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;

describe('enableDynamoDbDeletionProtection (DynamoDB.6) against moto', () => {
  const aws = useMoto();
  const dynamodb = () => aws.clients().client(DynamoDBClient);

  async function table(deletionProtection = false): Promise<string> {
    const TableName = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await dynamodb().send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        DeletionProtectionEnabled: deletionProtection,
      }),
    );
    return TableName;
  }
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsDynamoDbTable', resourceId: tableArn(name), controlId: 'DynamoDB.6' }), aws.clients());
  const tableOf = async (TableName: string): Promise<TableDescription> => (await dynamodb().send(new DescribeTableCommand({ TableName }))).Table!;
  const otherSettings = async (name: string) => {
    const { DeletionProtectionEnabled: _changed, ...rest } = await tableOf(name);
    return rest;
  };

  it('enables deletion protection, so DeleteTable fails, and leaves the rest of the table and its neighbour alone', async () => {
    // Prepare
    const name = await table();
    const neighbour = await table();
    const ctx = contextFor(name);
    const before = await otherSettings(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ deletionProtectionEnabled: false });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Enable deletion protection on DynamoDB table ${tableArn(name)}: deleting the table will fail until protection is turned off; ` +
        'reads, writes, capacity, indexes and streams are unaffected',
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Deletion protection of DynamoDB table ${name} is enabled` });
    await expect(dynamodb().send(new DeleteTableCommand({ TableName: name }))).rejects.toThrow(/DeletionProtectionEnabled/);
    expect(await otherSettings(name)).toEqual(before);
    expect((await tableOf(neighbour)).DeletionProtectionEnabled).toBe(false);
  });

  it('answers non-compliant for an unprotected table, and again when protection is turned off after the fix', async () => {
    // Prepare
    const name = await table();
    const ctx = contextFor(name);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await dynamodb().send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Deletion protection of DynamoDB table ${name} is disabled` });
    expect(putBack.compliant).toBe(false);
  });

  it('rolls back to unprotected, and a second rollback changes nothing', async () => {
    // Prepare
    const name = await table();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await tableOf(name)).DeletionProtectionEnabled).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await table();
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await tableOf(name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await tableOf(name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a protected table, and its rollback leaves protection on', async () => {
    // Prepare
    const name = await table(true);
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await tableOf(name)).DeletionProtectionEnabled).toBe(true);
  });

  it('fails the snapshot of a table that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-table'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
