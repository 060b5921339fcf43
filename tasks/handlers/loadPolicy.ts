import * as z from 'zod/mini';
import { readPolicy } from '../aws/policyParameter.js';
import { AuditEvent, ControlSetting, Mode, Outcome, StateName } from '../domain/constants.js';
import type { RemediationRequest } from '../domain/finding.js';
import type { Policy } from '../domain/policy.js';
import { WorkflowStateSchema, type PolicyDecision } from '../domain/workflowState.js';
import { playbookIndex } from '../playbooks/index.generated.js';
import { playbookCovering } from '../playbooks/playbookSummary.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit, defaultDeps, type TaskDeps } from './deps.js';

// Where callers have always read it; the approval endpoint imports it from its own module.
export { readPolicy };

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/** Workflow statuses of an open finding; any other (SUPPRESSED, RESOLVED, an OCSF status with no ASFF counterpart) is not acted on. */
const OPEN_WORKFLOWS: readonly string[] = ['NEW', 'NOTIFIED'];

/**
 * `aws/securityhub` from `arn:aws:securityhub:us-east-1::product/aws/securityhub` (Security Hub CSPM)
 * or `arn:aws:securityhub:us-east-1::productv2/aws/securityhub` (Security Hub, OCSF `metadata.product.uid`).
 */
export function productOf(productArn: string): string | undefined {
  return /^arn:[\w-]+:securityhub:[\w-]*:\d{0,12}:product(?:v2)?\/([^/]+\/[^/]+)$/.exec(productArn)?.[1];
}

const STRICTNESS: Readonly<Record<ControlSetting, number>> = { [ControlSetting.AUTO]: 0, [ControlSetting.APPROVE]: 1, [ControlSetting.OFF]: 2 };

/**
 * The policy's setting for one control. Keys are matched without regard to case, as an operator
 * may have typed them by hand; when several match, the strictest wins (off > approve > auto).
 */
function controlSettingFor(controls: Policy['controls'], controlId: string): ControlSetting | undefined {
  const wanted = controlId.toLowerCase();
  return Object.entries(controls)
    .filter(([key]) => key.toLowerCase() === wanted)
    .map(([, setting]) => setting)
    .reduce<ControlSetting | undefined>((strictest, s) => (strictest === undefined || STRICTNESS[s] > STRICTNESS[strictest] ? s : strictest), undefined);
}

/** Pure decision: may Rectify act on this request under this policy, and how? */
export function decidePolicy(request: RemediationRequest, policy: Policy): PolicyDecision {
  const base = { mode: policy.mode, dryRun: false, approvalForced: false };
  const skip = (outcome: Outcome, reason: string, extra: Partial<PolicyDecision> = {}): PolicyDecision => ({
    ...base,
    ...extra,
    proceed: false,
    outcome,
    reason,
  });
  const product = productOf(request.productArn);
  if (!product || !policy.trustedProducts.includes(product)) {
    return skip(Outcome.POLICY_SKIPPED, `finding comes from product ${product ?? request.productArn}, which the policy does not trust (trustedProducts: ${policy.trustedProducts.join(', ')})`);
  }
  // Security Hub's copy (ValidateFinding re-read it) says whether there is still something to fix.
  if (request.complianceStatus !== 'FAILED' || request.recordState !== 'ACTIVE') {
    return skip(Outcome.POLICY_SKIPPED, `finding is ${request.complianceStatus}/${request.recordState} in Security Hub, not FAILED/ACTIVE: nothing to fix`);
  }
  if (!OPEN_WORKFLOWS.includes(request.workflowStatus)) {
    return skip(Outcome.POLICY_SKIPPED, `finding is ${request.workflowStatus} in Security Hub: someone closed it, so nothing is changed`);
  }
  // The generated index, not the registry: choosing needs no playbook code or SDK client in this bundle.
  const match = playbookCovering(request.controlIds, playbookIndex);
  if (!match) return skip(Outcome.NO_PLAYBOOK, `no playbook covers control ${request.controlIds.join(' / ')}`);
  const { playbook, controlId } = match;
  const found = { controlId, playbookId: playbook.id, impact: playbook.impact };
  if (playbook.resourceType !== request.resource.type) {
    return skip(Outcome.NO_PLAYBOOK, `playbook ${playbook.id} handles ${playbook.resourceType}, not ${request.resource.type}`, found);
  }
  if (policy.mode === Mode.OFF) return skip(Outcome.POLICY_SKIPPED, 'mode is off (kill switch)', found);
  const controlSetting = controlSettingFor(policy.controls, controlId) ?? controlSettingFor(policy.controls, request.controlIds[0]!) ?? ControlSetting.AUTO;
  if (controlSetting === ControlSetting.OFF) {
    return skip(Outcome.POLICY_SKIPPED, `control ${controlId} is off in the policy`, { ...found, controlSetting });
  }
  if (policy.allowedAccounts.length > 0 && !policy.allowedAccounts.includes(request.account)) {
    return skip(Outcome.POLICY_SKIPPED, `account ${request.account} is not in the allowed accounts`, { ...found, controlSetting });
  }
  if (policy.allowedRegions.length > 0 && !policy.allowedRegions.includes(request.region)) {
    return skip(Outcome.POLICY_SKIPPED, `region ${request.region} is not in the allowed regions`, { ...found, controlSetting });
  }
  const dryRun = policy.mode === Mode.DRY_RUN;
  const approvalForced = !dryRun && (policy.mode === Mode.APPROVE_ALL || controlSetting === ControlSetting.APPROVE);
  return {
    ...found,
    proceed: true,
    mode: policy.mode,
    controlSetting,
    dryRun,
    approvalForced,
    playbookSettings: policy.playbookSettings[playbook.id],
    reason: dryRun
      ? `mode is dry-run: ${playbook.id} will plan but not change anything`
      : `playbook ${playbook.id} fixes ${controlId}; mode ${policy.mode}, control setting ${controlSetting}`,
  };
}

/** LoadPolicy: the operator's policy (read fresh every execution) and the playbook lookup. */
export function createLoadPolicy(deps: TaskDeps = defaultDeps) {
  return defineTask(StateName.LoadPolicy, EventSchema, async ({ execution, state }) => {
    const request = state.request;
    if (!request) throw new Error('LoadPolicy needs the validated request');
    const policy = await readPolicy(deps.config().policyParameter);
    const decision = decidePolicy(request, policy);
    await audit(deps, execution, state, {
      event: AuditEvent.POLICY_LOADED,
      step: StateName.LoadPolicy,
      actor: 'automation',
      detail: { proceed: decision.proceed, reason: decision.reason, mode: decision.mode, playbookId: decision.playbookId },
    });
    return { ...decision, policy };
  });
}

export const handler = createLoadPolicy();
