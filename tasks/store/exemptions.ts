import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ExemptionEntrySchema, scopeKey, type ExemptionEntry } from '../domain/exemptionRegister.js';
import { ddb } from './documentClient.js';

/** All register entries live in one partition, sorted by scope: listing is one Query. */
const PARTITION = 'EXEMPTIONS';

export async function putExemption(tableName: string, entry: ExemptionEntry): Promise<string> {
  const scope = scopeKey(entry);
  await ddb().send(
    new PutCommand({
      TableName: tableName,
      Item: { pk: PARTITION, sk: scope, ...entry, createdAt: entry.createdAt ?? new Date().toISOString() },
    }),
  );
  return scope;
}

export async function removeExemption(tableName: string, scope: string): Promise<boolean> {
  const result = await ddb().send(new DeleteCommand({ TableName: tableName, Key: { pk: PARTITION, sk: scope }, ReturnValues: 'ALL_OLD' }));
  return result.Attributes !== undefined;
}

export async function listExemptions(tableName: string): Promise<(ExemptionEntry & { scope: string })[]> {
  const items: (ExemptionEntry & { scope: string })[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PARTITION }, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) items.push({ ...ExemptionEntrySchema.parse(strip(item)), scope: String(item.sk) });
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Entries for these scopes, in the order given. Throws when the register cannot be read (callers fail closed). */
export async function exemptionsFor(tableName: string, scopes: readonly string[]): Promise<ExemptionEntry[]> {
  const unique = [...new Set(scopes)];
  const result = await ddb().send(
    new BatchGetCommand({ RequestItems: { [tableName]: { Keys: unique.map((sk) => ({ pk: PARTITION, sk })), ConsistentRead: true } } }),
  );
  if (Object.keys(result.UnprocessedKeys ?? {}).length > 0) throw new Error('exemption register read was throttled (unprocessed keys)');
  const found = new Map((result.Responses?.[tableName] ?? []).map((item) => [String(item.sk), ExemptionEntrySchema.parse(strip(item))]));
  return unique.flatMap((scope) => (found.has(scope) ? [found.get(scope)!] : []));
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}
