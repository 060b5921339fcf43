import type { EventBridgeEvent } from 'aws-lambda';
// zod/mini: this function parses one event; the classic API would be a fifth of its bundle (docs/decisions/014).
import * as z from 'zod/mini';
import { notify } from '../aws/notify.js';
import { AuditEvent } from '../domain/constants.js';
import { logger } from '../observability.js';
import { releaseLock } from '../store/guardrails.js';
import { appendAudit, readAudit } from '../store/table.js';
import { defaultDeps, type TaskDeps } from './deps.js';

const DetailSchema = z.looseObject({
  executionArn: z.string(),
  name: z.string(),
  status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED', 'RUNNING', 'PENDING_REDRIVE']),
  error: z.nullish(z.string()),
  cause: z.nullish(z.string()),
});

/**
 * The execution-status rule's target (FAILED, TIMED_OUT, ABORTED): an execution that stopped
 * before it recorded its own outcome — aborted by someone, timed out, or killed by a bug —
 * still gets an audit record, its lock is released, and people are told, with a warning when a
 * change had been applied and not rolled back.
 */
export function createExecutionStatus(deps: TaskDeps = defaultDeps) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<{ recorded: boolean; reason: string }> => {
    const detail = DetailSchema.parse(event.detail);
    if (detail.status === 'SUCCEEDED' || detail.status === 'RUNNING') return { recorded: false, reason: `status ${detail.status} needs no record` };
    const { tableName, escalationsTopicArn } = deps.config();
    const trail = await readAudit(tableName, detail.name);
    if (trail.some((a) => a.outcome)) return { recorded: false, reason: 'the execution recorded its own outcome' };
    // EventBridge retries deliveries: record and notify once.
    if (trail.some((a) => a.event === AuditEvent.EXECUTION_DIED)) return { recorded: false, reason: 'already recorded' };
    const known = trail.find((a) => a.resourceId && a.controlId);
    const applied = trail.some((a) => a.event === AuditEvent.APPLIED || a.event === AuditEvent.REMEDIATION_FAILED);
    const restored = trail.some((a) => a.event === AuditEvent.ROLLED_BACK);
    const halfChanged = applied && !restored;
    await appendAudit(
      tableName,
      {
        executionName: detail.name,
        event: AuditEvent.EXECUTION_DIED,
        step: 'ExecutionStatusRule',
        actor: 'automation',
        ...(known ? { findingId: known.findingId, controlId: known.controlId, resourceId: known.resourceId, account: known.account, region: known.region } : {}),
        detail: { status: detail.status, error: detail.error ?? null, cause: (detail.cause ?? '').slice(0, 1000), lastEvent: trail.at(-1)?.event ?? null, halfChanged },
      },
      deps.now(),
    );
    if (known?.controlId && known.resourceId) await releaseLock(tableName, known.controlId, known.resourceId, detail.name);
    await notify(
      escalationsTopicArn,
      `[Rectify] Execution ${detail.status}: ${known?.controlId ?? 'unknown control'} on ${known?.resourceId?.split(/[:/]/).pop() ?? 'unknown resource'}`,
      [
        `Rectify execution ${detail.name} stopped with status ${detail.status} before recording an outcome.`,
        `Error: ${detail.error ?? 'none'} ${detail.cause ? `— ${detail.cause.slice(0, 500)}` : ''}`,
        known ? `Resource: ${known.resourceId} (${known.account}/${known.region}), control ${known.controlId}, finding ${known.findingId}` : 'It stopped before the finding was read.',
        halfChanged
          ? 'WARNING: a change was applied and not rolled back. Check the resource now; its snapshot is in the audit table.'
          : 'No change had been applied.',
        `Execution: ${detail.executionArn}`,
      ].join('\n'),
    );
    logger.info('dead execution recorded', { executionName: detail.name, status: detail.status, halfChanged });
    return { recorded: true, reason: `recorded ${detail.status}` };
  };
}

export const handler = createExecutionStatus();
