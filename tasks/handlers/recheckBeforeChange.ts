import { hubRefOf, readHubCopy } from '../aws/findingHubs.js';
import { findingStateOf } from '../domain/ocsfRequest.js';
import { ApprovalNeededError, ExemptAtChangeError, SkippedAtChangeError } from '../domain/errors.js';
import type { Policy } from '../domain/policy.js';
import { liveTagsOf } from '../domain/resourceTags.js';
import { classifySeverity } from '../domain/classifySeverity.js';
import { IMPACTS } from '../domain/constants.js';
import { impactOf, type Plan, type Playbook, type PlaybookContext } from '../playbooks/definePlaybook.js';
import type { WorkflowState } from '../domain/workflowState.js';
import { acquireLock, readBreaker } from '../store/guardrails.js';
import { decideExemption } from './checkExemption.js';
import type { ExecutionRef } from './defineTask.js';
import { readPolicy } from '../aws/policyParameter.js';
import { decidePolicy } from './loadPolicy.js';
import type { PlaybookDeps } from './playbookDeps.js';

/**
 * The re-check at the moment of change (DESIGN §2, trust rules; docs/decisions/009). An approval
 * can wait a day and the world moves meanwhile, so just before `apply` — automatic or approved —
 * Remediate reads again: Security Hub's copy of the finding, the policy (kill switch, per-control
 * setting, allow lists, playbook), the exemption (live tag and register), the circuit breakers and
 * the resource lock, and whether the plan about to be applied is more disruptive than the one
 * classified (an unapproved plan that now needs a person goes to one). It throws `SkippedAtChange`, `ExemptAtChange` or `ApprovalNeeded`; a fact it
 * cannot read throws as is (the change does not happen). Returns what it checked, for the audit,
 * and the policy it read.
 */
export async function recheckBeforeChange(
  deps: PlaybookDeps,
  execution: ExecutionRef,
  state: WorkflowState,
  target: { playbook: Playbook; ctx: PlaybookContext<unknown>; plan: Plan },
): Promise<{ checked: string[]; policy: Policy }> {
  const { request, policy: earlier } = state;
  if (!request || !earlier?.playbookId || !earlier.controlId) throw new Error('the re-check needs the request and the policy decision');
  const checked: string[] = [];

  const hub = await readHubCopy(hubRefOf(request));
  if (!hub) throw new SkippedAtChangeError('the finding is no longer in Security Hub; nothing was changed');
  const now = { ...request, ...findingStateOf(request.format, hub) };
  checked.push(`Security Hub: ${now.complianceStatus}/${now.recordState}, workflow ${now.workflowStatus}`);

  const policy = await readPolicy(deps.config().policyParameter);
  const decision = decidePolicy(now, policy);
  if (!decision.proceed) throw new SkippedAtChangeError(`at the moment of change: ${decision.reason}; nothing was changed`);
  if (decision.playbookId !== earlier.playbookId) throw new SkippedAtChangeError(`the policy now chooses playbook ${decision.playbookId}, not ${earlier.playbookId}; nothing was changed`);
  if (decision.dryRun) throw new SkippedAtChangeError('mode is now dry-run; nothing was changed');
  if (decision.approvalForced && !state.approval) throw new ApprovalNeededError(`the policy now asks a person to approve (${decision.reason})`);
  checked.push(`policy: mode ${decision.mode}, control setting ${decision.controlSetting}`);

  // The live tag through the change role Remediate holds: its task role may assume no other (docs/decisions/010).
  // One live read serves the exemption and, when the plan became more disruptive, the criticality.
  let tags: Promise<Record<string, string>> | undefined;
  const liveTags = () => (tags ??= liveTagsOf(target.playbook, target.ctx));
  const exemption = await decideExemption(deps, state, liveTags);
  if (exemption.exempt) throw new ExemptAtChangeError(`exempt at the moment of change: ${exemption.reason}; nothing was changed`);
  checked.push(`exemption: ${exemption.reason}`);

  const { tableName, approvalTimeoutSeconds } = deps.config();
  if (!state.approval) {
    for (const scope of [request.account, 'global']) {
      const breaker = await readBreaker(tableName, scope);
      if (breaker.state === 'OPEN') throw new ApprovalNeededError(`circuit breaker ${scope === 'global' ? 'for all accounts' : `for account ${scope}`} opened since this change was classified`);
    }
    checked.push('circuit breakers closed');
    // Impact is the plan's (DESIGN §5): the resource may have changed since ClassifySeverity planned.
    const impact = impactOf(target.playbook, target.plan);
    const classified = state.risk?.impact ?? earlier.impact ?? impact.level;
    if (IMPACTS.indexOf(impact.level) > IMPACTS.indexOf(classified)) {
      const now = classifySeverity(request, impact, await liveTags(), policy);
      if (now.approvalRequired) throw new ApprovalNeededError(`the plan is now ${impact.level} (${impact.why}); risk ${now.level} needs a person`);
    }
    checked.push(`plan impact ${impact.level}`);
  }
  // Still ours: re-taking the lock is a no-op for its owner and fails if it expired and another execution took it.
  const lock = await acquireLock(tableName, earlier.controlId, request.resource.id, execution.name, deps.now(), approvalTimeoutSeconds + 2 * 3600);
  if (!lock.acquired) throw new SkippedAtChangeError(`execution ${lock.heldBy} now holds the lock on ${request.resource.id}; nothing was changed`);
  checked.push('lock held');
  return { checked, policy };
}
