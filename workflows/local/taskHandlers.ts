import { createCheckExemption } from '../../tasks/handlers/checkExemption.js';
import { createClassifySeverity } from '../../tasks/handlers/classifySeverity.js';
import { createEscalate } from '../../tasks/handlers/escalate.js';
import { createLoadPolicy } from '../../tasks/handlers/loadPolicy.js';
import type { PlaybookDeps } from '../../tasks/handlers/playbookDeps.js';
import { createRecordOutcome } from '../../tasks/handlers/recordOutcome.js';
import { createRemediate } from '../../tasks/handlers/remediate.js';
import { createRequestApproval } from '../../tasks/handlers/requestApproval.js';
import { createRollback } from '../../tasks/handlers/rollback.js';
import { createValidateFinding } from '../../tasks/handlers/validateFinding.js';
import { createVerify } from '../../tasks/handlers/verify.js';
import type { TaskHandlerName } from '../remediationWorkflow.js';
import type { TaskHandler } from './ExecutionEngine.js';

/**
 * The deployed functions' handlers, built in-process with one set of dependencies; those that
 * run no playbook take only the `TaskDeps` part of it.
 */
export function createTaskHandlers(deps: PlaybookDeps): Record<TaskHandlerName, TaskHandler> {
  return {
    validateFinding: createValidateFinding(deps),
    loadPolicy: createLoadPolicy(deps),
    checkExemption: createCheckExemption(deps),
    classifySeverity: createClassifySeverity(deps),
    requestApproval: createRequestApproval(deps),
    remediate: createRemediate(deps),
    verify: createVerify(deps),
    rollback: createRollback(deps),
    recordOutcome: createRecordOutcome(deps),
    escalate: createEscalate(deps),
  };
}
