import { Outcome } from '../domain/constants.js';
import { listExemptions } from '../store/exemptions.js';
import { itemsOfKind } from '../store/table.js';
import { percentile } from './percentile.js';
import { executionRows, trendsOf, type AuditEvent, type ExecutionRow, type Trends } from './trends.js';

export { percentile };

/** One recorded outcome or decision, as the byKind index returns it. */
type Event = AuditEvent & { readonly outcome?: Outcome };

const FAILED: readonly string[] = [Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED];

export interface Distribution {
  readonly count: number;
  readonly median?: number;
  readonly p90?: number;
  readonly values: number[];
}

/** What `rectify report` shows: how well the automation works (SEC04-BP04: review the logs to judge effectiveness). */
export interface EffectivenessReport {
  readonly since: string;
  readonly generatedAt: string;
  readonly executions: number;
  readonly byOutcome: Record<string, number>;
  readonly byControl: Record<string, Record<string, number>>;
  /** Verified fixes among attempted changes (fixed + failed). */
  readonly successRate?: number;
  /** Failed changes (rolled back or not) among attempted changes. */
  readonly rollbackRate?: number;
  readonly timeToRemediateSeconds: Distribution;
  readonly approvalLatencySeconds: Distribution;
  readonly topFailingControls: { controlId: string; failures: number }[];
  readonly exemptionsExpiringSoon: { scope: string; expiresOn: string; requestedBy: string; reason: string }[];
  /** Every execution in the period, newest first: what, where, outcome, approver, duration. */
  readonly runs: ExecutionRow[];
  /** The series of the trend charts. */
  readonly trends: Trends;
}

function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const p90 = percentile(sorted, 90);
  return { count: sorted.length, values: sorted, ...(median !== undefined ? { median } : {}), ...(p90 !== undefined ? { p90 } : {}) };
}

function eventsOfKind(tableName: string, kind: string, since: string): Promise<Event[]> {
  return itemsOfKind<Event>(tableName, kind, since);
}

/** Pure: the report from recorded events and register entries. */
export function summarise(
  outcomes: readonly Event[],
  approvals: readonly Event[],
  exemptions: readonly { scope: string; expiresOn: string; requestedBy: string; reason: string }[],
  since: string,
  now: Date,
): EffectivenessReport {
  // One outcome per execution: the last one recorded wins (a died execution may add a record later).
  const last = new Map<string, Event>();
  for (const event of [...outcomes].sort((a, b) => a.at.localeCompare(b.at))) {
    // An execution that died before recording an outcome counts as DIED, unless it recorded one.
    if (event.outcome) last.set(event.executionName, event);
    else if (event.event === 'EXECUTION_DIED' && !last.has(event.executionName)) last.set(event.executionName, { ...event, outcome: 'DIED' as Outcome });
  }
  const finals = [...last.values()];
  const byOutcome: Record<string, number> = {};
  const byControl: Record<string, Record<string, number>> = {};
  for (const e of finals) {
    byOutcome[e.outcome!] = (byOutcome[e.outcome!] ?? 0) + 1;
    const control = (byControl[e.controlId ?? 'unknown'] ??= {});
    control[e.outcome!] = (control[e.outcome!] ?? 0) + 1;
  }
  const fixed = byOutcome[Outcome.REMEDIATED] ?? 0;
  const failed = FAILED.reduce((n, o) => n + (byOutcome[o] ?? 0), 0);
  const attempts = fixed + failed;
  const today = now.toISOString().slice(0, 10);
  const horizon = new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
  const runs = executionRows(finals, approvals);
  return {
    since,
    generatedAt: now.toISOString(),
    executions: finals.length,
    byOutcome,
    byControl,
    ...(attempts > 0 ? { successRate: fixed / attempts, rollbackRate: failed / attempts } : {}),
    timeToRemediateSeconds: distribution(finals.filter((e) => e.outcome === Outcome.REMEDIATED && e.detail?.durationSeconds !== undefined).map((e) => e.detail!.durationSeconds!)),
    approvalLatencySeconds: distribution(approvals.filter((e) => e.detail?.latencySeconds !== undefined).map((e) => e.detail!.latencySeconds!)),
    topFailingControls: Object.entries(byControl)
      .map(([controlId, counts]) => ({ controlId, failures: FAILED.reduce((n, o) => n + (counts[o] ?? 0), 0) }))
      .filter((c) => c.failures > 0)
      .sort((a, b) => b.failures - a.failures || a.controlId.localeCompare(b.controlId))
      .slice(0, 5),
    exemptionsExpiringSoon: exemptions
      .filter((e) => e.expiresOn >= today && e.expiresOn <= horizon)
      .map(({ scope, expiresOn, requestedBy, reason }) => ({ scope, expiresOn, requestedBy, reason }))
      .sort((a, b) => a.expiresOn.localeCompare(b.expiresOn)),
    runs,
    trends: trendsOf(runs, approvals, exemptions, now),
  };
}

/** Read the audit trail since a time and summarise it. */
export async function buildReport(tableName: string, since: Date, now = new Date()): Promise<EffectivenessReport> {
  const iso = since.toISOString();
  const [outcomes, approvals, exemptions] = await Promise.all([
    eventsOfKind(tableName, 'OUTCOME', iso),
    eventsOfKind(tableName, 'APPROVAL', iso),
    listExemptions(tableName),
  ]);
  return summarise(outcomes, approvals, exemptions, iso, now);
}
