import { GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient, type AddPermissionCommandInput } from '@aws-sdk/client-lambda';
import { RemediationFailedError } from '../../domain/errors.js';
import type { JsonValue, PlaybookContext } from '../definePlaybook.js';

/** One statement of a function's resource-based policy, as JSON, normalised (see {@link normalise}). */
export type PolicyStatement = { [key: string]: JsonValue };

/**
 * Condition keys that tie a wildcard principal to a known account, organisation or source, so the
 * statement is not public (the keys Security Hub Lambda.1 / Config `lambda-function-public-access-
 * prohibited` and IAM Access Analyzer accept). Network keys such as aws:SourceIp are deliberately
 * absent: they do not say who the caller is.
 */
const RESTRICTING_KEYS = new Set([
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceowner',
  'aws:sourceorgid',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
]);
/** Operators that compare with fixed values (a value with `*`, `?` or `${…}` is not fixed). */
const FIXED_VALUE_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike']);

/** Each condition AddPermission can write, and the parameter that writes it (Lambda API reference). */
const ADD_PERMISSION_CONDITIONS: Record<string, keyof AddPermissionCommandInput> = {
  'stringequals|aws:sourceaccount': 'SourceAccount',
  'arnlike|aws:sourcearn': 'SourceArn',
  'stringequals|aws:principalorgid': 'PrincipalOrgID',
  'stringequals|lambda:functionurlauthtype': 'FunctionUrlAuthType',
  'stringequals|lambda:eventsourcetoken': 'EventSourceToken',
  'bool|lambda:invokedviafunctionurl': 'InvokedViaFunctionUrl',
};

const isRecord = (value: unknown): value is Record<string, JsonValue> => typeof value === 'object' && value !== null && !Array.isArray(value);
const conditionOf = (statement: PolicyStatement): Record<string, Record<string, JsonValue>> =>
  isRecord(statement.Condition) ? (statement.Condition as Record<string, Record<string, JsonValue>>) : {};

/**
 * A statement in one canonical form, so a snapshot deep-equals the policy after rollback:
 * `{"AWS":"*"}` grants exactly what `"*"` grants and AddPermission writes `"*"`; empty operator
 * blocks are dropped; moto 5.2.1 keeps FunctionUrlAuthType as a top-level key where AWS writes
 * a condition, so it is folded into the condition.
 */
export function normalise(raw: PolicyStatement): PolicyStatement {
  const { FunctionUrlAuthType, ...statement } = raw;
  const condition: Record<string, Record<string, JsonValue>> = {};
  for (const [operator, block] of Object.entries(conditionOf(raw))) if (isRecord(block) && Object.keys(block).length) condition[operator] = block;
  if (typeof FunctionUrlAuthType === 'string') condition.StringEquals = { ...condition.StringEquals, 'lambda:FunctionUrlAuthType': FunctionUrlAuthType };
  const principal = isRecord(raw.Principal) && raw.Principal.AWS === '*' && Object.keys(raw.Principal).length === 1 ? '*' : raw.Principal;
  delete statement.Condition;
  return { ...statement, Principal: principal ?? null, ...(Object.keys(condition).length ? { Condition: condition } : {}) };
}

/** Throws a clear refusal when the function does not exist; returns when it does. */
async function requireFunction(ctx: PlaybookContext<unknown>): Promise<void> {
  try {
    await ctx.aws.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: ctx.resource.name }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    throw new RemediationFailedError(
      `Lambda function ${ctx.resource.id} does not exist (finding ${ctx.request.findingId}): Rectify changed nothing; ` +
        'if the function was deleted, Security Hub archives the finding at its next check',
      { cause: error },
    );
  }
}

/**
 * The function's policy statements, normalised and sorted by Sid; none when it has no policy.
 * Throws when the function does not exist: GetPolicy answers ResourceNotFoundException for both,
 * and a missing function must not read as one that grants no public access.
 */
export async function readStatements(ctx: PlaybookContext<unknown>): Promise<PolicyStatement[]> {
  let policy: string | undefined;
  try {
    policy = (await ctx.aws.client(LambdaClient).send(new GetPolicyCommand({ FunctionName: ctx.resource.name }))).Policy;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    await requireFunction(ctx);
    return [];
  }
  const statements = (JSON.parse(policy ?? '{}') as { Statement?: PolicyStatement[] }).Statement ?? [];
  return statements.map(normalise).sort((a, b) => String(a.Sid ?? '').localeCompare(String(b.Sid ?? '')));
}

/**
 * The rule's own words: a principal "is empty or contains a wildcard" (`"*"`, `{"AWS":"*"}`, and
 * also an ARN such as `arn:aws:iam::*:root`, which any account matches).
 */
function grantsEveryone(principal: JsonValue | undefined): boolean {
  const wild = (value: JsonValue): boolean => (Array.isArray(value) ? value.some(wild) : typeof value === 'string' && /[*?]/.test(value));
  if (principal === '' || (isRecord(principal) && Object.keys(principal).length === 0)) return true;
  if (typeof principal === 'string') return wild(principal);
  return isRecord(principal) && Object.values(principal).some(wild);
}

const isFixed = (value: JsonValue): boolean =>
  Array.isArray(value) ? value.length > 0 && value.every(isFixed) : typeof value === 'string' && !/[*?]|\$\{/.test(value);

function hasCondition(statement: PolicyStatement, keys: Set<string>): boolean {
  return Object.entries(conditionOf(statement)).some(
    ([operator, block]) =>
      FIXED_VALUE_OPERATORS.has(operator.toLowerCase()) &&
      Object.entries(block).some(([key, value]) => keys.has(key.toLowerCase()) && isFixed(value)),
  );
}

/**
 * An Allow statement for a wildcard or empty principal, or for everyone but a `NotPrincipal`, with
 * no condition naming an account, organisation or source by a fixed value.
 */
export function isPublic(statement: PolicyStatement): boolean {
  const everyone = grantsEveryone(statement.Principal) || statement.NotPrincipal !== undefined;
  return statement.Effect === 'Allow' && everyone && !hasCondition(statement, RESTRICTING_KEYS);
}

/**
 * Amazon S3 invoking the function without `AWS:SourceAccount`: bucket ARNs carry no account, so
 * any account's bucket of that name could invoke it. Lambda.1 fails on it, but removing it would
 * break the bucket's notifications and only a person knows the bucket owner's account.
 */
export function isUnscopedS3(statement: PolicyStatement): boolean {
  const service = isRecord(statement.Principal) ? statement.Principal.Service : undefined;
  const s3 = service === 's3.amazonaws.com' || (Array.isArray(service) && service.includes('s3.amazonaws.com'));
  return statement.Effect === 'Allow' && s3 && !hasCondition(statement, new Set(['aws:sourceaccount']));
}

/**
 * The AddPermission input that writes this statement again, or the reason it cannot: only a
 * statement AddPermission could have written (one action, the function itself, conditions it
 * has parameters for) is removed, so rollback can always put it back.
 */
export function toAddPermission(statement: PolicyStatement, functionArn: string): AddPermissionCommandInput | string {
  const { Sid, Effect, Action, Principal, Resource, Condition, ...other } = statement;
  if (typeof Sid !== 'string' || !Sid) return 'it has no Sid, which RemovePermission needs';
  if (Effect !== 'Allow' || typeof Action !== 'string') return 'AddPermission writes only Allow statements with one action';
  if (Principal !== '*') return 'its principal is not "*"';
  if (Resource !== functionArn) return `its resource ${JSON.stringify(Resource)} is not the function ${functionArn}`;
  if (Object.keys(other).length) return `it has elements AddPermission does not write (${Object.keys(other).join(', ')})`;
  const input: Record<string, unknown> = { FunctionName: functionArn, StatementId: Sid, Action, Principal };
  for (const [operator, block] of Object.entries(isRecord(Condition) ? Condition : {})) {
    for (const [key, value] of Object.entries(block as Record<string, JsonValue>)) {
      const parameter = ADD_PERMISSION_CONDITIONS[`${operator.toLowerCase()}|${key.toLowerCase()}`];
      if (!parameter || typeof value !== 'string') return `AddPermission cannot write its condition ${operator} ${key}`;
      input[parameter] = parameter === 'InvokedViaFunctionUrl' ? value === 'true' : value;
    }
  }
  return input as unknown as AddPermissionCommandInput;
}
