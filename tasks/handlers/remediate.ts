import { z } from 'zod';
import { AuditEvent, StateName } from '../domain/constants.js';
import { describeError, RemediationFailedError } from '../domain/errors.js';
import { WorkflowStateSchema, type RemediationResult } from '../domain/workflowState.js';
import { putSnapshot } from '../store/table.js';
import { asThrottled, defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit } from './deps.js';
import { defaultPlaybookDeps, playbookContextFor, type PlaybookDeps } from './playbookDeps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * Remediate: snapshot → store it → plan → apply. The snapshot is stored before anything
 * changes, so Rollback can always restore it. In dry-run only the plan is recorded.
 */
export function createRemediate(deps: PlaybookDeps = defaultPlaybookDeps) {
  return defineTask(StateName.Remediate, EventSchema, async ({ execution, state }): Promise<RemediationResult> => {
    const { playbook, ctx, request } = playbookContextFor(deps, state, execution);
    const dryRun = state.policy?.dryRun ?? true;
    try {
      const snapshot = await playbook.snapshot(ctx);
      await putSnapshot(deps.config().tableName, execution.name, playbook.id, snapshot);
      await audit(deps, execution, state, { event: AuditEvent.SNAPSHOT_TAKEN, step: StateName.Remediate, actor: 'automation' });
      const plan = await playbook.plan(ctx, snapshot);
      await audit(deps, execution, state, {
        event: AuditEvent.PLANNED,
        step: StateName.Remediate,
        actor: 'automation',
        detail: { playbookId: playbook.id, dryRun, summary: plan.summary, changes: plan.changes.map((c) => c.description) },
      });
      if (dryRun || plan.changes.length === 0) return { dryRun, applied: false, plan: { summary: plan.summary, changes: [...plan.changes] } };
      await playbook.apply(ctx, plan);
      await audit(deps, execution, state, {
        event: AuditEvent.APPLIED,
        step: StateName.Remediate,
        actor: state.approval?.decidedBy ? `automation (approved by ${state.approval.decidedBy})` : 'automation',
        detail: { playbookId: playbook.id, changes: plan.changes.map((c) => c.description) },
      });
      return { dryRun, applied: true, plan: { summary: plan.summary, changes: [...plan.changes] } };
    } catch (error) {
      // Throttling is retried by the workflow, not rolled back.
      if (asThrottled(error)) throw error;
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
