import { Outcome } from '../domain/constants.js';
import { percentile } from './percentile.js';

/** One recorded outcome or decision, as the byKind index returns it. */
export interface AuditEvent {
  readonly at: string;
  readonly executionName: string;
  readonly event: string;
  readonly actor?: string;
  readonly outcome?: string;
  readonly controlId?: string;
  readonly resourceId?: string;
  readonly account?: string;
  readonly region?: string;
  readonly detail?: { durationSeconds?: number; latencySeconds?: number; decision?: string };
}

/** One execution in the report's table: what, where, how it ended, who decided, how long it took. */
export interface ExecutionRow {
  readonly executionName: string;
  /** When its outcome was recorded (ISO 8601). */
  readonly at: string;
  readonly outcome: string;
  readonly controlId?: string;
  readonly resourceId?: string;
  readonly account?: string;
  readonly region?: string;
  /** The name typed on the approval page, when a person decided. */
  readonly approver?: string;
  readonly decision?: string;
  readonly durationSeconds?: number;
}

/** What the report draws over time (each series is the data of one chart). */
export interface Trends {
  readonly outcomesPerDay: { day: string; outcome: string; count: number }[];
  readonly remediationTimePerWeek: { week: string; median: number; p90: number; count: number }[];
  readonly approvalLatencySeconds: number[];
  readonly rollbackRatePerControl: { controlId: string; attempts: number; failed: number; rate: number }[];
  readonly exemptionsByExpiry: { week: string; count: number; soon: boolean }[];
}

const FAILED: readonly string[] = [Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED];

/** `YYYY-MM-DD` of an instant, in UTC (the audit trail's time zone). */
export const dayOf = (iso: string): string => new Date(iso).toISOString().slice(0, 10);

/** The Monday (UTC) that starts the ISO week of an instant or a date. */
export function weekOf(iso: string): string {
  const date = new Date(`${dayOf(iso)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/**
 * Pure: one row per execution from its final outcome record, with the approver from its
 * decision record — newest first.
 */
export function executionRows(finals: readonly AuditEvent[], approvals: readonly AuditEvent[]): ExecutionRow[] {
  const decided = new Map(approvals.filter((a) => a.actor).map((a) => [a.executionName, a]));
  return [...finals]
    .sort((a, b) => b.at.localeCompare(a.at))
    .map((e) => {
      const decision = decided.get(e.executionName);
      return {
        executionName: e.executionName,
        at: e.at,
        outcome: e.outcome ?? 'UNKNOWN',
        ...(e.controlId ? { controlId: e.controlId } : {}),
        ...(e.resourceId ? { resourceId: e.resourceId } : {}),
        ...(e.account ? { account: e.account } : {}),
        ...(e.region ? { region: e.region } : {}),
        ...(decision?.actor ? { approver: decision.actor } : {}),
        ...(decision?.detail?.decision ? { decision: decision.detail.decision } : {}),
        ...(e.detail?.durationSeconds !== undefined ? { durationSeconds: e.detail.durationSeconds } : {}),
      };
    });
}

/**
 * Pure: the series the trend charts draw — outcomes per day, median and p90 time to remediate
 * per week (nearest rank), the approval latencies, the rollback rate per control (failed ÷
 * attempted changes) and the register's exemptions by the week they expire.
 */
export function trendsOf(
  rows: readonly ExecutionRow[],
  approvals: readonly AuditEvent[],
  exemptions: readonly { expiresOn: string }[],
  now: Date,
): Trends {
  const perDay = new Map<string, number>();
  for (const r of rows) perDay.set(`${dayOf(r.at)}|${r.outcome}`, (perDay.get(`${dayOf(r.at)}|${r.outcome}`) ?? 0) + 1);
  const perWeek = new Map<string, number[]>();
  for (const r of rows) {
    if (r.outcome !== Outcome.REMEDIATED || r.durationSeconds === undefined) continue;
    perWeek.set(weekOf(r.at), [...(perWeek.get(weekOf(r.at)) ?? []), r.durationSeconds]);
  }
  const perControl = new Map<string, { attempts: number; failed: number }>();
  for (const r of rows) {
    const failed = FAILED.includes(r.outcome);
    if (!failed && r.outcome !== Outcome.REMEDIATED) continue;
    const c = perControl.get(r.controlId ?? 'unknown') ?? { attempts: 0, failed: 0 };
    perControl.set(r.controlId ?? 'unknown', { attempts: c.attempts + 1, failed: c.failed + (failed ? 1 : 0) });
  }
  const today = now.toISOString().slice(0, 10);
  const soon = new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
  const byExpiry = new Map<string, { count: number; soon: boolean }>();
  for (const e of exemptions) {
    if (e.expiresOn < today) continue;
    const week = weekOf(e.expiresOn);
    const entry = byExpiry.get(week) ?? { count: 0, soon: false };
    byExpiry.set(week, { count: entry.count + 1, soon: entry.soon || e.expiresOn <= soon });
  }
  return {
    outcomesPerDay: [...perDay].map(([key, count]) => ({ day: key.split('|')[0]!, outcome: key.split('|')[1]!, count })).sort((a, b) => a.day.localeCompare(b.day) || a.outcome.localeCompare(b.outcome)),
    remediationTimePerWeek: [...perWeek]
      .map(([week, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return { week, median: percentile(sorted, 50)!, p90: percentile(sorted, 90)!, count: sorted.length };
      })
      .sort((a, b) => a.week.localeCompare(b.week)),
    approvalLatencySeconds: approvals.flatMap((a) => (a.detail?.latencySeconds !== undefined ? [a.detail.latencySeconds] : [])).sort((a, b) => a - b),
    rollbackRatePerControl: [...perControl]
      .map(([controlId, c]) => ({ controlId, ...c, rate: c.failed / c.attempts }))
      .sort((a, b) => b.rate - a.rate || b.attempts - a.attempts || a.controlId.localeCompare(b.controlId)),
    exemptionsByExpiry: [...byExpiry].map(([week, e]) => ({ week, ...e })).sort((a, b) => a.week.localeCompare(b.week)),
  };
}
