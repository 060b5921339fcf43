import type { AwsCall } from '../awsCallCounter.js';

export interface DynamoDbUsage {
  readonly readRequests: number;
  readonly writeRequests: number;
  /** On-demand read request units (1 per 4 KB strongly consistent, half that eventually consistent). */
  readonly readUnits: number;
  /** On-demand write request units (1 per KB written, again for each index the item lands in). */
  readonly writeUnits: number;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

type Body = { Item?: Record<string, unknown>; ConsistentRead?: boolean; RequestItems?: Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }> };

/**
 * Request units of the data-plane calls seen on the wire. Sizes are the DynamoDB-JSON lengths
 * of items written and responses read, a little above the billed item size: an upper bound.
 * Conditional writes that fail are billed too, and are counted. Items with a `kind` attribute
 * are also written to the `byKind` index (projection ALL), which costs the same again.
 */
export function dynamoDbUsage(calls: readonly AwsCall[]): DynamoDbUsage {
  let readRequests = 0;
  let writeRequests = 0;
  let readUnits = 0;
  let writeUnits = 0;
  for (const call of calls) {
    if (call.service !== 'dynamodb') continue;
    const body = (call.body ? JSON.parse(call.body) : {}) as Body;
    if (WRITES.has(call.operation)) {
      writeRequests++;
      const itemBytes = body.Item ? JSON.stringify(body.Item).length : 0;
      const units = Math.max(1, Math.ceil(itemBytes / 1024));
      writeUnits += units * (body.Item && 'kind' in body.Item ? 2 : 1) * (call.operation === 'TransactWriteItems' ? 2 : 1);
    } else if (READS.has(call.operation)) {
      readRequests++;
      if (call.operation === 'BatchGetItem') {
        for (const table of Object.values(body.RequestItems ?? {})) readUnits += (table.Keys?.length ?? 0) * (table.ConsistentRead ? 1 : 0.5);
      } else {
        readUnits += Math.max(1, Math.ceil(call.responseBytes / 4096)) * (body.ConsistentRead ? 1 : 0.5);
      }
    }
  }
  return { readRequests, writeRequests, readUnits, writeUnits };
}
