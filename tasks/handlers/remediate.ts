import * as z from 'zod';
import { MemberRole } from '../aws/memberRole.js';
import { AuditEvent, StateName } from '../domain/constants.js';
import { ApprovalNeededError, describeError, ExemptAtChangeError, PlanChangedError, RemediationFailedError, SkippedAtChangeError } from '../domain/errors.js';
import { planDigest } from '../domain/planDigest.js';
import { impactOf } from '../playbooks/definePlaybook.js';
import { WorkflowStateSchema, type RemediationResult } from '../domain/workflowState.js';
import { putAppliedState, putSnapshot } from '../store/table.js';
import { asThrottled, defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit } from './deps.js';
import { defaultPlaybookDeps, playbookContextFor, type PlaybookDeps } from './playbookDeps.js';
import { recheckBeforeChange } from './recheckBeforeChange.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * Remediate: snapshot → plan → re-check every safety fact and compare the plan with the approved
 * one → store the snapshot → apply → store what was written. In dry-run only the plan is recorded.
 */
export function createRemediate(deps: PlaybookDeps = defaultPlaybookDeps) {
  return defineTask(StateName.Remediate, EventSchema, async ({ execution, state }): Promise<RemediationResult> => {
    const { playbook, ctx, request } = await playbookContextFor(deps, state, execution, MemberRole.change);
    const dryRun = state.policy?.dryRun ?? true;
    const { tableName } = deps.config();
    try {
      const snapshot = await playbook.snapshot(ctx);
      const plan = await playbook.plan(ctx, snapshot);
      const digest = planDigest({ playbookId: playbook.id, resourceId: request.resource.id, changes: plan.changes });
      await audit(deps, execution, state, {
        event: AuditEvent.PLANNED,
        step: StateName.Remediate,
        actor: 'automation',
        detail: { playbookId: playbook.id, dryRun, summary: plan.summary, changes: plan.changes.map((c) => c.description), impact: impactOf(playbook, plan), planDigest: digest },
      });
      const result = { summary: plan.summary, changes: [...plan.changes] };
      if (dryRun || plan.changes.length === 0) return { dryRun, applied: false, plan: result };

      // The moment of change: read every safety fact again, and apply only the plan a person approved.
      const { checked, policy } = await recheckBeforeChange(deps, execution, state, { playbook, ctx, plan });
      if (state.approval && state.approval.planDigest !== digest) {
        await audit(deps, execution, state, {
          event: AuditEvent.PLAN_CHANGED,
          step: StateName.Remediate,
          actor: 'automation',
          detail: { approvedDigest: state.approval.planDigest ?? '(none)', approvedBy: state.approval.decidedBy, newDigest: digest, newPlan: result.changes.map((c) => c.description) },
        });
        const why = `the plan changed since ${state.approval.decidedBy} approved it (the resource changed while the request waited); nothing was changed`;
        throw policy.onPlanChange === 'escalate' ? new PlanChangedError(why) : new ApprovalNeededError(why);
      }
      await audit(deps, execution, state, { event: AuditEvent.RECHECKED, step: StateName.Remediate, actor: 'automation', detail: { checked } });

      // Stored before anything changes, so Rollback can always restore it.
      await putSnapshot(tableName, execution.name, playbook.id, snapshot);
      await audit(deps, execution, state, { event: AuditEvent.SNAPSHOT_TAKEN, step: StateName.Remediate, actor: 'automation' });
      await playbook.apply(ctx, plan);
      // What Rectify wrote: Rollback undoes the change only while the resource still reads so.
      await putAppliedState(tableName, execution.name, await playbook.snapshot(ctx));
      await audit(deps, execution, state, {
        event: AuditEvent.APPLIED,
        step: StateName.Remediate,
        actor: state.approval?.decidedBy ? `automation (approved by ${state.approval.decidedBy})` : 'automation',
        detail: { playbookId: playbook.id, changes: plan.changes.map((c) => c.description), planDigest: digest },
      });
      return { dryRun, applied: true, plan: result };
    } catch (error) {
      // Throttling is retried by the workflow; the re-check's decisions are routed by name. Neither changed anything.
      if (
        asThrottled(error) ||
        error instanceof ApprovalNeededError ||
        error instanceof PlanChangedError ||
        error instanceof ExemptAtChangeError ||
        error instanceof SkippedAtChangeError
      ) {
        throw error;
      }
      const { error: name, cause } = describeError(error);
      // The change may be half-made: say so in the trail before Rollback runs.
      await audit(deps, execution, state, {
        event: AuditEvent.REMEDIATION_FAILED,
        step: StateName.Remediate,
        actor: 'automation',
        error: { error: name, cause },
        detail: { playbookId: playbook.id },
      });
      throw new RemediationFailedError(
        `playbook ${playbook.id} failed on ${request.resource.id} (finding ${request.findingId}): ${name}: ${cause}`,
        { cause: error },
      );
    }
  });
}

export const handler = createRemediate();
