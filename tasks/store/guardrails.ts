import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from './documentClient.js';

/**
 * State behind the oversight controls (DESIGN §3). Every read that decides whether Rectify
 * may act throws when it cannot complete, so callers fail closed.
 */
const isConditionFailure = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

// --- Blast-radius budget: automatic changes per account per hour.

/** Take one unit of an account's budget for this hour; false when the budget is spent. */
export async function takeBudget(tableName: string, account: string, now: Date, limit: number): Promise<boolean> {
  if (limit <= 0) return false;
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `GUARD#BUDGET#${account}`, sk: hourWindow(now) },
        UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': Math.floor(now.getTime() / 1000) + 2 * 86_400 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** True the first time it is called for an account's hour window: alert once per window. */
export async function firstBudgetAlert(tableName: string, account: string, now: Date): Promise<boolean> {
  return setOnce(tableName, `GUARD#BUDGET#${account}`, hourWindow(now), 'alertedAt', now);
}

export function hourWindow(now: Date): string {
  return now.toISOString().slice(0, 13);
}

// --- Circuit breaker: recent remediation results per scope (an account id, or "global").

export interface BreakerState {
  readonly scope: string;
  readonly state: 'CLOSED' | 'OPEN';
  /** Recent results, newest last: S = success, F = failure or rollback. */
  readonly recent: string[];
  readonly openedAt?: string;
  readonly version: number;
}

export async function readBreaker(tableName: string, scope: string): Promise<BreakerState> {
  const result = await ddb().send(new GetCommand({ TableName: tableName, Key: { pk: 'GUARD#BREAKER', sk: scope }, ConsistentRead: true }));
  const item = result.Item;
  return item
    ? { scope, state: item.state === 'OPEN' ? 'OPEN' : 'CLOSED', recent: (item.recent as string[]) ?? [], version: Number(item.version ?? 0), ...(item.openedAt ? { openedAt: String(item.openedAt) } : {}) }
    : { scope, state: 'CLOSED', recent: [], version: 0 };
}

/**
 * Add one result and re-evaluate. Optimistic concurrency (version) so concurrent executions do
 * not lose each other's results. Returns the new state and whether this call opened it.
 */
export async function recordBreakerResult(
  tableName: string,
  scope: string,
  failed: boolean,
  now: Date,
  limits: { window: number; threshold: number },
): Promise<{ state: BreakerState; opened: boolean }> {
  // Every ending execution writes the one "global" item: retry the optimistic write with jittered
  // backoff, long enough for a storm of concurrent endings (a storm of 32 in flight was measured).
  for (let attempt = 0; attempt < 40; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * Math.min(200, 10 * attempt)));
    const current = await readBreaker(tableName, scope);
    const recent = [...current.recent, failed ? 'F' : 'S'].slice(-limits.window);
    const failures = recent.filter((r) => r === 'F').length;
    const open = current.state === 'OPEN' || failures >= limits.threshold;
    const opened = open && current.state !== 'OPEN';
    const next: BreakerState = {
      scope,
      state: open ? 'OPEN' : 'CLOSED',
      recent,
      version: current.version + 1,
      ...(opened ? { openedAt: now.toISOString() } : current.openedAt ? { openedAt: current.openedAt } : {}),
    };
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: 'GUARD#BREAKER', sk: scope, ...next },
          ConditionExpression: 'attribute_not_exists(pk) OR version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        }),
      );
      return { state: next, opened };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new Error(`circuit breaker ${scope}: too much contention to record a result`);
}

/** Close the breaker and forget its history (an operator's decision, via `rectify mode reset-breaker`). */
export async function resetBreaker(tableName: string, scope: string): Promise<void> {
  await ddb().send(new DeleteCommand({ TableName: tableName, Key: { pk: 'GUARD#BREAKER', sk: scope } }));
}

// --- Flap guard: when a resource was fixed for a control.

const fixKey = (controlId: string, resourceId: string) => ({ pk: 'GUARD#FIXES', sk: `${controlId}#${resourceId}` });

export async function fixesWithin(tableName: string, controlId: string, resourceId: string, since: Date): Promise<string[]> {
  const result = await ddb().send(new GetCommand({ TableName: tableName, Key: fixKey(controlId, resourceId), ConsistentRead: true }));
  return ((result.Item?.fixes as string[] | undefined) ?? []).filter((at) => at >= since.toISOString());
}

export async function recordFix(tableName: string, controlId: string, resourceId: string, now: Date): Promise<void> {
  await ddb().send(
    new UpdateCommand({
      TableName: tableName,
      Key: fixKey(controlId, resourceId),
      UpdateExpression: 'SET fixes = list_append(if_not_exists(fixes, :empty), :at)',
      ExpressionAttributeValues: { ':empty': [], ':at': [now.toISOString()] },
    }),
  );
}

// --- Dedupe and serialisation: one in-flight remediation per resource, whatever the control
// (EC2.13, EC2.18 and EC2.19 findings on one group must not change it at once).

const lockKey = (_controlId: string, resourceId: string) => ({ pk: 'GUARD#LOCK', sk: resourceId });

/**
 * Take the lock for this execution, or learn who holds it. A lock outlives a crashed execution
 * only until `expiresAt` (the longest an execution can run).
 */
export async function acquireLock(
  tableName: string,
  controlId: string,
  resourceId: string,
  owner: string,
  now: Date,
  ttlSeconds: number,
): Promise<{ acquired: true } | { acquired: false; heldBy: string; heldFor: string }> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName,
        Item: { ...lockKey(controlId, resourceId), owner, controlId, expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(), ttl: Math.floor(now.getTime() / 1000) + ttlSeconds },
        ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR expiresAt < :now',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':now': now.toISOString() },
      }),
    );
    return { acquired: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const held = await ddb().send(new GetCommand({ TableName: tableName, Key: lockKey(controlId, resourceId), ConsistentRead: true }));
    return { acquired: false, heldBy: String(held.Item?.owner ?? 'unknown'), heldFor: String(held.Item?.controlId ?? 'unknown') };
  }
}

/** Release the lock if this execution holds it (a no-op otherwise). */
export async function releaseLock(tableName: string, controlId: string, resourceId: string, owner: string): Promise<void> {
  try {
    await ddb().send(
      new DeleteCommand({
        TableName: tableName,
        Key: lockKey(controlId, resourceId),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

async function setOnce(tableName: string, pk: string, sk: string, field: string, now: Date): Promise<boolean> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk, sk },
        UpdateExpression: 'SET #f = :now',
        ConditionExpression: 'attribute_not_exists(#f)',
        ExpressionAttributeNames: { '#f': field },
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Every breaker that has recorded results (for `rectify mode get`). */
export async function listBreakers(tableName: string): Promise<BreakerState[]> {
  const result = await ddb().send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'GUARD#BREAKER' }, ConsistentRead: true }),
  );
  return Promise.all((result.Items ?? []).map((item) => readBreaker(tableName, String(item.sk))));
}
