import { z } from 'zod';
import { AuditEvent, StateName } from '../domain/constants.js';
import { classifySeverity } from '../domain/classifySeverity.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { WorkflowStateSchema, type RiskResult } from '../domain/workflowState.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit, defaultDeps, liveTagsFor, type TaskDeps } from './deps.js';

const EventSchema = z.object({ execution: ExecutionRefSchema, state: WorkflowStateSchema });

/**
 * ClassifySeverity: change risk from the finding's severity, the resource's criticality
 * (live tags and production accounts) and the playbook's impact. Unreadable tags throw:
 * a resource we cannot classify is not changed.
 */
export function createClassifySeverity(deps: TaskDeps = defaultDeps) {
  return defineTask(StateName.ClassifySeverity, EventSchema, async ({ execution, state }): Promise<RiskResult> => {
    const { request, policy: decision } = state;
    if (!request || !decision?.impact) throw new Error('ClassifySeverity needs the request and the policy decision');
    const policy = decision.policy ?? DEFAULT_POLICY;
    const liveTags = await liveTagsFor(deps, state, execution);
    const classification = classifySeverity(request, decision.impact, { ...request.resource.tags, ...liveTags }, policy);
    const reasons = [...classification.reasons];
    if (decision.approvalForced) reasons.push(`approval required by ${decision.mode === 'approve-all' ? 'mode approve-all' : `control setting ${decision.controlSetting}`}`);
    if (decision.dryRun) reasons.push('dry-run: nothing will change, so no approval is needed');
    const result: RiskResult = {
      ...classification,
      reasons,
      approvalRequired: !decision.dryRun && (decision.approvalForced || classification.approvalRequired),
    };
    await audit(deps, execution, state, {
      event: AuditEvent.CLASSIFIED,
      step: StateName.ClassifySeverity,
      actor: 'automation',
      detail: { ...result },
    });
    return result;
  });
}

export const handler = createClassifySeverity();
