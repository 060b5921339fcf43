import { clientsFor, type AwsClients } from '../aws/clientFactory.js';
import type { MemberRole } from '../aws/memberRole.js';
import type { RemediationRequest } from '../domain/finding.js';
import type { WorkflowState } from '../domain/workflowState.js';
import { liveTagsOf } from '../domain/resourceTags.js';
import { createPlaybookContext } from '../playbooks/context.js';
import type { Playbook, PlaybookContext } from '../playbooks/definePlaybook.js';
import { loadPlaybook } from '../playbooks/loadPlaybook.js';
import type { PlaybookLookup } from '../playbooks/registry.js';
import type { TaskConfig } from '../taskConfig.js';
import type { ExecutionRef } from './defineTask.js';
import { defaultDeps, type TaskDeps } from './deps.js';

/**
 * What the handlers that run a playbook in the member account depend on (CheckExemption,
 * ClassifySeverity, RequestApproval, Remediate, Verify, Rollback). Only they import this
 * module; it loads the one playbook a finding needs (and its SDK client) on demand, so their
 * bundles' cold start stays the same however many playbooks the catalog holds.
 * The lookup is injectable: the local runtime passes a fault-injecting one.
 */
export interface PlaybookDeps extends TaskDeps {
  readonly playbooks: PlaybookLookup;
}

export const defaultPlaybookDeps: PlaybookDeps = {
  ...defaultDeps,
  playbooks: loadPlaybook,
};

/**
 * AWS clients for the finding's account and region, through the member role the task needs:
 * `read` for the tasks that only look, `change` for Remediate and Rollback. The task's own
 * role may assume only that one (infra/taskAccess.ts). The session name names the execution.
 */
export function clientsForRequest(config: TaskConfig, request: RemediationRequest, execution: ExecutionRef, role: MemberRole): AwsClients {
  return clientsFor(request.account, request.region, {
    adminAccount: config.adminAccount,
    memberRoleName: config.memberRoleNames[role],
    sameAccountShortcut: config.sameAccountShortcut,
    sessionName: `rectify-${execution.name}`,
    partition: request.partition,
  });
}

/** The playbook chosen by LoadPolicy, with a context for the finding's account, through the member role `role`. */
export async function playbookContextFor(
  deps: PlaybookDeps,
  state: WorkflowState,
  execution: ExecutionRef,
  role: MemberRole,
): Promise<{ playbook: Playbook; ctx: PlaybookContext<unknown>; request: RemediationRequest }> {
  const request = state.request;
  const playbookId = state.policy?.playbookId;
  if (!request || !playbookId) throw new Error('state has no request or playbook: LoadPolicy must run first');
  const playbook = await deps.playbooks(playbookId);
  if (!playbook) throw new Error(`playbook ${playbookId} is not registered`);
  const ctx = createPlaybookContext(
    playbook,
    request,
    clientsForRequest(deps.config(), request, execution, role),
    state.policy?.playbookSettings,
    state.policy?.controlId,
  );
  return { playbook, ctx, request };
}

/**
 * Live tags of the finding's resource (its canonical identity), read with its own service's API
 * (or the playbook's reader). Throws when they cannot be read or cannot vouch for the resource.
 */
export async function liveTagsFor(deps: PlaybookDeps, state: WorkflowState, execution: ExecutionRef, role: MemberRole): Promise<Record<string, string>> {
  const { playbook, ctx } = await playbookContextFor(deps, state, execution, role);
  return liveTagsOf(playbook, ctx);
}
