import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, Outcome } from '../domain/constants.js';
import { ddb } from './documentClient.js';

/** Global secondary index over audit events by `kind` (OUTCOME, APPROVAL) and time `at`. */
export const BY_KIND_INDEX = 'byKind';

/**
 * Rectify's one table (single-table design): `pk`/`sk` strings.
 * - `EXEC#<execution>` / `AUDIT#<iso time>#<uuid>` — append-only audit events
 * - `EXEC#<execution>` / `SNAPSHOT` — the resource state before the change
 * - `APPROVAL#<id>` / `APPROVAL` — a pending approval and its task token
 * - `EXEMPTION#<scope>` / `EXEMPTION` — an exemption register entry (exemptions.ts)
 * - `GUARD#…` — budget counters, breaker state, fix history and locks (guardrails.ts)
 */
export const Keys = {
  execution: (name: string) => `EXEC#${name}`,
  audit: (at: string) => `AUDIT#${at}#${randomUUID()}`,
  snapshot: 'SNAPSHOT',
  /** The resource as Rectify left it right after apply: Rollback undoes only while it still reads so. */
  applied: 'APPLIED',
  approval: (id: string) => `APPROVAL#${id}`,
} as const;

export interface AuditRecord {
  readonly executionName: string;
  readonly event: AuditEvent;
  readonly step: string;
  /** `automation`, or the approver's name as typed. */
  readonly actor: string;
  readonly findingId?: string;
  readonly controlId?: string;
  readonly resourceId?: string;
  readonly account?: string;
  readonly region?: string;
  readonly outcome?: Outcome;
  readonly detail?: Record<string, unknown>;
  readonly error?: { error: string; cause: string };
}

/** Append one audit event. Conditional on a new key: the trail is never overwritten. */
export async function appendAudit(tableName: string, record: AuditRecord, now = new Date()): Promise<void> {
  const at = now.toISOString();
  // `kind` feeds the byKind index: reports read outcomes and decisions without scanning the table.
  const kind = record.outcome || record.event === 'EXECUTION_DIED' ? 'OUTCOME' : record.event === 'APPROVAL_DECIDED' ? 'APPROVAL' : undefined;
  await ddb().send(
    new PutCommand({
      TableName: tableName,
      Item: { pk: Keys.execution(record.executionName), sk: Keys.audit(at), at, ...(kind ? { kind } : {}), ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Every audit event of one execution, oldest first. */
export async function readAudit(tableName: string, executionName: string): Promise<(AuditRecord & { at: string })[]> {
  const items: (AuditRecord & { at: string })[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': Keys.execution(executionName), ':audit': 'AUDIT#' },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as (AuditRecord & { at: string })[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Store the pre-change snapshot; the first one wins (a retried Remediate must not overwrite it). */
export async function putSnapshot(tableName: string, executionName: string, playbookId: string, snapshot: unknown): Promise<void> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: Keys.execution(executionName),
          sk: Keys.snapshot,
          playbookId,
          snapshot: JSON.stringify(snapshot),
          at: new Date().toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

export async function getSnapshot(tableName: string, executionName: string): Promise<{ playbookId: string; snapshot: unknown } | undefined> {
  const result = await ddb().send(
    new GetCommand({ TableName: tableName, Key: { pk: Keys.execution(executionName), sk: Keys.snapshot }, ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  return { playbookId: String(result.Item.playbookId), snapshot: JSON.parse(String(result.Item.snapshot)) };
}

/** Store the resource's state right after Rectify's change (overwritten by a later apply of the same execution). */
export async function putAppliedState(tableName: string, executionName: string, state: unknown): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: tableName,
      Item: { pk: Keys.execution(executionName), sk: Keys.applied, state: JSON.stringify(state), at: new Date().toISOString() },
    }),
  );
}

export async function getAppliedState(tableName: string, executionName: string): Promise<{ state: unknown; at: string } | undefined> {
  const result = await ddb().send(new GetCommand({ TableName: tableName, Key: { pk: Keys.execution(executionName), sk: Keys.applied }, ConsistentRead: true }));
  if (!result.Item) return undefined;
  return { state: JSON.parse(String(result.Item.state)), at: String(result.Item.at) };
}

export interface ApprovalRecord {
  readonly approvalId: string;
  readonly executionName: string;
  readonly taskToken: string;
  readonly status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'CANCELLED';
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly summary: Record<string, unknown>;
}

/**
 * Store an approval and its task token server-side (the token never leaves the table), or —
 * when Step Functions retries the request with a new token — refresh the token of the same,
 * still pending approval and keep everything else, so the emailed link stays valid.
 * Returns the stored record, with `emailSentAt` once the email went out.
 */
export async function putOrRefreshApproval(
  tableName: string,
  approval: ApprovalRecord,
): Promise<ApprovalRecord & { emailSentAt?: string }> {
  const result = await ddb().send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: Keys.approval(approval.approvalId), sk: 'APPROVAL' },
      UpdateExpression:
        'SET taskToken = :token, approvalId = if_not_exists(approvalId, :id), executionName = if_not_exists(executionName, :execution), ' +
        '#status = if_not_exists(#status, :pending), requestedAt = if_not_exists(requestedAt, :requestedAt), ' +
        'expiresAt = if_not_exists(expiresAt, :expiresAt), summary = if_not_exists(summary, :summary), #ttl = if_not_exists(#ttl, :ttl), ' +
        // In the byKind index while it waits, so `mode set off` finds the waiting requests without a scan.
        '#kind = if_not_exists(#kind, :waiting), #at = if_not_exists(#at, :requestedAt)',
      ConditionExpression: 'attribute_not_exists(pk) OR #status = :pending',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl', '#kind': 'kind', '#at': 'at' },
      ExpressionAttributeValues: {
        ':token': approval.taskToken,
        ':id': approval.approvalId,
        ':execution': approval.executionName,
        ':pending': 'PENDING',
        ':waiting': PENDING_APPROVAL_KIND,
        ':requestedAt': approval.requestedAt,
        ':expiresAt': approval.expiresAt,
        ':summary': approval.summary,
        // DynamoDB TTL removes decided and expired approvals a week after expiry.
        ':ttl': Math.floor(Date.parse(approval.expiresAt) / 1000) + 7 * 86_400,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return result.Attributes as ApprovalRecord & { emailSentAt?: string };
}

/** Remember that the approval email went out, so a retried request does not send it twice. */
export async function markApprovalEmailSent(tableName: string, approvalId: string, at: string): Promise<void> {
  await ddb().send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: Keys.approval(approvalId), sk: 'APPROVAL' },
      UpdateExpression: 'SET emailSentAt = :at',
      ExpressionAttributeValues: { ':at': at },
    }),
  );
}

export async function getApproval(tableName: string, approvalId: string): Promise<ApprovalRecord | undefined> {
  const result = await ddb().send(
    new GetCommand({ TableName: tableName, Key: { pk: Keys.approval(approvalId), sk: 'APPROVAL' }, ConsistentRead: true }),
  );
  return result.Item as ApprovalRecord | undefined;
}

/** PENDING → APPROVED/REJECTED exactly once. Returns false when it was already decided. */
/** `kind` of an approval that waits for a decision (byKind index). */
export const PENDING_APPROVAL_KIND = 'PENDING_APPROVAL';

/** Every item of one `kind` in the byKind index (audit outcomes, decisions, waiting approvals) since a time, oldest first. */
export async function itemsOfKind<T>(tableName: string, kind: string, since = '0'): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BY_KIND_INDEX,
        KeyConditionExpression: '#kind = :kind AND #at >= :since',
        ExpressionAttributeNames: { '#kind': 'kind', '#at': 'at' },
        ExpressionAttributeValues: { ':kind': kind, ':since': since },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The approvals that wait for a decision, oldest first. */
export async function listPendingApprovals(tableName: string): Promise<ApprovalRecord[]> {
  return (await itemsOfKind<ApprovalRecord>(tableName, PENDING_APPROVAL_KIND)).filter((a) => a.status === 'PENDING');
}

export async function decideApproval(
  tableName: string,
  approvalId: string,
  status: 'APPROVED' | 'REJECTED' | 'CANCELLED',
  decidedBy: string,
  comment: string,
): Promise<boolean> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: Keys.approval(approvalId), sk: 'APPROVAL' },
        UpdateExpression: 'SET #status = :status, decidedBy = :by, decidedComment = :comment, decidedAt = :at REMOVE #kind',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status', '#kind': 'kind' },
        ExpressionAttributeValues: {
          ':status': status,
          ':pending': 'PENDING',
          ':by': decidedBy,
          ':comment': comment,
          ':at': new Date().toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** The workflow stopped waiting before a decision could reach it. */
export async function markApprovalExpired(tableName: string, approvalId: string): Promise<void> {
  await ddb().send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: Keys.approval(approvalId), sk: 'APPROVAL' },
      UpdateExpression: 'SET #status = :expired REMOVE #kind',
      ExpressionAttributeNames: { '#status': 'status', '#kind': 'kind' },
      ExpressionAttributeValues: { ':expired': 'EXPIRED' },
    }),
  );
}
