import * as z from 'zod/mini';
import { executionLink, openEscalationTicket, ticketConnector, type TicketResult } from '../aws/escalationTicket.js';
import { writeOutcome } from '../aws/findingHubs.js';
import { importFindings } from '../aws/securityHub.js';
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

/** What the workflow's NotifyEscalation state publishes to the escalations topic (Step Functions' SNS integration). */
export interface EscalationNotification {
  readonly subject: string;
  readonly message: string;
}

/**
 * Escalate: mark the finding NOTIFIED with the reason in its own hub and its twin's
 * (docs/decisions/020), open a ticket when the policy names a ticketing connector, audit it, and
 * return the notification. The workflow's next state publishes it to the escalations topic (the
 * function loads no SNS client for it: docs/decisions/035), then fails with the outcome's error
 * name so consoles and alarms show it.
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
    // SNS subjects are limited to 100 characters.
    const subject = `[Rectify] ${escalation.outcome}: ${controlId} on ${resource.split(/[:/]/).pop()}`.slice(0, 99);
    const notification: EscalationNotification = { subject, message };
    let securityHubError: string | undefined;
    let hubs: { twin?: string; left?: string } = {};
    let ticket: TicketResult = {};
    if (request) {
      const fields = { rectifyOutcome: escalation.outcome, ...(state.policy?.playbookId ? { rectifyPlaybook: state.policy.playbookId } : {}) };
      const connector = ticketConnector(state.policy?.policy);
      // With a ticketing connector the note is the ticket's body too: the plan, the error and the execution's link, each cut to
      // fit Security Hub's 512 characters with the ticket id up front (fitNote keeps only the execution's name at the end).
      const plan = state.remediation?.plan.summary;
      const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
      const body = connector.connectorId
        ? `${cut(escalation.reason, 110)}${plan ? `. Plan: ${cut(plan, 60)}` : ''}. Execution: ${executionLink(execution.id)}`
        : escalation.reason;
      const note = (ticketId?: string) => `Rectify ${escalation.outcome}${ticketId ? ` (ticket ${ticketId})` : ''}: ${body} [execution ${execution.name}]`;
      // Every escalation is about the resource: the same failure's finding in the other hub gets the same note.
      // Read again before writing: a finding a person (or its twin's run) closed since this execution read it stays closed.
      const written = await writeOutcome(request, { status: 'NOTIFIED', note: note(), executionName: execution.name, fields, twin: true, recheckClosed: true });
      securityHubError = written.error;
      hubs = { ...(written.twin ? { twin: written.twin } : {}), ...(written.left ? { left: written.left } : {}) };
      if (connector.problem) ticket = { problem: connector.problem };
      if (connector.connectorId) {
        ticket = await openEscalationTicket(connector.connectorId, request, execution.name);
        if (ticket.ticketId) {
          const again = await writeOutcome(request, { status: 'NOTIFIED', note: note(ticket.ticketId), executionName: execution.name, fields, twin: true, recheckClosed: true });
          securityHubError = [securityHubError, again.error].filter(Boolean).join('; ') || undefined;
        }
      }
      try {
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
      detail: { reason: escalation.reason, ...hubs, ...(ticket.ticketId || ticket.problem ? { ticket } : {}), ...(seconds !== undefined ? { durationSeconds: seconds } : {}), ...(securityHubError ? { securityHubError } : {}) },
    });
    await settleGuardrails(deps, execution, state, escalation.outcome);
    return { ...escalation, notification };
  });
}

export const handler = createEscalate();
