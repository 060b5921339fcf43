import { createHash } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { approvalLink } from '../approval/signing.js';
import { approvalSigningKey } from '../approval/signingKey.js';
import { adminClient } from '../aws/clientFactory.js';
import { MemberRole } from '../aws/memberRole.js';
import { AuditEvent, StateName } from '../domain/constants.js';
import { planDigest } from '../domain/planDigest.js';
import { impactOf } from '../playbooks/definePlaybook.js';
import { causeText, WorkflowStateSchema } from '../domain/workflowState.js';
import { markApprovalEmailSent, putOrRefreshApproval } from '../store/table.js';
import { defineTask, ExecutionRefSchema } from './defineTask.js';
import { audit } from './deps.js';
import { defaultPlaybookDeps, playbookContextFor, type PlaybookDeps } from './playbookDeps.js';

const EventSchema = z.object({
  taskToken: z.string().min(1),
  execution: ExecutionRefSchema,
  state: WorkflowStateSchema,
});

/**
 * AwaitApproval (request side): compute the plan a person will approve, store the approval
 * with its task token server-side, and email the approvers a signed link that carries only
 * the approval id and its expiry. The token never appears in a message, a link or a log line.
 */
export function createRequestApproval(deps: PlaybookDeps = defaultPlaybookDeps) {
  return defineTask(StateName.AwaitApproval, EventSchema, async ({ taskToken, execution, state }) => {
    const config = deps.config();
    // Snapshot and plan only read: the read role.
    const { playbook, ctx, request } = await playbookContextFor(deps, state, execution, MemberRole.read);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    const impact = impactOf(playbook, plan);
    // The approval is bound to this exact plan: Remediate applies only a plan with the same digest.
    const digest = planDigest({ playbookId: playbook.id, resourceId: request.resource.id, changes: plan.changes });
    // A new plan (the resource changed while an earlier request waited) is a new approval, with its own link.
    const approvalId = state.reapproval ? approvalIdFor(`${execution.name}|${digest}`) : approvalIdFor(execution.name);
    const why = state.reapproval ? causeText(state.reapproval) : undefined;
    const requestedAt = deps.now();
    // Whole seconds: the link's `exp` and the record's expiry must be the same instant.
    const expiresAtSeconds = Math.floor(requestedAt.getTime() / 1000) + config.approvalTimeoutSeconds;
    const expiresAt = new Date(expiresAtSeconds * 1000);
    const controlId = state.policy?.controlId ?? request.controlIds[0]!;
    const summary = {
      findingId: request.findingId,
      title: request.title,
      controlId,
      resourceId: request.resource.id,
      account: request.account,
      region: request.region,
      risk: state.risk?.level ?? 'UNKNOWN',
      riskReasons: state.risk?.reasons ?? [],
      playbookId: playbook.id,
      impact,
      plan: { summary: plan.summary, changes: plan.changes.map((c) => c.description) },
      planDigest: digest,
      // For the page: why the resource counts as production (ClassifySeverity's first reason), and its state now — what a rollback restores.
      ...(state.risk ? { criticality: { level: state.risk.criticality, because: state.risk.reasons[0] ?? '' } } : {}),
      currentState: boundedJson(snapshot, CURRENT_STATE_MAX_CHARS),
      ...(why ? { askedAgainBecause: why } : {}),
    };
    const stored = await putOrRefreshApproval(config.tableName, {
      approvalId,
      executionName: execution.name,
      taskToken,
      status: 'PENDING',
      requestedAt: requestedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      summary,
    });
    // A retry (new task token) keeps the first request's expiry and does not email twice.
    if (stored.emailSentAt) return { approvalId };
    const storedExpiry = Math.floor(Date.parse(stored.expiresAt) / 1000);
    const link = approvalLink(config.approvalBaseUrl, await approvalSigningKey(), approvalId, storedExpiry);
    await adminClient(SNSClient).send(
      new PublishCommand({
        TopicArn: config.approvalsTopicArn,
        Subject: `[Rectify] Approve ${controlId} on ${ctx.resource.name} (risk ${summary.risk})`.slice(0, 99),
        Message: [
          `Rectify asks for approval to change ${request.resource.id} in ${request.account}/${request.region}.`,
          ...(why ? [`This is a new request: ${why}.`] : []),
          `Finding: ${request.title} (${controlId}, severity ${request.severity})`,
          `Risk: ${summary.risk} — ${summary.riskReasons.join('; ')}`,
          `Planned change (${playbook.id}): ${plan.summary}`,
          `Impact: ${impact.level} — ${impact.why}`,
          ...plan.changes.map((c) => `  - ${c.description}`),
          `Your approval covers exactly this plan (${digest.slice(0, 19)}…): if the resource changes before the change is made, nothing is changed and you are asked again.`,
          `Decide before ${stored.expiresAt}: ${link}`,
          'If nobody decides by then, the request expires and is escalated.',
          `Reference: execution ${execution.name}`,
        ].join('\n'),
      }),
    );
    await markApprovalEmailSent(config.tableName, approvalId, deps.now().toISOString());
    await audit(deps, execution, state, {
      event: AuditEvent.APPROVAL_REQUESTED,
      step: StateName.AwaitApproval,
      actor: 'automation',
      detail: { approvalId, expiresAt: stored.expiresAt, risk: summary.risk, planDigest: digest, ...(why ? { askedAgainBecause: why } : {}) },
    });
    return { approvalId };
  });
}

export const handler = createRequestApproval();

/** The approval page shows the resource's state now; a large one (a long bucket policy) is cut, well inside DynamoDB's item limit. */
const CURRENT_STATE_MAX_CHARS = 4000;

/** JSON text of `value`, cut to `max` characters with a note saying so. */
export function boundedJson(value: unknown, max: number): string {
  const text = JSON.stringify(value ?? null, null, 1);
  return text.length <= max ? text : `${text.slice(0, max)}\n… (cut: ${text.length} characters in all)`;
}

/** One approval per execution, with a UUID-shaped id derived from the execution name (retries find it again). */
export function approvalIdFor(executionName: string): string {
  const h = createHash('sha256').update(`rectify-approval|${executionName}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
