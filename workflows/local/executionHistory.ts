import type { IncomingMessage, ServerResponse } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../tasks/store/documentClient.js';
import { readAudit } from '../../tasks/store/table.js';

/**
 * Whether the table already held anything when this runtime started. On a fresh table no earlier
 * process can have run an execution, so StartExecution needs no look-up (the benchmark's storm and
 * most tests start on one).
 */
export async function tableHadItems(tableName: string): Promise<boolean> {
  const page = await ddb().send(new ScanCommand({ TableName: tableName, Limit: 1, ProjectionExpression: 'pk' }));
  return (page.Items ?? []).length > 0;
}

export interface ExecutionHistoryOptions {
  readonly tableName: string;
  readonly stateMachineArn: string;
  /** Whether this process's control plane holds the execution (it then answers the call itself). */
  readonly inMemory: (name: string) => boolean;
  /** From {@link tableHadItems} at start: false means no earlier process ran anything here. */
  readonly hadItems: boolean;
}

/**
 * Step Functions keeps an execution's name after it ends: StartExecution with that name answers
 * `ExecutionAlreadyExists`, which is what makes a redelivered finding a no-op (the intake names
 * executions after the finding's id and UpdatedAt). The local control plane holds executions in
 * memory only, so a second process on the same moto (`simulate --endpoint` twice) would run the
 * finding again and collide with the first run's records. This answers that StartExecution as the
 * service does, from the audit trail every execution leaves in the table. Returns false when the
 * request is not such a call.
 */
export async function answerKnownExecution(request: IncomingMessage, response: ServerResponse, body: string, options: ExecutionHistoryOptions): Promise<boolean> {
  if (!options.hadItems || request.headers['x-amz-target'] !== 'AWSStepFunctions.StartExecution') return false;
  const name = (JSON.parse(body || '{}') as { name?: unknown }).name;
  if (typeof name !== 'string' || options.inMemory(name)) return false;
  if ((await readAudit(options.tableName, name)).length === 0) return false;
  const executionArn = `${options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ __type: 'ExecutionAlreadyExists', message: `Execution already exists: '${executionArn}'` }));
  return true;
}
