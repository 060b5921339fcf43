import * as z from 'zod/mini';
import '../zodMessages.js';
import { ErrorName } from '../domain/constants.js';
import { RectifyError } from '../domain/errors.js';
import { logger } from '../observability.js';

/** What every workflow Task sends its function: the execution's identity and its state. */
export const ExecutionRefSchema = z.object({
  id: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  /** When the execution started (ISO 8601), for time-to-remediate. */
  startTime: z.optional(z.string()),
});
export type ExecutionRef = z.infer<typeof ExecutionRefSchema>;

/** Seconds since the execution started, when the start time is known (Escalate's and RecordOutcome's metrics). */
export function secondsSince(startTime: string | undefined, now: Date): number | undefined {
  const start = startTime ? Date.parse(startTime) : Number.NaN;
  return Number.isNaN(start) ? undefined : Math.max(0, Math.round((now.getTime() - start) / 100) / 10);
}

/**
 * Wrap a task body: parse the event with its schema at the edge (a parse failure is a
 * typed error naming the task), tag every log line with the execution name, and log
 * failures once before Step Functions sees them.
 */
export function defineTask<S extends z.core.$ZodType, R>(
  task: string,
  schema: S,
  body: (event: z.infer<S>) => Promise<R>,
): (event: unknown) => Promise<R> {
  return async (event: unknown): Promise<R> => {
    // The functional form takes a classic schema (the playbook-running tasks') or a zod/mini one alike.
    const parsed = z.safeParse(schema, event);
    if (!parsed.success) {
      const error = new Error(`${task}: unexpected input: ${z.prettifyError(parsed.error)}`);
      error.name = 'TaskInputInvalid';
      logger.error('task input rejected', { task, error });
      throw error;
    }
    const executionName = (parsed.data as { execution?: ExecutionRef }).execution?.name;
    // The execution log carries no data (the task token would be in it: docs/approvals.md), so each
    // task line names the resource, for the "what changed on resource X" query.
    const resourceId = (parsed.data as { state?: { request?: { resource?: { id?: string } } } }).state?.request?.resource?.id;
    logger.appendKeys({ task, ...(executionName ? { correlationId: executionName } : {}), ...(resourceId ? { resourceId } : {}) });
    try {
      const result = await body(parsed.data);
      logger.info('task completed');
      return result;
    } catch (error) {
      logger.warn('task failed', { error: error as Error });
      throw asThrottled(error) ?? error;
    } finally {
      logger.removeKeys(['task', 'correlationId', 'resourceId']);
    }
  };
}

/**
 * AWS throttling, wherever it happened (possibly wrapped as a cause), becomes one error name,
 * `Throttled`, which every Task retries with backoff and jitter. Playbooks are idempotent and
 * the first snapshot wins, so re-running a throttled step is safe.
 */
export function asThrottled(error: unknown): RectifyError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isThrottling(e)) {
      return new RectifyError(ErrorName.Throttled, `${e.name}: ${e.message}`, { cause: error });
    }
  }
  return undefined;
}

// The codes the AWS SDK itself classifies as throttling (@smithy/service-error-classification,
// which the v3 clients bundle privately at this version, so we cannot import it).
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
  'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException',
  'TransactionInProgressException',
]);

function isThrottling(error: Error): boolean {
  const e = error as Error & { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return e.$retryable?.throttling === true || THROTTLING_CODES.has(e.name) || e.$metadata?.httpStatusCode === 429;
}
