import { DescribeTableCommand, DynamoDBClient, UpdateTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

type DeletionProtectionSnapshot = { deletionProtectionEnabled: boolean };

async function describeTable(ctx: PlaybookContext<unknown>): Promise<TableDescription> {
  const { Table } = await ctx.aws.client(DynamoDBClient).send(new DescribeTableCommand({ TableName: ctx.resource.name }));
  if (!Table) throw new Error(`DynamoDB table ${ctx.resource.id} was not found (finding ${ctx.request.findingId})`);
  return Table;
}

const protectedNow = async (ctx: PlaybookContext<unknown>) => (await describeTable(ctx)).DeletionProtectionEnabled ?? false;

async function setProtection(ctx: PlaybookContext<unknown>, enabled: boolean): Promise<void> {
  await ctx.aws.client(DynamoDBClient).send(new UpdateTableCommand({ TableName: ctx.resource.name, DeletionProtectionEnabled: enabled }));
}

/**
 * Enables deletion protection on a DynamoDB table: DeleteTable then fails until it is turned off.
 * Reads, writes, capacity, indexes, streams and backups are untouched, hence `non-disruptive` (a
 * pipeline that deletes the table on purpose will have to turn it off first).
 *
 * - Control: DynamoDB.6, https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-6
 * - Config rule: dynamodb-table-deletion-protection-enabled, https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-table-deletion-protection-enabled.html
 *   (NON_COMPLIANT when the table's deletion protection is disabled): `verify` reads exactly
 *   `DeletionProtectionEnabled`.
 *
 * UpdateTable sends only `DeletionProtectionEnabled`. DynamoDB accepts UpdateTable only on an
 * ACTIVE table, so any other status is refused in the plan, before anything changes.
 */
export const enableDynamoDbDeletionProtection = definePlaybook<DeletionProtectionSnapshot, { description: string }>({
  id: 'dynamodb-enable-deletion-protection',
  title: 'Enable deletion protection on a DynamoDB table',
  controls: ['DynamoDB.6'],
  resourceType: 'AwsDynamoDbTable',
  impact: 'non-disruptive',
  permissions: ['dynamodb:DescribeTable', 'dynamodb:UpdateTable'],

  snapshot: async (ctx) => ({ deletionProtectionEnabled: await protectedNow(ctx) }),

  async plan(ctx, current) {
    if (current.deletionProtectionEnabled) return { summary: `DynamoDB table ${ctx.resource.name} already has deletion protection`, changes: [] };
    const status = (await describeTable(ctx)).TableStatus ?? 'unknown';
    if (status !== 'ACTIVE') {
      throw new RemediationFailedError(
        `Cannot enable deletion protection on DynamoDB table ${ctx.resource.id} (finding ${ctx.request.findingId}): its status is ${status}; ` +
          'DynamoDB accepts UpdateTable only on an ACTIVE table, so retry when it is. Rectify changed nothing.',
      );
    }
    return {
      summary: `Enable deletion protection on DynamoDB table ${ctx.resource.name}`,
      changes: [
        {
          description:
            `Enable deletion protection on DynamoDB table ${ctx.resource.id}: deleting the table will fail until protection is turned off; ` +
            'reads, writes, capacity, indexes and streams are unaffected',
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await protectedNow(ctx))) await setProtection(ctx, true);
  },

  async verify(ctx) {
    const enabled = await protectedNow(ctx);
    return { compliant: enabled, detail: `Deletion protection of DynamoDB table ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.deletionProtectionEnabled && (await protectedNow(ctx))) await setProtection(ctx, false);
  },
});
