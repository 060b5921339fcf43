import type { WorkflowState } from '../domain/workflowState.js';
import { appendAudit, type AuditRecord } from '../store/table.js';
import { taskConfig, type TaskConfig } from '../taskConfig.js';
import type { ExecutionRef } from './defineTask.js';

/**
 * What every handler depends on, injectable so the local runtime can run the very same
 * handlers. Handlers that run a playbook take `PlaybookDeps` (playbookDeps.ts) instead; this
 * module imports no playbook, so the other functions' bundles carry none of them.
 */
export interface TaskDeps {
  readonly config: () => TaskConfig;
  readonly now: () => Date;
}

export const defaultDeps: TaskDeps = {
  config: () => taskConfig(),
  now: () => new Date(),
};

/** Append an audit event carrying the finding's identity. */
export async function audit(
  deps: TaskDeps,
  execution: ExecutionRef,
  state: WorkflowState,
  record: Omit<AuditRecord, 'executionName' | 'findingId' | 'controlId' | 'resourceId' | 'account' | 'region'> & { findingId?: string },
): Promise<void> {
  const request = state.request;
  await appendAudit(
    deps.config().tableName,
    {
      executionName: execution.name,
      ...(request
        ? {
            findingId: request.findingId,
            controlId: state.policy?.controlId ?? request.controlIds[0],
            resourceId: request.resource.id,
            account: request.account,
            region: request.region,
          }
        : {}),
      ...record,
    },
    deps.now(),
  );
}
