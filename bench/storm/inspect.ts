import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../tasks/store/documentClient.js';
import type { TraceEvent } from '../../workflows/local/trace.js';

/**
 * moto answers some calls with an HTML 500 page under concurrent load (its backends are not
 * thread-safe): the benchmark's own reads retry a few times instead of aborting the storm.
 */
export async function patiently<T>(read: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** An error that came from the emulator failing, not from Rectify deciding. */
export const isEmulatorFailure = (cause: string): boolean => /<!doctype|<html|Deserialization error|Internal Server Error/i.test(cause);

/**
 * Dedupe locks still held once every execution has ended. Each execution releases its lock when
 * it records its outcome; one left behind blocks the resource + control until it expires.
 * (`GUARD#LOCK` is the lock partition of tasks/store/guardrails.ts.)
 */
export async function countHeldLocks(tableName: string): Promise<number> {
  let held = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await patiently(() =>
      ddb().send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'GUARD#LOCK' }, Select: 'COUNT', ExclusiveStartKey: start }),
      ),
    );
    held += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return held;
}

/** The error of the last Task that failed: the reason behind a generic Fail state's error. */
export function rootCause(events: readonly TraceEvent[]): string | undefined {
  const failed = events.filter((e) => e.stateType === 'Task' && e.error !== undefined).at(-1);
  if (!failed) return undefined;
  const cause = typeof failed.cause === 'string' ? failed.cause : JSON.stringify(failed.cause);
  return `${failed.state}: ${failed.error}: ${cause}`;
}

