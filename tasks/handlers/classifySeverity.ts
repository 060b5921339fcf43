import * as z from 'zod';
import { MemberRole } from '../aws/memberRole.js';
import { AuditEvent, StateName } from '../domain/constants.js';
import { classifySeverity } from '../domain/classifySeverity.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { WorkflowStateSchema, type RiskResult } from '../domain/workflowState.js';
import { checkGuardrails } from './checkGuardrails.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit } from './deps.js';
import { liveTagsOf } from '../domain/resourceTags.js';
import { impactOf } from '../playbooks/definePlaybook.js';
import { defaultPlaybookDeps, playbookContextFor, type PlaybookDeps } from './playbookDeps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * ClassifySeverity decides whether and how the change may go ahead:
 * 1. the change risk from the finding's severity, the resource's criticality (live tags and
 *    production accounts) and the impact of the plan the playbook makes now (read-only, through
 *    the read role: closing access in use or rebooting makes a plan disruptive whatever the
 *    playbook declares), and whether that needs a person;
 * 2. the guardrails (dedupe lock, flap guard, circuit breakers, blast-radius budget), which can
 *    turn an automatic change into an approval, mark it a duplicate, or stop it (`FlapGuarded`).
 * Unreadable tags or guardrails throw: a resource we cannot classify is not changed.
 */
export function createClassifySeverity(deps: PlaybookDeps = defaultPlaybookDeps) {
  return defineTask(StateName.ClassifySeverity, EventSchema, async ({ execution, state }): Promise<RiskResult> => {
    const { request, policy: decision } = state;
    if (!request || !decision?.impact || !decision.controlId) throw new Error('ClassifySeverity needs the request and the policy decision');
    const policy = decision.policy ?? DEFAULT_POLICY;

    // 1. Risk.
    const { playbook, ctx } = await playbookContextFor(deps, state, execution, MemberRole.read);
    // Live tags only: the finding's copy of the tags is never evidence (docs/decisions/008).
    const liveTags = await liveTagsOf(playbook, ctx);
    // Impact is decided per plan (DESIGN §5); Remediate checks it again on the plan it applies.
    const impact = impactOf(playbook, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const classification = classifySeverity(request, impact, liveTags, policy);
    const reasons = [...classification.reasons];
    if (decision.approvalForced) reasons.push(`approval required by ${decision.mode === 'approve-all' ? 'mode approve-all' : `control setting ${decision.controlSetting}`}`);
    const riskSaysApproval = decision.approvalForced || classification.approvalRequired;
    await audit(deps, execution, state, {
      event: AuditEvent.CLASSIFIED,
      step: StateName.ClassifySeverity,
      actor: 'automation',
      detail: { level: classification.level, criticality: classification.criticality, impact: impact.level, reasons, approvalRequired: riskSaysApproval },
    });
    if (decision.dryRun) {
      reasons.push('dry-run: nothing will change, so no approval is needed and no guardrail applies');
      return { ...classification, impact: impact.level, reasons, approvalRequired: false, duplicate: false };
    }

    // 2. Guardrails.
    const guards = await checkGuardrails(deps, execution, request, { ...decision, controlId: decision.controlId }, riskSaysApproval);
    await audit(deps, execution, state, {
      event: AuditEvent.GUARDRAILS_CHECKED,
      step: StateName.ClassifySeverity,
      actor: 'automation',
      detail: { ...guards },
    });
    return {
      ...classification,
      impact: impact.level,
      reasons: [...reasons, ...guards.reasons],
      approvalRequired: guards.approvalRequired,
      duplicate: guards.duplicate,
      ...(guards.heldBy ? { heldBy: guards.heldBy } : {}),
    };
  });
}

export const handler = createClassifySeverity();
