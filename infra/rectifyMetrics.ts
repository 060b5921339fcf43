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

/**
 * How a circuit breaker shows in the logs without a log line of its own. settleGuardrails
 * (tasks/handlers/settleGuardrails.ts) only publishes "Circuit breaker open" to SNS, so no task
 * log group records the opening. ClassifySeverity (its guardrails) returns a reason "circuit breaker …
 * is open since <time>: …" for every execution it holds for approval because a breaker is open, and
 * the state machine logs each state's output (logging ALL with execution data): the metric filter
 * matches that reason in ClassifySeverity's TaskStateExited event, and nothing else.
 */
export const BreakerOpenLog = {
  eventType: 'TaskStateExited',
  stateName: StateName.ClassifySeverity,
  /**
   * A CloudWatch filter-pattern regex: spaces and parentheses are not allowed there, so `.`
   * stands for each space.
   */
  outputRegex: 'circuit.breaker.*is.open.since',
} as const;
