import * as z from 'zod/mini';
import { AuditEvent, StateName } from '../domain/constants.js';
import { hubRefOf, readHubCopy } from '../aws/findingHubs.js';
import { InvalidFindingError } from '../domain/errors.js';
import { quoteId, type RemediationRequest } from '../domain/finding.js';
import { requestFromExecutionInput } from '../domain/ocsfRequest.js';
import { WorkflowStateSchema } from '../domain/workflowState.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit, defaultDeps, type TaskDeps } from './deps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * ValidateFinding: ASFF (Security Hub CSPM) or OCSF (Security Hub) → RemediationRequest, or
 * `InvalidFinding` (caught by RecordInvalid). The event's finding is only a pointer: the request is
 * built from the hub's own copy (GetFindings or GetFindingsV2 in the administrator account, the
 * hub the finding came from), and a finding that hub does not hold is not acted on. Its result replaces the state (ResultPath `$`): later phases carry the small request.
 */
export function createValidateFinding(deps: TaskDeps = defaultDeps) {
  return defineTask(StateName.ValidateFinding, EventSchema, async ({ execution, state }): Promise<{ request: RemediationRequest }> => {
    const pointer = requestFromExecutionInput(state);
    const hubCopy = await readHubCopy(hubRefOf(pointer));
    if (!hubCopy) {
      throw new InvalidFindingError(
        `finding ${quoteId(pointer.findingId)} (product ${quoteId(pointer.productArn)}) is not in Security Hub: Rectify acts only on findings Security Hub holds. Nothing was changed.`,
      );
    }
    const request = requestFromExecutionInput({ ...state, finding: hubCopy });
    if ((request.format ?? 'ASFF') !== (pointer.format ?? 'ASFF')) throw new InvalidFindingError(`finding ${quoteId(pointer.findingId)}: Security Hub's copy is ${request.format}, the event's ${pointer.format}. Nothing was changed.`);
    await audit(deps, execution, { ...state, request }, {
      event: AuditEvent.VALIDATED,
      step: StateName.ValidateFinding,
      actor: 'automation',
      detail: { controlIds: request.controlIds, severity: request.severity, source: request.source, format: request.format },
    });
    return { request };
  });
}

export const handler = createValidateFinding();
