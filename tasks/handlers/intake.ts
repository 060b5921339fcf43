import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
// zod/mini: intake parses one envelope; the classic API would be a third of its bundle (docs/decisions/014).
import * as z from 'zod/mini';
import { adminClient } from '../aws/clientFactory.js';
import { CUSTOM_ACTION, Source } from '../domain/constants.js';
import { ocsfIdentityOf } from '../domain/ocsfIdentity.js';
import { logger } from '../observability.js';
import { TaskEnv } from '../taskConfig.js';

/**
 * An EventBridge event from Security Hub, as delivered through the intake queue: `Security Hub
 * Findings - Imported` and `- Custom Action` (Security Hub CSPM, ASFF) or `Findings Imported V2`
 * (Security Hub, one OCSF finding per event).
 */
const SecurityHubEventSchema = z.looseObject({
  'detail-type': z.string(),
  detail: z.looseObject({ findings: z.array(z.unknown()) }),
});

/**
 * The identity of one finding version: ASFF `Id` + `UpdatedAt`; OCSF `finding_info.uid`, product,
 * account and `finding_info.modified_time_dt` (Security Hub's write-backs change neither time, so
 * Rectify's own update comes back through intake under the same name). Undefined when the value
 * is neither.
 */
function findingVersionOf(finding: unknown): { identity: string; control?: string } | undefined {
  const f = (finding ?? {}) as { Id?: unknown; UpdatedAt?: unknown; Compliance?: { SecurityControlId?: unknown } };
  if (typeof f.Id === 'string' && typeof f.UpdatedAt === 'string') {
    const control = f.Compliance?.SecurityControlId;
    return { identity: `${f.Id}|${f.UpdatedAt}`, ...(typeof control === 'string' ? { control } : {}) };
  }
  const o = ocsfIdentityOf(finding);
  if (o.findingInfoUid && o.productUid && o.accountUid && o.modified) {
    return { identity: `${o.findingInfoUid}|${o.productUid}|${o.accountUid}|${o.modified}`, ...(o.control ? { control: o.control } : {}) };
  }
  return undefined;
}

/**
 * Execution name for a finding: the same finding version always gets the same name, so a
 * duplicate delivery becomes a no-op in Step Functions (a Standard workflow is idempotent on
 * name + input). A readable prefix helps in the console; the hash keeps it unique and within the
 * 80-character limit. The same failure reported by both hubs gets two names (two findings); the
 * per-resource lock and the write-back make it one change (docs/decisions/020).
 */
export function executionNameFor(finding: unknown, source: string): string {
  const version = findingVersionOf(finding);
  const identity = version?.identity ?? JSON.stringify(finding);
  const hash = createHash('sha256').update(`${identity}|${source}`).digest('hex').slice(0, 40);
  const asffControl = (finding as { Compliance?: { SecurityControlId?: unknown } } | null)?.Compliance?.SecurityControlId;
  const prefix = (version?.control ?? (typeof asffControl === 'string' ? asffControl : 'finding')).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 20);
  return `${prefix}-${source === Source.MANUAL ? 'm' : 'a'}-${hash}`;
}

/**
 * Largest execution input the intake starts as is, in UTF-8 bytes. Step Functions takes 262,144
 * bytes of input, and every state's data has the same limit (exceeding it fails the execution with
 * an uncatchable `States.DataLimitExceeded`): 12 KB stay free for the execution reference the first
 * task's payload adds and the error a Catch adds.
 */
export const MAX_EXECUTION_INPUT_BYTES = 250_000;

/**
 * The execution input for a finding. A finding too big for Step Functions (ASFF allows 240 KB, an
 * unreadable event may be anything) is not dropped: the execution gets its identity and its size
 * instead, and ValidateFinding records it as INVALID.
 */
export function executionInputFor(finding: unknown, source: string): string {
  const input = JSON.stringify({ finding, source });
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes <= MAX_EXECUTION_INPUT_BYTES) return input;
  const f = (finding ?? {}) as Record<string, unknown>;
  const o = ocsfIdentityOf(finding);
  const cut = (value: string | undefined) => value?.slice(0, 512);
  // OCSF: its identity in its own shape, so the record names it; ASFF: the identity keys.
  const identity = o.findingInfoUid
    ? { finding_info: { uid: cut(o.findingInfoUid), modified_time_dt: cut(o.modified) }, metadata: { product: { uid: cut(o.productUid) } }, cloud: { account: { uid: cut(o.accountUid) } } }
    : Object.fromEntries(
        (['Id', 'UpdatedAt', 'AwsAccountId', 'ProductArn'] as const).flatMap((key) => (typeof f[key] === 'string' ? [[key, (f[key] as string).slice(0, 512)]] : [])),
      );
  return JSON.stringify({ finding: identity, source, oversizedBytes: bytes });
}

/** Split events into findings and start one execution each. */
export async function startExecutions(
  stateMachineArn: string,
  event: unknown,
): Promise<{ started: string[]; duplicates: string[] }> {
  const parsed = SecurityHubEventSchema.safeParse(event);
  // An event we cannot read is still not dropped: it becomes one execution that records it as INVALID.
  const findings = parsed.success ? parsed.data.detail.findings : [event];
  const source =
    parsed.success && parsed.data['detail-type'] === 'Security Hub Findings - Custom Action' ? Source.MANUAL : Source.AUTOMATIC;
  const client = adminClient(SFNClient);
  const started: string[] = [];
  const duplicates: string[] = [];
  for (const finding of findings) {
    const name = executionNameFor(finding, source);
    try {
      await client.send(new StartExecutionCommand({ stateMachineArn, name, input: executionInputFor(finding, source) }));
      started.push(name);
    } catch (error) {
      // Same name with different input: the same finding version was already taken in.
      if (error instanceof ExecutionAlreadyExists || (error as Error).name === 'ExecutionAlreadyExists') {
        duplicates.push(name);
        continue;
      }
      throw error;
    }
  }
  return { started, duplicates };
}

/**
 * Intake: SQS batch of EventBridge events (imported findings and the `Rectify: remediate`
 * custom action). A message that fails is reported back alone, so SQS retries it and then
 * moves it to the dead-letter queue: no finding is lost.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const stateMachineArn = process.env[TaskEnv.stateMachineArn];
  if (!stateMachineArn) throw new Error(`${TaskEnv.stateMachineArn} is not set`);
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        body = { unparseableMessage: record.body };
      }
      const result = await startExecutions(stateMachineArn, body);
      logger.info('findings taken in', { messageId: record.messageId, ...result, customAction: CUSTOM_ACTION.name });
    } catch (error) {
      logger.error('could not start executions; message will be retried', { messageId: record.messageId, error: error as Error });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
