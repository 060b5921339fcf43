import * as z from 'zod/mini';
import { AuditEvent, StateName } from '../domain/constants.js';
import { readFindingFromHub } from '../aws/securityHub.js';
import { InvalidFindingError } from '../domain/errors.js';
import { quoteId, toRemediationRequest, type RemediationRequest } from '../domain/finding.js';
import { WorkflowStateSchema } from '../domain/workflowState.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit, defaultDeps, type TaskDeps } from './deps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * ValidateFinding: ASFF → RemediationRequest, or `InvalidFinding` (caught by RecordInvalid).
 * The event's finding is only a pointer: the request is built from Security Hub's own copy
 * (GetFindings in the administrator account), and a finding Security Hub does not hold is not
 * acted on. Its result replaces the state (ResultPath `$`): later phases carry the small request.
 */
export function createValidateFinding(deps: TaskDeps = defaultDeps) {
  return defineTask(StateName.ValidateFinding, EventSchema, async ({ execution, state }): Promise<{ request: RemediationRequest }> => {
    const pointer = toRemediationRequest(state);
    const hubCopy = await readFindingFromHub({ id: pointer.findingId, productArn: pointer.productArn });
    if (!hubCopy) {
      throw new InvalidFindingError(
        `finding ${quoteId(pointer.findingId)} (product ${quoteId(pointer.productArn)}) is not in Security Hub: Rectify acts only on findings Security Hub holds. Nothing was changed.`,
      );
    }
    const request = toRemediationRequest({ ...state, finding: hubCopy });
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
