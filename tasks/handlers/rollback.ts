import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import { MemberRole } from '../aws/memberRole.js';
import { AuditEvent, Outcome, StateName } from '../domain/constants.js';
import { RollbackFailedError } from '../domain/errors.js';
import { causeText, WorkflowStateSchema, type Escalation } from '../domain/workflowState.js';
import type { JsonValue } from '../playbooks/definePlaybook.js';
import { automationThatMayStillChange } from '../playbooks/ssmAutomation.js';
import { getAppliedState, getSnapshot } from '../store/table.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit } from './deps.js';
import { defaultPlaybookDeps, playbookContextFor, type PlaybookDeps } from './playbookDeps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * Rollback: restore the stored snapshot — only while the resource still reads as Rectify left it
 * (otherwise it is left and escalated with both states) — then read it again and check it equals
 * the snapshot. Returns the escalation to send; a failed or unconfirmed restore throws `RollbackFailed`.
 * When a runbook Remediate started may still be running, nothing is restored (it could change the
 * resource after the restore): escalated as FAILED_ROLLBACK_FAILED, naming the execution.
 */
export function createRollback(deps: PlaybookDeps = defaultPlaybookDeps) {
  return defineTask(StateName.Rollback, EventSchema, async ({ execution, state }): Promise<Escalation> => {
    const failure = causeText(state.error);
    const stillRunning = automationThatMayStillChange(failure);
    if (stillRunning) {
      const resourceId = state.request?.resource.id ?? 'the resource';
      await audit(deps, execution, state, {
        event: AuditEvent.ROLLED_BACK,
        step: StateName.Rollback,
        actor: 'automation',
        detail: { restored: false, reason: 'an SSM Automation execution may still change it: left as it is', automationExecutionId: stillRunning },
      });
      return {
        outcome: Outcome.FAILED_ROLLBACK_FAILED,
        reason:
          `${failure}; not rolled back: SSM Automation execution ${stillRunning} may still change ${resourceId}, so a restore now could be ` +
          'overwritten by it. Check it by hand: make sure the execution has ended (Systems Manager > Automation in that account and region), ' +
          'then compare the resource with the snapshot in the audit table and restore it if needed.',
      };
    }
    const stored = await getSnapshot(deps.config().tableName, execution.name);
    if (!stored) {
      // Failed before the snapshot was stored: nothing was changed, nothing to restore.
      await audit(deps, execution, state, {
        event: AuditEvent.ROLLED_BACK,
        step: StateName.Rollback,
        actor: 'automation',
        detail: { restored: false, reason: 'no snapshot: the failure came before any change' },
      });
      return { outcome: Outcome.FAILED_ROLLED_BACK, reason: `${failure}; it failed before any change, so there was nothing to restore`, changeAttempted: false };
    }
    const { playbook, ctx, request } = await playbookContextFor(deps, state, execution, MemberRole.change);
    // Undo only our own change: when the resource no longer reads as Rectify left it (a person or
    // another run changed it since), restoring the snapshot would undo their change too. Leave it.
    const applied = await getAppliedState(deps.config().tableName, execution.name);
    if (applied) {
      const current: unknown = JSON.parse(JSON.stringify(await playbook.snapshot(ctx)));
      if (!isDeepStrictEqual(current, applied.state)) {
        const both = `Rectify left ${JSON.stringify(applied.state).slice(0, 300)}; it now reads ${JSON.stringify(current).slice(0, 300)}`;
        await audit(deps, execution, state, {
          event: AuditEvent.ROLLED_BACK,
          step: StateName.Rollback,
          actor: 'automation',
          detail: { restored: false, reason: 'changed since Rectify\'s change: left as it is', applied: applied.state as JsonValue, current: current as JsonValue },
        });
        return {
          outcome: Outcome.FAILED_ROLLBACK_FAILED,
          reason: `${failure}; not rolled back: ${request.resource.id} changed after Rectify's change (by a person or another run), so it was left as it is. ${both}. Check it by hand.`,
        };
      }
    }
    try {
      await playbook.rollback(ctx, stored.snapshot as JsonValue);
    } catch (error) {
      throw new RollbackFailedError(
        `restoring ${request.resource.id} (finding ${request.findingId}) with ${playbook.id} failed: ${(error as Error).message}. ` +
          'The resource may be half-changed: restore it by hand from the snapshot in the audit table.',
        { cause: error },
      );
    }
    // Compare as stored (JSON), so undefined fields and key order cannot fake a difference.
    const after: unknown = JSON.parse(JSON.stringify(await playbook.snapshot(ctx)));
    if (!isDeepStrictEqual(after, stored.snapshot)) {
      throw new RollbackFailedError(
        `after rollback ${request.resource.id} does not match its snapshot (finding ${request.findingId}); restore it by hand. ` +
          `expected ${JSON.stringify(stored.snapshot).slice(0, 300)}, found ${JSON.stringify(after).slice(0, 300)}`,
      );
    }
    await audit(deps, execution, state, {
      event: AuditEvent.ROLLED_BACK,
      step: StateName.Rollback,
      actor: 'automation',
      detail: { restored: true, playbookId: playbook.id },
    });
    return { outcome: Outcome.FAILED_ROLLED_BACK, reason: `${failure}; the resource was restored to its snapshot` };
  });
}

export const handler = createRollback();
