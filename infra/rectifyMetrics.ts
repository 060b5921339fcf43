import { Outcome, StateName } from '../tasks/domain/constants.js';

/**
 * The custom metrics the tasks emit as CloudWatch embedded metric format (tasks/observability.ts).
 * Powertools adds a `service` dimension to every one, so each metric's full dimension set is
 * `service` plus its own; a metric or SEARCH schema that leaves `service` out matches nothing.
 */
export const RectifyMetrics = {
  namespace: 'Rectify',
  /** The Powertools `serviceName` of tasks/observability.ts, sent as the `service` dimension. */
  service: 'rectify',
  outcomes: { name: 'Outcomes', dimensions: ['Outcome', 'ControlId', 'Account'] },
  timeToRemediate: { name: 'TimeToRemediate', dimensions: ['ControlId'] },
  rollbacks: { name: 'Rollbacks', dimensions: ['Result'] },
  approvalLatency: { name: 'ApprovalLatency', dimensions: ['Decision'] },
} as const;

export type RectifyMetric = (typeof RectifyMetrics)[keyof Pick<typeof RectifyMetrics, 'outcomes' | 'timeToRemediate' | 'rollbacks' | 'approvalLatency'>];

/** `Rollbacks` `Result` values (tasks/observability.ts): the change was undone, or undoing it failed. */
export const RollbackResult = { restored: 'restored', failed: 'failed' } as const;

/** Outcomes where a change went wrong or Rectify could not decide safely: what "failures by control" counts. */
export const FAILURE_OUTCOMES: readonly Outcome[] = [Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED, Outcome.ESCALATED];

/**
 * A CloudWatch SEARCH expression over every dimension combination of one Rectify metric, for
 * dimensions whose values are not known at deploy time (controls, accounts).
 *
 * @example
 * searchExpression(RectifyMetrics.outcomes, 'Sum', 300);
 * // SEARCH('{Rectify,Account,ControlId,Outcome,service} MetricName="Outcomes"', 'Sum', 300)
 */
export function searchExpression(metric: RectifyMetric, statistic: string, periodSeconds: number): string {
  const schema = [RectifyMetrics.namespace, ...[...metric.dimensions, 'service'].sort()].join(',');
  return `SEARCH('{${schema}} MetricName="${metric.name}"', '${statistic}', ${periodSeconds})`;
}

/** Emitted by ClassifySeverity each time an open circuit breaker holds a change for approval (tasks/observability.ts emitBreakerHold). */
export const BREAKER_HOLDS_METRIC = 'CircuitBreakerHolds';
