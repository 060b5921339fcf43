import { Outcome } from '../domain/constants.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import type { WorkflowState } from '../domain/workflowState.js';
import { recordBreakerResult, recordFix, releaseLock } from '../store/guardrails.js';
import type { ExecutionRef } from './defineTask.js';
import type { TaskDeps } from './deps.js';

const FAILED: readonly Outcome[] = [Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED];

/**
 * What an ending execution leaves for the guardrails: a fix counts toward the flap guard and
 * closes the breaker's window with a success; a failure counts toward opening it (and alerts
 * when it opens); the dedupe lock is released either way.
 */
export async function settleGuardrails(deps: TaskDeps, execution: ExecutionRef, state: WorkflowState, outcome: Outcome): Promise<void> {
  const { request, policy: decision } = state;
  const controlId = decision?.controlId;
  if (!request || !controlId) return;
  const { tableName, escalationsTopicArn } = deps.config();
  const now = deps.now();
  const policy = decision.policy ?? DEFAULT_POLICY;
  const applied = outcome === Outcome.REMEDIATED && state.remediation?.applied === true;
  // A failure before any change (e.g. the resource a finding names does not exist) is not a failed remediation.
  const failed = FAILED.includes(outcome) && state.escalation?.changeAttempted !== false;
  try {
    if (applied) await recordFix(tableName, controlId, request.resource.id, now);
    if (!applied && !failed) return;
    for (const scope of [request.account, 'global']) {
      const { state: breaker, opened } = await recordBreakerResult(tableName, scope, failed, now, policy.circuitBreaker);
      if (!opened) continue;
      // The breaker opening is rare; RecordOutcome, which tells nobody otherwise, loads the SNS client only then.
      const { notify } = await import('../aws/notify.js');
      await notify(
        escalationsTopicArn,
        `[Rectify] Circuit breaker open${scope === 'global' ? '' : ` for account ${scope}`}`,
        `${breaker.recent.filter((r) => r === 'F').length} of the last ${breaker.recent.length} remediations ${scope === 'global' ? 'overall' : `in account ${scope}`} failed or rolled back. ` +
          `Automatic remediation is paused: changes now wait for approval until someone runs \`rectify mode reset-breaker ${scope}\`.\nLatest: ${controlId} on ${request.resource.id} (execution ${execution.name}).`,
      );
    }
  } finally {
    // Whatever the bookkeeping did, the next finding for this resource must not be blocked.
    await releaseLock(tableName, controlId, request.resource.id, execution.name);
  }
}
