import { AuditEvent } from '../../tasks/domain/constants.js';
import { hourWindow } from '../../tasks/store/guardrails.js';
import type { AuditRecord } from '../../tasks/store/table.js';
import { percentile, tally } from '../stats.js';
import { isEmulatorFailure } from './inspect.js';

export interface EndedExecution {
  readonly status: string;
  readonly durationMs: number;
  readonly error?: { name?: string; cause?: string };
}

/** What the storm learns from each finished execution's status, timing and audit trail. */
export class StormTally {
  private readonly statuses: string[] = [];
  /** Error names of executions that did not succeed, with one example cause each. */
  private readonly errors = new Map<string, { count: number; example: string }>();
  private readonly outcomes: string[] = [];
  private readonly durations: number[] = [];
  /** account|resource|control → APPLIED events. */
  private readonly applied = new Map<string, number>();
  /** account → hour window → automatic (not approved) changes. */
  private readonly automaticByHour = new Map<string, Map<string, number>>();
  private approved = 0;
  private withoutRecord = 0;
  private unreadable = 0;

  /** One ended execution and its audit trail (`undefined`: it could not be read back from moto). */
  add(execution: EndedExecution, audit: readonly (AuditRecord & { at: string })[] | undefined): void {
    this.statuses.push(execution.status);
    this.durations.push(execution.durationMs);
    if (execution.status !== 'SUCCEEDED') {
      // Failures caused by moto answering with a 500 page are counted apart: they are not Rectify's.
      const cause = execution.error?.cause ?? '';
      const name = `${execution.error?.name ?? 'unknown'}${isEmulatorFailure(cause) ? ' (moto 500)' : ''}`;
      const seen = this.errors.get(name);
      this.errors.set(name, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? cause.slice(0, 300) });
    }
    if (!audit) {
      this.unreadable++;
      this.outcomes.push('AUDIT_UNREADABLE');
      return;
    }
    const outcome = [...audit].reverse().find((a) => a.outcome)?.outcome;
    const died = audit.some((a) => a.event === AuditEvent.EXECUTION_DIED);
    if (!outcome && !died) this.withoutRecord++;
    this.outcomes.push(outcome ?? (died ? 'EXECUTION_DIED' : 'NO_RECORD'));
    for (const event of audit) if (event.event === AuditEvent.APPLIED) this.addChange(event);
  }

  private addChange(event: AuditRecord & { at: string }): void {
    const key = `${event.account}|${event.resourceId}|${event.controlId}`;
    this.applied.set(key, (this.applied.get(key) ?? 0) + 1);
    if (event.actor !== 'automation') {
      this.approved++;
      return;
    }
    const account = event.account ?? 'unknown';
    const hours = this.automaticByHour.get(account) ?? new Map<string, number>();
    const hour = hourWindow(new Date(event.at));
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
    this.automaticByHour.set(account, hours);
  }

  get finished(): number {
    return this.statuses.length;
  }

  summary() {
    const changes = [...this.applied.values()];
    return {
      outcomes: tally(this.outcomes),
      executionStatuses: tally(this.statuses),
      executionErrors: Object.fromEntries(this.errors),
      appliedChanges: changes.reduce((a, b) => a + b, 0),
      duplicateRemediations: changes.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      automaticChangesPeakPerAccountHour: Object.fromEntries([...this.automaticByHour].map(([account, hours]) => [account, Math.max(...hours.values())])),
      approvedChanges: this.approved,
      executionsWithoutOutcomeRecord: this.withoutRecord,
      auditUnreadable: this.unreadable,
      executionMs: { p50: percentile(this.durations, 50), p95: percentile(this.durations, 95), max: percentile(this.durations, 100) },
    };
  }
}
