import { z } from 'zod';
import { AuditEvent, StateName } from '../domain/constants.js';
import { toRemediationRequest, type RemediationRequest } from '../domain/finding.js';
import { WorkflowStateSchema } from '../domain/workflowState.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit, defaultDeps, type TaskDeps } from './deps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * ValidateFinding: ASFF → RemediationRequest, or `InvalidFinding` (caught by RecordInvalid).
 * Its result replaces the state (ResultPath `$`): later phases carry the small request, not the finding.
 */
export function createValidateFinding(deps: TaskDeps = defaultDeps) {
  return defineTask(StateName.ValidateFinding, EventSchema, async ({ execution, state }): Promise<{ request: RemediationRequest }> => {
    const request = toRemediationRequest(state);
    await audit(deps, execution, { ...state, request }, {
      event: AuditEvent.VALIDATED,
      step: StateName.ValidateFinding,
      actor: 'automation',
      detail: { controlIds: request.controlIds, severity: request.severity, source: request.source },
    });
    return { request };
  });
}

export const handler = createValidateFinding();
