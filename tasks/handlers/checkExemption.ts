import { z } from 'zod';
import { AuditEvent, StateName } from '../domain/constants.js';
import { ExemptionCheckFailedError } from '../domain/errors.js';
import { decideTagExemption } from '../domain/exemptionTag.js';
import { WorkflowStateSchema, type ExemptionResult } from '../domain/workflowState.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit, defaultDeps, liveTagsFor, type TaskDeps } from './deps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * CheckExemption: the resource's live `rectify:exempt` tag. When the tags cannot be read or
 * the tag is malformed the check cannot decide, so it fails closed: `ExemptionCheckFailed`
 * sends the execution to escalation and nothing is changed.
 */
export function createCheckExemption(deps: TaskDeps = defaultDeps) {
  return defineTask(StateName.CheckExemption, EventSchema, async ({ execution, state }): Promise<ExemptionResult> => {
    const request = state.request;
    if (!request) throw new Error('CheckExemption needs the validated request');
    const controlIds = state.policy?.controlId ? [state.policy.controlId, ...request.controlIds] : request.controlIds;
    let result: ExemptionResult;
    try {
      const tags = await liveTagsFor(deps, state, execution);
      const decision = decideTagExemption(tags, controlIds, deps.now());
      result = decision
        ? { exempt: decision.exempt, ...(decision.exempt ? { source: 'tag' as const } : {}), reason: decision.reason }
        : { exempt: false, reason: 'no exemption tag on the resource' };
    } catch (error) {
      throw new ExemptionCheckFailedError(
        `cannot decide the exemption of ${request.resource.id} for finding ${request.findingId}: ${(error as Error).message}. ` +
          'Nothing was changed; check that the remediation role may read the resource tags.',
        { cause: error },
      );
    }
    await audit(deps, execution, state, {
      event: AuditEvent.EXEMPTION_CHECKED,
      step: StateName.CheckExemption,
      actor: 'automation',
      detail: { ...result },
    });
    return result;
  });
}

export const handler = createCheckExemption();
