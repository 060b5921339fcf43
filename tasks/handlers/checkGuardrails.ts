import { z } from 'zod';
import { notify } from '../aws/notify.js';
import { AuditEvent, StateName } from '../domain/constants.js';
import { FlapGuardedError } from '../domain/errors.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { WorkflowStateSchema, type GuardrailsResult } from '../domain/workflowState.js';
import { acquireLock, firstBudgetAlert, fixesWithin, readBreaker, takeBudget } from '../store/guardrails.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit, defaultDeps, type TaskDeps } from './deps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });
const DAY = 86_400_000;

/**
 * CheckGuardrails (DESIGN §3): one in-flight remediation per resource and control (dedupe);
 * the flap guard; the circuit breaker (account and global); the blast-radius budget. Anything
 * it cannot read throws, and the workflow escalates without changing anything.
 */
export function createCheckGuardrails(deps: TaskDeps = defaultDeps) {
  return defineTask(StateName.CheckGuardrails, EventSchema, async ({ execution, state }): Promise<GuardrailsResult> => {
    const { request, policy: decision, risk } = state;
    if (!request || !decision?.controlId || !risk) throw new Error('CheckGuardrails needs the request, the policy decision and the risk');
    if (decision.dryRun) return { approvalRequired: false, duplicate: false, reasons: ['dry-run: nothing will change, so no guardrail applies'] };
    const config = deps.config();
    const policy = decision.policy ?? DEFAULT_POLICY;
    const { tableName } = config;
    const now = deps.now();
    const controlId = decision.controlId;
    const resourceId = request.resource.id;
    const reasons: string[] = [];

    const lockTtl = config.approvalTimeoutSeconds + 2 * 3600;
    const lock = await acquireLock(tableName, controlId, resourceId, execution.name, now, lockTtl);
    if (!lock.acquired) {
      const result = { approvalRequired: false, duplicate: true, heldBy: lock.heldBy, reasons: [`execution ${lock.heldBy} is already remediating ${resourceId} for ${controlId}`] };
      await audit(deps, execution, state, { event: AuditEvent.GUARDRAILS_CHECKED, step: StateName.CheckGuardrails, actor: 'automation', detail: { ...result } });
      return result;
    }

    const { maxFixes, windowDays } = policy.flapGuard;
    const fixes = await fixesWithin(tableName, controlId, resourceId, new Date(now.getTime() - windowDays * DAY));
    if (fixes.length >= maxFixes) {
      throw new FlapGuardedError(
        `${resourceId} was fixed for ${controlId} ${fixes.length} times in the last ${windowDays} days and keeps returning to non-compliance; ` +
          'Rectify will not fix it again. Owner: fix the source that reverts it (for example the IaC template or pipeline), then resolve the finding.',
      );
    }

    let approvalRequired = risk.approvalRequired;
    for (const scope of [request.account, 'global']) {
      const breaker = await readBreaker(tableName, scope);
      if (breaker.state === 'OPEN') {
        approvalRequired = true;
        reasons.push(`circuit breaker ${scope === 'global' ? 'for all accounts' : `for account ${scope}`} is open since ${breaker.openedAt}: automatic changes need approval until it is reset`);
      }
    }
    if (!approvalRequired) {
      const limit = policy.budgetPerAccountPerHour;
      if (await takeBudget(tableName, request.account, now, limit)) {
        reasons.push(`within the blast-radius budget of ${limit} automatic changes per hour for account ${request.account}`);
      } else {
        approvalRequired = true;
        reasons.push(`blast-radius budget of ${limit} automatic changes this hour for account ${request.account} is spent: approval needed`);
        if (await firstBudgetAlert(tableName, request.account, now)) {
          await notify(
            config.escalationsTopicArn,
            `[Rectify] Blast-radius budget spent for account ${request.account}`,
            `More than ${limit} automatic changes were requested for account ${request.account} this hour. Further changes this hour wait for approval.\nLatest: ${controlId} on ${resourceId} (execution ${execution.name}).`,
          );
        }
      }
    }
    const result = { approvalRequired, duplicate: false, reasons };
    await audit(deps, execution, state, { event: AuditEvent.GUARDRAILS_CHECKED, step: StateName.CheckGuardrails, actor: 'automation', detail: { ...result } });
    return result;
  });
}

export const handler = createCheckGuardrails();
