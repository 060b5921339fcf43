import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { Outcome } from './domain/constants.js';

/** One structured logger for every task; the correlation id is the execution name. */
export const logger = new Logger({ serviceName: 'rectify' });

// No Powertools Tracer: Lambda's active tracing records each invocation's segment without it, and
// its only use here (an annotation on the function's own segment, which Lambda does not allow)
// did nothing while its X-Ray SDK was a tenth of every bundle (docs/decisions/014).

let instance: Metrics | undefined;
/**
 * CloudWatch metrics as EMF log lines (namespace `Rectify`). Built on first use, so a local run
 * that sets POWERTOOLS_METRICS_DISABLED before its first task still silences them.
 */
export function metrics(): Metrics {
  instance ??= new Metrics({ namespace: 'Rectify', serviceName: 'rectify' });
  return instance;
}

/** One outcome, by control and account; time to remediate for fixes; a rollback count for failures. */
export function emitOutcomeMetrics(outcome: Outcome, controlId: string, account: string, secondsSinceStart?: number): void {
  const metric = metrics().singleMetric();
  metric.addDimensions({ Outcome: outcome, ControlId: controlId, Account: account });
  metric.addMetric('Outcomes', MetricUnit.Count, 1);
  if (outcome === 'REMEDIATED' && secondsSinceStart !== undefined) {
    const ttr = metrics().singleMetric();
    ttr.addDimensions({ ControlId: controlId });
    ttr.addMetric('TimeToRemediate', MetricUnit.Seconds, secondsSinceStart);
  }
  if (outcome === 'FAILED_ROLLED_BACK' || outcome === 'FAILED_ROLLBACK_FAILED') {
    const rollback = metrics().singleMetric();
    rollback.addDimensions({ Result: outcome === 'FAILED_ROLLED_BACK' ? 'restored' : 'failed' });
    rollback.addMetric('Rollbacks', MetricUnit.Count, 1);
  }
}

/** Seconds from the decision request to the decision. */
export function emitApprovalLatency(seconds: number, decision: string): void {
  const metric = metrics().singleMetric();
  metric.addDimensions({ Decision: decision });
  metric.addMetric('ApprovalLatency', MetricUnit.Seconds, seconds);
}

/**
 * A circuit breaker held a change for approval (ClassifySeverity's guardrails). The alarm
 * `CircuitBreakerOpen` watches it; the execution log carries no data to filter on (docs/approvals.md).
 */
export function emitBreakerHold(scope: string): void {
  const metric = metrics().singleMetric();
  metric.addMetadata('scope', scope);
  metric.addMetric('CircuitBreakerHolds', MetricUnit.Count, 1);
}
