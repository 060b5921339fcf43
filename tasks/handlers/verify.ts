import * as z from 'zod';
import { MemberRole } from '../aws/memberRole.js';
import { AuditEvent, StateName } from '../domain/constants.js';
import { NotYetCompliantError } from '../domain/errors.js';
import { WorkflowStateSchema } from '../domain/workflowState.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit } from './deps.js';
import { defaultPlaybookDeps, playbookContextFor, type PlaybookDeps } from './playbookDeps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * Verify: re-read the resource. Not compliant throws `NotYetCompliant`, which the workflow
 * retries with backoff (eventual consistency) and then sends to Rollback.
 */
export function createVerify(deps: PlaybookDeps = defaultPlaybookDeps) {
  return defineTask(StateName.Verify, EventSchema, async ({ execution, state }) => {
    const { playbook, ctx, request } = await playbookContextFor(deps, state, execution, MemberRole.read);
    const result = await playbook.verify(ctx);
    await audit(deps, execution, state, {
      event: AuditEvent.VERIFIED,
      step: StateName.Verify,
      actor: 'automation',
      detail: { compliant: result.compliant, detail: result.detail },
    });
    if (!result.compliant) {
      throw new NotYetCompliantError(`${request.resource.id} is still not compliant with ${state.policy?.controlId}: ${result.detail}`);
    }
    return { compliant: true, detail: result.detail };
  });
}

export const handler = createVerify();
