import type { TraceEvent, TraceStep } from '../../workflows/local/trace.js';

/** Metadata of one Step Functions log event (id, type, timestamps, execution ARN, previous id). */
const EVENT_OVERHEAD_BYTES = 250;

/**
 * Bytes the state machine's log group ingests for one execution (level ALL, execution data
 * excluded: docs/approvals.md), estimated from the local trace. The deployed service logs more
 * events per Task state than the local engine records (Entered, Scheduled, Started, Succeeded,
 * Exited against the local Entered and Exited). Without data an event is its metadata, plus the
 * error name and cause of a failed one.
 */
export function estimateLogBytes(events: readonly TraceEvent[], steps: readonly TraceStep[]): number {
  const size = (value: unknown) => (value === undefined ? 0 : JSON.stringify(value).length);
  let bytes = 0;
  let count = events.length;
  for (const event of events) bytes += size(event.error) + size(event.cause);
  count += 3 * steps.filter((step) => step.type === 'Task').length;
  return bytes + count * EVENT_OVERHEAD_BYTES;
}
