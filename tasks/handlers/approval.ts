import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { adminClient } from '../aws/clientFactory.js';
import { approvalPage, outcomePage, SECURITY_HEADERS, type ApprovalView, type OutcomePage } from '../approval/pages.js';
import { csrfTokenFor, verifyApprovalSignature, verifyCsrfToken } from '../approval/signing.js';
import { cancelApproval } from '../approval/cancelPending.js';
import { approvalSigningKey } from '../approval/signingKey.js';
import { AuditEvent, ErrorName, Mode, StateName } from '../domain/constants.js';
import { readPolicy } from '../aws/policyParameter.js';
import { emitApprovalLatency, logger } from '../observability.js';
import { appendAudit, decideApproval, getApproval, markApprovalExpired } from '../store/table.js';
import { defaultDeps, type TaskDeps } from './deps.js';

const STATUS: Record<OutcomePage, number> = { approved: 200, rejected: 200, 'already-decided': 409, expired: 410, invalid: 403, 'name-required': 400, cancelled: 409 };
const page = (kind: OutcomePage): APIGatewayProxyResult => ({ statusCode: STATUS[kind], headers: SECURITY_HEADERS, body: outcomePage(kind) });

/** Whether the policy's mode is `off` now. A policy that cannot be read is not taken as off: the change itself re-checks it and fails closed. */
async function killSwitchOn(deps: TaskDeps): Promise<boolean> {
  try {
    return (await readPolicy(deps.config().policyParameter)).mode === Mode.OFF;
  } catch (error) {
    logger.warn('policy not readable for the kill-switch check', { error: (error as Error).name });
    return false;
  }
}

/** Free text from a form, bounded and without control characters. */
function clean(value: string | null | undefined, max: number): string {
  return (value ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, max);
}

function formOf(event: APIGatewayProxyEvent): URLSearchParams {
  const query = Object.entries(event.queryStringParameters ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  if (event.httpMethod !== 'POST') return new URLSearchParams(query);
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const form = new URLSearchParams(raw);
  // The form repeats exp and sig; fall back to the link's query string.
  for (const [key, value] of query) if ((key === 'exp' || key === 'sig') && !form.get(key)) form.set(key, value);
  return form;
}

/**
 * The approval endpoint. GET shows the request and never changes state (mail scanners open
 * every link). POST decides: signature (constant time) and expiry first — before the id is
 * even looked up, so an invalid link reveals nothing —, then the CSRF token bound to this
 * approval, then a single-use conditional update, and only then SendTaskSuccess/Failure.
 */
export function createApprovalHandler(deps: TaskDeps = defaultDeps) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    if (event.httpMethod !== 'GET' && event.httpMethod !== 'POST') {
      return { statusCode: 405, headers: { ...SECURITY_HEADERS, Allow: 'GET, POST' }, body: outcomePage('invalid') };
    }
    const approvalId = event.pathParameters?.id ?? '';
    const form = formOf(event);
    const exp = Number(form.get('exp'));
    const sig = form.get('sig') ?? '';
    if (!/^[0-9a-f-]{36}$/.test(approvalId) || !Number.isInteger(exp) || sig === '') return page('invalid');
    const key = await approvalSigningKey();
    if (!verifyApprovalSignature(key, approvalId, exp, sig)) return page('invalid');
    const now = deps.now();
    if (now.getTime() >= exp * 1000) return page('expired');
    const { tableName } = deps.config();
    const approval = await getApproval(tableName, approvalId);
    if (!approval || Math.floor(Date.parse(approval.expiresAt) / 1000) !== exp) return page('invalid');
    if (approval.status === 'EXPIRED') return page('expired');
    if (approval.status === 'CANCELLED') return page('cancelled');
    if (approval.status !== 'PENDING') return page('already-decided');
    // mode off (the kill switch) cancels waiting approvals: the page says so and the execution ends without a change.
    if (await killSwitchOn(deps)) {
      const result = await cancelApproval(tableName, approval);
      if (typeof result === 'object') logger.warn('cancelled approval: its execution could not be told', { approvalId, error: result.error });
      return page('cancelled');
    }

    if (event.httpMethod === 'GET') {
      const view = { ...(approval.summary as unknown as Omit<ApprovalView, 'approvalId' | 'expiresAt'>), approvalId, expiresAt: approval.expiresAt, requestedAt: approval.requestedAt };
      return { statusCode: 200, headers: SECURITY_HEADERS, body: approvalPage(view, { exp, sig, csrf: csrfTokenFor(key, approvalId, exp) }, now) };
    }

    if (!verifyCsrfToken(key, approvalId, exp, form.get('csrf') ?? '')) return page('invalid');
    const decision = form.get('decision');
    if (decision !== 'approve' && decision !== 'reject') return page('invalid');
    // A link is a bearer credential: the typed name is what the record can say about who decided (docs/approvals.md). No name, no decision.
    const decidedBy = clean(form.get('name'), 100);
    if (decidedBy.length < 2) return page('name-required');
    const comment = clean(form.get('comment'), 500);
    const status = decision === 'approve' ? 'APPROVED' : 'REJECTED';
    if (!(await decideApproval(tableName, approvalId, status, decidedBy, comment))) return page('already-decided');

    const sfn = adminClient(SFNClient);
    try {
      if (status === 'APPROVED') {
        await sfn.send(new SendTaskSuccessCommand({ taskToken: approval.taskToken, output: JSON.stringify({ decision: status, decidedBy, comment, planDigest: (approval.summary as { planDigest?: string }).planDigest }) }));
      } else {
        await sfn.send(
          new SendTaskFailureCommand({ taskToken: approval.taskToken, error: ErrorName.ApprovalRejected, cause: `Rejected by ${decidedBy}${comment ? `: ${comment}` : ''}` }),
        );
      }
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') {
        // The workflow already stopped waiting (timed out and escalated): the decision came too late.
        await markApprovalExpired(tableName, approvalId);
        return page('expired');
      }
      throw error;
    }
    const latencySeconds = Math.max(0, Math.round((now.getTime() - Date.parse(approval.requestedAt)) / 1000));
    emitApprovalLatency(latencySeconds, status);
    const summary = approval.summary as { findingId?: string; controlId?: string; resourceId?: string; account?: string; region?: string };
    await appendAudit(tableName, {
      executionName: approval.executionName,
      event: AuditEvent.APPROVAL_DECIDED,
      step: StateName.AwaitApproval,
      actor: decidedBy,
      ...(summary.findingId ? { findingId: summary.findingId } : {}),
      ...(summary.controlId ? { controlId: summary.controlId } : {}),
      ...(summary.resourceId ? { resourceId: summary.resourceId } : {}),
      ...(summary.account ? { account: summary.account } : {}),
      ...(summary.region ? { region: summary.region } : {}),
      detail: {
        approvalId,
        decision: status,
        comment,
        latencySeconds,
        sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
        userAgent: clean(event.headers?.['User-Agent'] ?? event.headers?.['user-agent'], 300),
      },
    });
    logger.info('approval decided', { approvalId, decision: status });
    return page(status === 'APPROVED' ? 'approved' : 'rejected');
  };
}

export const handler = createApprovalHandler();
