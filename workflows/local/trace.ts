/** One event of a local execution, as the trace viewer and `--json` show it. */
export interface TraceEvent {
  readonly type: string;
  readonly at: string;
  readonly state?: string;
  readonly stateType?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: unknown;
  readonly retryAttempt?: number;
}

/** Per-state summary: what the console shows when you click a state. */
export interface TraceStep {
  readonly state: string;
  readonly type: string;
  readonly enteredAt: string;
  readonly exitedAt?: string;
  readonly durationMs?: number;
  readonly retries: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { error: string; cause: unknown };
}

/** Fold raw events into one step per state entry, in order. */
export function summariseTrace(events: readonly TraceEvent[]): TraceStep[] {
  const steps: (TraceStep & { retries: number })[] = [];
  const open = new Map<string, number>();
  for (const event of events) {
    if (!event.state) continue;
    if (event.type === 'StateEntered') {
      open.set(event.state, steps.length);
      steps.push({ state: event.state, type: event.stateType ?? '', enteredAt: event.at, retries: 0, input: event.input });
      continue;
    }
    const index = open.get(event.state);
    if (index === undefined) continue;
    const step = steps[index]!;
    if (event.type === 'StateRetried') steps[index] = { ...step, retries: step.retries + 1 };
    if (event.type === 'StateFailed') {
      steps[index] = { ...steps[index]!, error: { error: event.error ?? 'Error', cause: event.cause } };
    }
    if (event.type === 'StateExited' || event.type === 'StateCaught' || (event.type === 'StateFailed' && !events.some((e) => e.type === 'StateRetried' && e.state === event.state && e.at >= event.at))) {
      const current = steps[index]!;
      steps[index] = {
        ...current,
        exitedAt: event.at,
        durationMs: Date.parse(event.at) - Date.parse(current.enteredAt),
        ...(event.type === 'StateExited' ? { output: event.output } : {}),
      };
    }
  }
  return steps;
}
