import { notify } from '../aws/notify.js';
import { emitBreakerHold } from '../observability.js';
import type { RemediationRequest } from '../domain/finding.js';
import { FlapGuardedError, ResourceBusyError } from '../domain/errors.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import type { PolicyDecision } from '../domain/workflowState.js';
import { acquireLock, firstBudgetAlert, fixesWithin, readBreaker, takeBudget } from '../store/guardrails.js';
import type { ExecutionRef } from './defineTask.js';
import type { TaskDeps } from './deps.js';

const DAY = 86_400_000;

/** What the guardrails decided for one change. */
export interface GuardrailsDecision {
  /** The risk said so, or a breaker is open, or the budget is spent. */
  readonly approvalRequired: boolean;
  /** Another execution holds the lock for this resource and control. */
  readonly duplicate: boolean;
  readonly heldBy?: string;
  readonly reasons: string[];
}

/**
 * The guardrails of DESIGN §3, checked by ClassifySeverity once the risk is known (docs/decisions/007):
 * one in-flight remediation per resource and control (dedupe lock); the flap guard (throws
 * `FlapGuarded`); the circuit breakers (account and global) and the blast-radius budget, which turn an
 * automatic change into an approval. Anything it cannot read throws: the workflow escalates and
 * changes nothing. Record and Escalate settle them (settleGuardrails.ts).
 */
export async function checkGuardrails(
  deps: TaskDeps,
  execution: ExecutionRef,
  request: RemediationRequest,
  decision: PolicyDecision & { controlId: string },
  riskSaysApproval: boolean,
): Promise<GuardrailsDecision> {
  const config = deps.config();
  const policy = decision.policy ?? DEFAULT_POLICY;
  const { tableName } = config;
  const now = deps.now();
  const { controlId } = decision;
  const resourceId = request.resource.id;
  const reasons: string[] = [];

  const lockTtl = config.approvalTimeoutSeconds + 2 * 3600;
  const lock = await acquireLock(tableName, controlId, resourceId, execution.name, now, lockTtl);
  if (!lock.acquired && lock.heldFor === controlId) {
    return { approvalRequired: false, duplicate: true, heldBy: lock.heldBy, reasons: [`execution ${lock.heldBy} is already remediating ${resourceId} for ${controlId}`] };
  }
  if (!lock.acquired) {
    // Another control's change to the same resource is in flight: wait for it (the workflow retries),
    // then classify and plan afresh against what it left. Never dropped.
    throw new ResourceBusyError(`execution ${lock.heldBy} is changing ${resourceId} for ${lock.heldFor}; this ${controlId} change waits its turn`);
  }

  const { maxFixes, windowDays } = policy.flapGuard;
  const fixes = await fixesWithin(tableName, controlId, resourceId, new Date(now.getTime() - windowDays * DAY));
  if (fixes.length >= maxFixes) {
    throw new FlapGuardedError(
      `${resourceId} was fixed for ${controlId} ${fixes.length} times in the last ${windowDays} days and keeps returning to non-compliance; ` +
        'Rectify will not fix it again. Owner: fix the source that reverts it (for example the IaC template or pipeline), then resolve the finding.',
    );
  }

  let approvalRequired = riskSaysApproval;
  for (const scope of [request.account, 'global']) {
    const breaker = await readBreaker(tableName, scope);
    if (breaker.state === 'OPEN') {
      approvalRequired = true;
      emitBreakerHold(scope);
      reasons.push(`circuit breaker ${scope === 'global' ? 'for all accounts' : `for account ${scope}`} is open since ${breaker.openedAt}: automatic changes need approval until it is reset`);
    }
  }
  if (approvalRequired) return { approvalRequired, duplicate: false, reasons };

  // Only a change that will run without a person spends the budget.
  const limit = policy.budgetPerAccountPerHour;
  if (await takeBudget(tableName, request.account, now, limit)) {
    reasons.push(`within the blast-radius budget of ${limit} automatic changes per hour for account ${request.account}`);
    return { approvalRequired: false, duplicate: false, reasons };
  }
  reasons.push(`blast-radius budget of ${limit} automatic changes this hour for account ${request.account} is spent: approval needed`);
  if (await firstBudgetAlert(tableName, request.account, now)) {
    await notify(
      config.escalationsTopicArn,
      `[Rectify] Blast-radius budget spent for account ${request.account}`,
      `More than ${limit} automatic changes were requested for account ${request.account} this hour. Further changes this hour wait for approval.\nLatest: ${controlId} on ${resourceId} (execution ${execution.name}).`,
    );
  }
  return { approvalRequired: true, duplicate: false, reasons };
}
