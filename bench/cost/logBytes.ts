import type { TraceEvent, TraceStep } from '../../workflows/local/trace.js';

/** Metadata of one Step Functions log event (id, type, timestamps, execution ARN, previous id). */
const EVENT_OVERHEAD_BYTES = 250;

/**
 * Bytes the state machine's log group ingests for one execution (level ALL, execution data
 * included), estimated from the local trace. The deployed service logs more events per Task
 * state than the local engine records (Entered, Scheduled, Started, Succeeded, Exited against
 * the local Entered and Exited): Scheduled carries the payload, which is the state's input.
 */
export function estimateLogBytes(events: readonly TraceEvent[], steps: readonly TraceStep[]): number {
  const size = (value: unknown) => (value === undefined ? 0 : JSON.stringify(value).length);
  let bytes = 0;
  let count = 0;
  for (const event of events) {
    bytes += size(event);
    count++;
  }
  for (const step of steps) {
    if (step.type !== 'Task') continue;
    bytes += size(step.input);
    count += 3;
  }
  return bytes + count * EVENT_OVERHEAD_BYTES;
}
