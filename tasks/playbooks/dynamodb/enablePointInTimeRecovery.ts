import { DescribeContinuousBackupsCommand, DynamoDBClient, UpdateContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

const Settings = z.object({
  /**
   * Days of history to keep when turning recovery on (DynamoDB allows 1 to 35). DynamoDB.2 checks
   * only that recovery is on, not its window, so no value here can pass `verify` where Security Hub
   * fails; a shorter window costs the same (DynamoDB bills PITR by table size). @default 35
   */
  recoveryPeriodInDays: z.number().int().min(1).max(35).default(35),
});
type Settings = z.infer<typeof Settings>;

type PointInTimeRecoverySnapshot = { pointInTimeRecoveryEnabled: boolean };

async function recoveryEnabled(ctx: PlaybookContext<unknown>): Promise<boolean> {
  const { ContinuousBackupsDescription: backups } = await ctx.aws
    .client(DynamoDBClient)
    .send(new DescribeContinuousBackupsCommand({ TableName: ctx.resource.name }));
  return backups?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED';
}

async function setRecovery(ctx: PlaybookContext<Settings>, enabled: boolean): Promise<void> {
  const PointInTimeRecoverySpecification = enabled
    ? { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: ctx.settings.recoveryPeriodInDays }
    : { PointInTimeRecoveryEnabled: false };
  await ctx.aws.client(DynamoDBClient).send(new UpdateContinuousBackupsCommand({ TableName: ctx.resource.name, PointInTimeRecoverySpecification }));
}

/** Why turning recovery on disrupts nothing: stated in every plan that changes the table. */
const IMPACT = {
  level: 'non-disruptive',
  why: 'reads, writes, capacity and streams are unaffected; only continuous backups are added (billed by table size)',
} as const;

/**
 * Turns on point-in-time recovery for a DynamoDB table (DynamoDB.2,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-2; AWS Config rule
 * `dynamodb-pitr-enabled`, https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-pitr-enabled.html):
 * the rule reads `PointInTimeRecoveryStatus` and nothing else, and so does `verify`. Keeps
 * `recoveryPeriodInDays` of history. Reads and writes are unaffected; PITR is billed by table
 * size. A table that already has recovery on keeps its own recovery period; capacity, indexes,
 * streams, TTL and on-demand backups are left as they are.
 */
export const enablePointInTimeRecovery = definePlaybook<PointInTimeRecoverySnapshot, { description: string }, Settings>({
  id: 'dynamodb-enable-point-in-time-recovery',
  title: 'Turn on point-in-time recovery for a DynamoDB table',
  controls: ['DynamoDB.2'],
  resourceType: 'AwsDynamoDbTable',
  impact: IMPACT.level,
  permissions: ['dynamodb:DescribeContinuousBackups', 'dynamodb:UpdateContinuousBackups'],
  settings: Settings,

  snapshot: async (ctx) => ({ pointInTimeRecoveryEnabled: await recoveryEnabled(ctx) }),

  plan(ctx, current) {
    if (current.pointInTimeRecoveryEnabled) return { summary: `DynamoDB table ${ctx.resource.name} has point-in-time recovery`, changes: [] };
    return {
      summary: `Turn on point-in-time recovery for DynamoDB table ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Turn on point-in-time recovery for DynamoDB table ${ctx.resource.id} with a ${ctx.settings.recoveryPeriodInDays}-day ` +
            'recovery window: reads and writes are unaffected; continuous backups are billed by table size',
        },
      ],
    };
  },

  async apply(ctx) {
    // Calling it again on an enabled table could shorten a longer recovery window someone chose.
    if (!(await recoveryEnabled(ctx))) await setRecovery(ctx, true);
  },

  async verify(ctx) {
    const enabled = await recoveryEnabled(ctx);
    return { compliant: enabled, detail: `Point-in-time recovery of DynamoDB table ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.pointInTimeRecoveryEnabled && (await recoveryEnabled(ctx))) await setRecovery(ctx, false);
  },
});
