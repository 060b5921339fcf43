import * as z from 'zod';
import { MemberRole } from '../aws/memberRole.js';
import { AuditEvent, StateName } from '../domain/constants.js';
import { ExemptionCheckFailedError, InvalidControlParametersError } from '../domain/errors.js';
import { candidateScopes, decideRegisterExemption } from '../domain/exemptionRegister.js';
import { decideTagExemption } from '../domain/exemptionTag.js';
import { exemptionsFor } from '../store/exemptions.js';
import { WorkflowStateSchema, type ExemptionResult, type WorkflowState } from '../domain/workflowState.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit } from './deps.js';
import { defaultPlaybookDeps, liveTagsFor, type PlaybookDeps } from './playbookDeps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * CheckExemption: the resource's live `rectify:exempt` tag, then the central exemption register
 * (resource, account + control, account). Expired exemptions are ignored and the reason says so.
 * When the tags or the register cannot be read, or the tag is malformed, the check cannot
 * decide, so it fails closed: `ExemptionCheckFailed` escalates and nothing is changed. Control
 * parameters the playbook cannot honour escalate the same way, as `InvalidControlParameters`.
 */
export function createCheckExemption(deps: PlaybookDeps = defaultPlaybookDeps) {
  return defineTask(StateName.CheckExemption, EventSchema, async ({ execution, state }): Promise<ExemptionResult> => {
    const request = state.request;
    if (!request) throw new Error('CheckExemption needs the validated request');
    let result: ExemptionResult;
    try {
      result = await decideExemption(deps, state, () => liveTagsFor(deps, state, execution, MemberRole.read));
    } catch (error) {
      // The first step that builds the playbook's context: its own error already says what to do.
      if (error instanceof InvalidControlParametersError) throw error;
      throw new ExemptionCheckFailedError(
        `cannot decide the exemption of ${request.resource.id} for finding ${request.findingId}: ${(error as Error).name}: ${(error as Error).message}. ` +
          'Nothing was changed; check that the member read role may read the resource tags.',
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

/**
 * The exemption decision from live facts: the resource's `rectify:exempt` tag (read now), then
 * the register, keyed by the canonical identity. Used by CheckExemption (through the read role)
 * and again by Remediate just before the change (with the playbook context, and so the change-role
 * session, it already holds: no second AssumeRole).
 * Throws when a fact cannot be read.
 */
export async function decideExemption(deps: PlaybookDeps, state: WorkflowState, readTags: () => Promise<Record<string, string>>): Promise<ExemptionResult> {
  const request = state.request;
  if (!request) throw new Error('the exemption check needs the validated request');
  const controlIds = state.policy?.controlId ? [state.policy.controlId, ...request.controlIds] : request.controlIds;
  const now = deps.now();
  const tag = decideTagExemption(await readTags(), controlIds, now);
  const entries = await exemptionsFor(deps.config().tableName, candidateScopes(request.resource.id, request.account, controlIds));
  const register = decideRegisterExemption(entries, now);
  if (tag?.exempt) return { exempt: true, source: 'tag', reason: tag.reason };
  if (register?.exempt) return { exempt: true, source: 'register', reason: [tag?.reason, register.reason].filter(Boolean).join('; ') };
  const notes = [tag?.reason, register?.reason].filter(Boolean);
  return { exempt: false, reason: notes.length ? notes.join('; ') : 'no exemption tag and no register entry' };
}
