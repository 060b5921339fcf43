import * as z from 'zod/mini';
import { writeOutcome } from '../aws/findingHubs.js';
import { importFindings, type WorkflowStatus } from '../aws/securityHub.js';
import { outcomeFinding } from '../domain/outcomeFinding.js';
import { AuditEvent, ErrorName, Outcome, StateName } from '../domain/constants.js';
import { findingIdOf, quoteId } from '../domain/finding.js';
import { causeText, WorkflowStateSchema, type WorkflowState } from '../domain/workflowState.js';
import { emitOutcomeMetrics, logger } from '../observability.js';
import { defineTask, ExecutionRefSchema, secondsSince } from './defineTask.js';
import { audit, defaultDeps, type TaskDeps } from './deps.js';
import { settleGuardrails } from './settleGuardrails.js';

const OUTCOMES = Object.values(Outcome) as [Outcome, ...Outcome[]];
const EventSchema = z.object({ outcome: z.enum(OUTCOMES), execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * Workflow status a finding gets for each outcome that does not escalate. Exempt findings stay
 * NOTIFIED, not SUPPRESSED: a suppressed finding leaves Rectify's intake filter for good, so an
 * expired exemption would never be looked at again (docs/decisions/004).
 */
const STATUS: Partial<Record<Outcome, WorkflowStatus>> = {
  [Outcome.REMEDIATED]: 'RESOLVED',
  [Outcome.DRY_RUN]: 'NOTIFIED',
  [Outcome.EXEMPT]: 'NOTIFIED',
  [Outcome.REJECTED]: 'NOTIFIED',
  [Outcome.NO_PLAYBOOK]: 'NOTIFIED',
  [Outcome.POLICY_SKIPPED]: 'NOTIFIED',
  [Outcome.DUPLICATE]: 'NOTIFIED',
};

/**
 * Outcomes about the resource's evaluation, which the same failure's finding in the other hub
 * shares (docs/decisions/020); the others are about this finding or this execution alone.
 */
export const TWIN_OUTCOMES: readonly Outcome[] = [
  Outcome.REMEDIATED, Outcome.DRY_RUN, Outcome.EXEMPT, Outcome.REJECTED, Outcome.NO_PLAYBOOK,
  Outcome.APPROVAL_TIMED_OUT, Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED, Outcome.ESCALATED, Outcome.FLAP_GUARDED,
];

/**
 * The workflow status for an outcome. A finding is RESOLVED only when Rectify changed the resource
 * and verified it: one that was already compliant when checked stays NOTIFIED (Security Hub's next
 * evaluation closes it), since Rectify did not fix it.
 */
export function statusFor(outcome: Outcome, state: WorkflowState): WorkflowStatus | undefined {
  if (outcome === Outcome.REMEDIATED && !state.remediation?.applied) return 'NOTIFIED';
  return STATUS[outcome];
}

/** The note a finding carries for an outcome: what happened, by which playbook, in which execution. */
export function outcomeNote(outcome: Outcome, state: WorkflowState, executionName: string): string {
  const playbook = state.policy?.playbookId ? ` by ${state.policy.playbookId}` : '';
  const why = (() => {
    switch (outcome) {
      case Outcome.REMEDIATED: {
        const approved = state.approval ? ` (approved by ${state.approval.decidedBy}${state.approval.comment ? `: ${state.approval.comment}` : ''})` : '';
        return state.remediation?.applied
          ? `fixed and verified${approved}: ${state.remediation.plan.summary}`
          : `already compliant when checked; nothing changed${approved}`;
      }
      case Outcome.DRY_RUN:
        return `dry-run, nothing changed. Would: ${state.remediation?.plan.changes.map((c) => c.description).join('; ') || state.remediation?.plan.summary}`;
      case Outcome.EXEMPT:
        return state.error?.Error === ErrorName.ExemptAtChange ? causeText(state.error) : (state.exemption?.reason ?? 'exempt');
      case Outcome.REJECTED:
        return `approval rejected: ${causeText(state.error)}`;
      case Outcome.INVALID:
        return `invalid finding: ${causeText(state.error)}`;
      case Outcome.DUPLICATE:
        return `duplicate: ${state.risk?.heldBy ? `execution ${state.risk.heldBy} is already remediating this resource` : 'another execution is remediating this resource'}`;
      default:
        return state.error?.Error === ErrorName.SkippedAtChange ? causeText(state.error) : (state.policy?.reason ?? '');
    }
  })();
  return `Rectify ${outcome}${playbook}: ${why} [execution ${executionName}]`;
}

/**
 * RecordSuccess / RecordSkipped / RecordExempt / RecordRejected / RecordDryRun / RecordInvalid:
 * the audit record (which must succeed) and the finding's workflow status and note (whose
 * failure is itself audited: a fixed resource is not un-fixed because Security Hub was busy).
 */
export function createRecordOutcome(deps: TaskDeps = defaultDeps) {
  return defineTask('RecordOutcome', EventSchema, async ({ outcome, execution, state }) => {
    const note = outcomeNote(outcome, state, execution.name);
    const status = statusFor(outcome, state);
    let securityHubError: string | undefined;
    let hubs: { twin?: string; left?: string } = {};
    const findingId = state.request?.findingId ?? findingIdOf(state.finding);
    if (status && state.request) {
      const fields = { rectifyOutcome: outcome, ...(state.policy?.playbookId ? { rectifyPlaybook: state.policy.playbookId } : {}) };
      // The twin shares the outcome only when this execution decided about the resource (a fix another made is not ours to report).
      const twin = TWIN_OUTCOMES.includes(outcome) && (outcome !== Outcome.REMEDIATED || state.remediation?.applied === true);
      const { error, ...rest } = await writeOutcome(state.request, { status, note, executionName: execution.name, fields, twin, recheckClosed: true });
      securityHubError = error;
      hubs = rest;
      if (securityHubError) logger.warn('finding not updated', { findingId, securityHubError });
    }
    const config = deps.config();
    const record = outcomeFinding(outcome, state, execution, { account: config.adminAccount, region: config.region }, note, deps.now());
    if (record) {
      try {
        const refused = await importFindings([record]);
        if (refused.length > 0) securityHubError = [securityHubError, `outcome finding refused: ${refused[0]!.error}`].filter(Boolean).join('; ');
      } catch (error) {
        securityHubError = [securityHubError, `outcome finding not imported: ${(error as Error).message}`].filter(Boolean).join('; ');
      }
    }
    const seconds = secondsSince(execution.startTime, deps.now());
    emitOutcomeMetrics(outcome, state.policy?.controlId ?? state.request?.controlIds[0] ?? 'unknown', state.request?.account ?? 'unknown', seconds);
    await audit(deps, execution, state, {
      event: outcome === Outcome.INVALID ? AuditEvent.INVALID : AuditEvent.OUTCOME,
      step: 'RecordOutcome',
      actor: 'automation',
      outcome,
      ...(findingId && !state.request ? { findingId: quoteId(findingId) } : {}),
      detail: { note, workflowStatus: status, ...hubs, ...(seconds !== undefined ? { durationSeconds: seconds } : {}), ...(securityHubError ? { securityHubError } : {}) },
      ...(state.error ? { error: { error: state.error.Error, cause: causeText(state.error) } } : {}),
    });
    await settleGuardrails(deps, execution, state, outcome);
    return { outcome, note };
  });
}

export const handler = createRecordOutcome();
