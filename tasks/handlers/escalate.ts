import * as z from 'zod/mini';
import { notify } from '../aws/notify.js';
import { importFindings, updateFinding } from '../aws/securityHub.js';
import { outcomeFinding } from '../domain/outcomeFinding.js';
import { AuditEvent, Outcome, StateName } from '../domain/constants.js';
import { causeText, WorkflowStateSchema } from '../domain/workflowState.js';
import { emitOutcomeMetrics, logger } from '../observability.js';
import { defineTask, ExecutionRefSchema, secondsSince } from './defineTask.js';
import { audit, defaultDeps, type TaskDeps } from './deps.js';
import { settleGuardrails } from './settleGuardrails.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

const NEXT_STEP: Partial<Record<Outcome, string>> = {
  [Outcome.FAILED_ROLLED_BACK]: 'The change was undone and the resource is as before. Fix it by hand or fix the playbook, then re-run.',
  [Outcome.FAILED_ROLLBACK_FAILED]: 'The resource may be half-changed. Restore it by hand now from the snapshot in the audit table.',
  [Outcome.APPROVAL_TIMED_OUT]: 'Nobody decided in time; nothing was changed. Re-run from the Security Hub custom action when ready.',
  [Outcome.ESCALATED]: 'A safety check could not decide, so nothing was changed. Look at the reason, fix it, and re-run.',
  [Outcome.FLAP_GUARDED]: 'Nothing was changed this time. Owner: fix the source that keeps reverting the resource (IaC, pipeline, script).',
};

/**
 * Escalate: tell people (escalations topic), mark the finding NOTIFIED with the reason, and
 * audit it. The workflow then fails with the outcome's error name so consoles and alarms show it.
 */
export function createEscalate(deps: TaskDeps = defaultDeps) {
  return defineTask(StateName.Escalate, EventSchema, async ({ execution, state }) => {
    const marked = state.escalation ?? { outcome: Outcome.ESCALATED, reason: 'unknown failure' };
    // The caught errors say what happened; add them unless the reason already carries them.
    const causes = [causeText(state.error), causeText(state.rollbackError)].filter((c) => c && !marked.reason.includes(c));
    const escalation = { ...marked, reason: causes.length ? `${marked.reason} (${causes.join('; ')})` : marked.reason };
    const request = state.request;
    const resource = request?.resource.id ?? 'unknown resource';
    const controlId = state.policy?.controlId ?? request?.controlIds[0] ?? 'unknown control';
    const message = [
      `Rectify ${escalation.outcome} for ${controlId} on ${resource}${request ? ` (${request.account}/${request.region})` : ''}.`,
      `Reason: ${escalation.reason}`,
      NEXT_STEP[escalation.outcome] ?? '',
      `Finding: ${request?.findingId ?? 'unknown'}`,
      `Execution: ${execution.id}`,
    ].join('\n');
    await notify(deps.config().escalationsTopicArn, `[Rectify] ${escalation.outcome}: ${controlId} on ${resource.split(/[:/]/).pop()}`, message);
    let securityHubError: string | undefined;
    if (request) {
      try {
        securityHubError = await updateFinding(
          { id: request.findingId, productArn: request.productArn },
          'NOTIFIED',
          `Rectify ${escalation.outcome}: ${escalation.reason} [execution ${execution.name}]`,
          execution.name,
          { rectifyOutcome: escalation.outcome, ...(state.policy?.playbookId ? { rectifyPlaybook: state.policy.playbookId } : {}) },
        );
        const config = deps.config();
        const record = outcomeFinding(escalation.outcome, state, execution, { account: config.adminAccount, region: config.region }, message, deps.now());
        const refused = record ? await importFindings([record]) : [];
        if (refused.length > 0) securityHubError = [securityHubError, `outcome finding refused: ${refused[0]!.error}`].filter(Boolean).join('; ');
      } catch (error) {
        securityHubError = [securityHubError, `${(error as Error).name}: ${(error as Error).message}`].filter(Boolean).join('; ');
      }
      if (securityHubError) logger.warn('finding not updated', { securityHubError });
    }
    const seconds = secondsSince(execution.startTime, deps.now());
    emitOutcomeMetrics(escalation.outcome, controlId, request?.account ?? 'unknown', seconds);
    await audit(deps, execution, state, {
      event: AuditEvent.ESCALATED,
      step: StateName.Escalate,
      actor: 'automation',
      outcome: escalation.outcome,
      detail: { reason: escalation.reason, ...(seconds !== undefined ? { durationSeconds: seconds } : {}), ...(securityHubError ? { securityHubError } : {}) },
    });
    await settleGuardrails(deps, execution, state, escalation.outcome);
    return escalation;
  });
}

export const handler = createEscalate();
