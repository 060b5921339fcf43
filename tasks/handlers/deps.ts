import { clientsFor, type AwsClients } from '../aws/clientFactory.js';
import type { RemediationRequest } from '../domain/finding.js';
import type { WorkflowState } from '../domain/workflowState.js';
import { readResourceTags } from '../domain/resourceTags.js';
import { createPlaybookContext } from '../playbooks/context.js';
import type { Playbook, PlaybookContext } from '../playbooks/definePlaybook.js';
import { playbookById, type PlaybookLookup } from '../playbooks/registry.js';
import { appendAudit, type AuditRecord } from '../store/table.js';
import { taskConfig, type TaskConfig } from '../taskConfig.js';
import type { ExecutionRef } from './defineTask.js';

/**
 * What handlers depend on, injectable so the local runtime can run the very same handlers
 * with, for example, a fault-injecting playbook lookup.
 */
export interface TaskDeps {
  readonly config: () => TaskConfig;
  readonly playbooks: PlaybookLookup;
  readonly now: () => Date;
}

export const defaultDeps: TaskDeps = {
  config: () => taskConfig(),
  playbooks: playbookById,
  now: () => new Date(),
};

/** AWS clients for the finding's account and region; the session name names the execution. */
export function clientsForRequest(config: TaskConfig, request: RemediationRequest, execution: ExecutionRef): AwsClients {
  return clientsFor(request.account, request.region, {
    adminAccount: config.adminAccount,
    memberRoleName: config.memberRoleName,
    sameAccountShortcut: config.sameAccountShortcut,
    sessionName: `rectify-${execution.name}`,
    partition: request.partition,
  });
}

/** The playbook chosen by LoadPolicy, with a context for the finding's account. */
export function playbookContextFor(
  deps: TaskDeps,
  state: WorkflowState,
  execution: ExecutionRef,
): { playbook: Playbook; ctx: PlaybookContext<unknown>; request: RemediationRequest } {
  const request = state.request;
  const playbookId = state.policy?.playbookId;
  if (!request || !playbookId) throw new Error('state has no request or playbook: LoadPolicy must run first');
  const playbook = deps.playbooks(playbookId);
  if (!playbook) throw new Error(`playbook ${playbookId} is not registered`);
  const ctx = createPlaybookContext(
    playbook,
    request,
    clientsForRequest(deps.config(), request, execution),
    state.policy?.playbookSettings,
    state.policy?.controlId,
  );
  return { playbook, ctx, request };
}

/**
 * Live tags of the finding's resource: the playbook's own reader when it has one (IAM, the
 * account), otherwise the Resource Groups Tagging API. Throws when they cannot be read.
 */
export async function liveTagsFor(deps: TaskDeps, state: WorkflowState, execution: ExecutionRef): Promise<Record<string, string>> {
  const { playbook, ctx, request } = playbookContextFor(deps, state, execution);
  if (playbook.readTags) return playbook.readTags(ctx);
  return readResourceTags(ctx.aws, request.resource.id);
}

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
