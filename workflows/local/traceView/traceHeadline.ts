import { StateName } from '../../../tasks/domain/constants.js';
import { causeText, WorkflowStateSchema, type WorkflowState } from '../../../tasks/domain/workflowState.js';
import { summariseTrace, type TraceStep } from '../trace.js';
import type { SavedTrace } from '../traceStore.js';

/** What happened, in the words a security lead reads first (the trace page's header). */
export interface TraceHeadline {
  /** The Rectify outcome (REMEDIATED, FAILED_ROLLED_BACK, …), or the execution status when none was recorded. */
  readonly outcome: string;
  readonly status: string;
  readonly startedAt: string;
  readonly durationMs?: number;
  readonly finding?: { readonly id: string; readonly title: string; readonly severity: string };
  readonly resource?: { readonly id: string; readonly type: string; readonly account: string; readonly region: string };
  readonly controlId?: string;
  readonly playbookId?: string;
  readonly risk?: { readonly level: string; readonly reasons: readonly string[] };
  /** The plan, and whether it was applied (false: planned only — dry run, or the run stopped before the change). */
  readonly change?: { readonly applied: boolean; readonly dryRun: boolean; readonly summary: string; readonly changes: readonly string[] };
  readonly decision?: { readonly decision: 'APPROVED' | 'REJECTED'; readonly by: string; readonly comment: string; readonly at?: string };
  /** The note Rectify put on the Security Hub finding. */
  readonly note?: string;
  /** For a failure: the state that failed first, its error, and what the rollback did. */
  readonly failure?: { readonly state: string; readonly error: string; readonly cause: string; readonly restored?: string };
}

/** The workflow state as the run left it: the last state's output, or — for a Fail state, which has none — its input. */
function finalState(steps: readonly TraceStep[]): WorkflowState {
  const last = steps.at(-1);
  const parsed = WorkflowStateSchema.safeParse(last?.output ?? last?.input ?? {});
  return parsed.success ? parsed.data : {};
}

/** Error text of a trace step: its cause unwrapped from the Lambda error JSON. */
function stepCause(step: TraceStep): string {
  return step.error ? causeText({ Error: step.error.error, Cause: step.error.cause }) : '';
}

/** Who decided and when: approvals carry the name; a rejection carries it in the error's cause. */
function decisionOf(state: WorkflowState, steps: readonly TraceStep[]): TraceHeadline['decision'] {
  const awaited = steps.filter((s) => s.state === StateName.AwaitApproval).at(-1);
  const at = awaited?.exitedAt;
  if (state.approval) return { decision: 'APPROVED', by: state.approval.decidedBy, comment: state.approval.comment, ...(at ? { at } : {}) };
  if (state.error?.Error !== 'ApprovalRejected') return undefined;
  const cause = typeof state.error.Cause === 'string' ? state.error.Cause : '';
  const named = /^Rejected by (.+?)(?:: (.*))?$/s.exec(cause);
  return { decision: 'REJECTED', by: named?.[1] ?? cause, comment: named?.[2] ?? '', ...(at ? { at } : {}) };
}

/** What the rollback did, from its own result (the text after the failure it repeats). */
function restoredBy(state: WorkflowState, steps: readonly TraceStep[]): string | undefined {
  const rollback = steps.find((s) => s.state === StateName.Rollback);
  if (!rollback) return state.remediation?.applied ? undefined : 'nothing to restore: no change was made';
  if (rollback.error || state.rollbackError) return `the rollback failed: ${stepCause(rollback) || causeText(state.rollbackError)}`;
  const reason = (rollback.output as WorkflowState | undefined)?.escalation?.reason ?? '';
  return reason.split('; ').slice(1).join('; ') || reason || 'rolled back';
}

/**
 * Pure: the header of a trace page from the saved trace — outcome, resource, control,
 * playbook, change, decision, note and, for a failure, where it failed and what was restored.
 */
export function traceHeadline(trace: SavedTrace): TraceHeadline {
  const steps = summariseTrace(trace.execution.events);
  const state = finalState(steps);
  const recorded = (state as { recorded?: { outcome?: string; note?: string } }).recorded;
  const outcome = recorded?.outcome ?? state.escalation?.outcome ?? trace.execution.status;
  const request = state.request;
  const escalated = steps.some((s) => s.state === StateName.Escalate) && state.escalation;
  const note = recorded?.note ?? (escalated ? `Rectify ${state.escalation!.outcome}: ${state.escalation!.reason} [execution ${trace.execution.name}]` : undefined);
  const failed = steps.find((s) => s.error && s.type !== 'Fail');
  const failedAtEnd = trace.execution.status !== 'SUCCEEDED' || escalated;
  const stop = trace.execution.stopDate ? Date.parse(trace.execution.stopDate) : Number.NaN;
  const decision = decisionOf(state, steps);
  return {
    outcome,
    status: trace.execution.status,
    startedAt: trace.execution.startDate,
    ...(Number.isNaN(stop) ? {} : { durationMs: stop - Date.parse(trace.execution.startDate) }),
    ...(request ? { finding: { id: request.findingId, title: request.title, severity: request.severity } } : {}),
    ...(request ? { resource: { id: request.resource.id, type: request.resource.type, account: request.account, region: request.region } } : {}),
    ...(state.policy?.controlId ?? request?.controlIds[0] ? { controlId: state.policy?.controlId ?? request!.controlIds[0]! } : {}),
    ...(state.policy?.playbookId ? { playbookId: state.policy.playbookId } : {}),
    ...(state.risk ? { risk: { level: state.risk.level, reasons: state.risk.reasons } } : {}),
    ...(state.remediation
      ? { change: { applied: state.remediation.applied, dryRun: state.remediation.dryRun, summary: state.remediation.plan.summary, changes: state.remediation.plan.changes.map((c) => c.description) } }
      : {}),
    ...(decision ? { decision } : {}),
    ...(note ? { note } : {}),
    ...(failed && failedAtEnd
      ? { failure: { state: failed.state, error: failed.error!.error, cause: stepCause(failed), ...(restoredBy(state, steps) ? { restored: restoredBy(state, steps)! } : {}) } }
      : {}),
  };
}
