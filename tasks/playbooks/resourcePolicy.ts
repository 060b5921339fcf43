/**
 * Reading a resource policy (SQS queue, SNS topic, KMS key, S3 bucket) and deciding which of its
 * grants are public or reach another account, the way the AWS Config rules behind SQS.3, SNS.4,
 * KMS.5 and S3.6 do; then removing only those grants. One shared reading, so the four playbooks
 * cannot drift apart (docs/decisions/026-resource-policy-grants.md).
 *
 * - **Public** (`sqs-queue-no-public-access`, `sns-topic-no-public-access`,
 *   `kms-key-policy-no-public-access`): "to be considered non-public, a policy must grant access
 *   only to fixed values". An Allow statement is public when its principal holds a wildcard or a
 *   policy variable (`"*"`, `{"AWS": "*"}`, `arn:aws:iam::*:root`), or it uses NotPrincipal, unless
 *   a condition pins the caller to fixed values of a key that identifies it (`aws:SourceArn`,
 *   `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:SourceVpce`, …: {@link RESTRICTING_KEYS}).
 *   A condition this module cannot read as such a pin counts for nothing: fail closed.
 * - **Cross-account** (`s3-bucket-blacklisted-actions-prohibited`): "the rule will only check for
 *   entities in the Principal property and does not take into account any conditionals", so a
 *   wildcard principal counts as another account whatever its conditions.
 */
import { RemediationFailedError } from '../domain/errors.js';

export type Statement = Record<string, unknown>;
export type PolicyDocument = Record<string, unknown>;

/** One principal value of a statement: `{ type: 'AWS', value: 'arn:aws:iam::111122223333:root' }`; `type` is `*` for `"Principal": "*"`. */
export interface PrincipalValue {
  readonly type: string;
  readonly value: string;
}

/** What {@link removePrincipals} took out of one statement, for the plan. */
export interface Removal {
  /** `"PublicRead"` or `#2` (1-based position) when the statement has no Sid. */
  readonly statement: string;
  /** The principal values removed; `NotPrincipal` when the whole NotPrincipal statement goes. */
  readonly principals: readonly string[];
  /** The statement's actions as written (`sqs:SendMessage, sqs:ReceiveMessage`, or `every action but …`). */
  readonly actions: string;
  /** True when nothing of the statement is left, so it is removed whole. */
  readonly dropped: boolean;
}

/**
 * Condition keys that identify the caller or where it calls from; a fixed value of one of them
 * (StringEquals, StringLike or ArnLike without wildcards, IpAddress other than /0) makes a wildcard
 * principal non-public, as IAM Access Analyzer and S3's public-policy evaluation read them.
 * Compared in lower case: condition keys are case-insensitive (SNS writes `AWS:SourceOwner`).
 */
export const RESTRICTING_KEYS: readonly string[] = [
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:userid',
  'kms:calleraccount',
];
// Operators that require the key to be present and equal to (or match) the values; `…IfExists`
// and the ForAllValues/ForAnyValue set operators can pass without the key, so they do not count.
const PINNING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike', 'ipaddress']);

export const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const notFixed = (value: string) => /[*?]|\$\{/.test(value);

/** A policy that cannot be read as one: the caller refuses and changes nothing. */
export class UnreadablePolicyError extends RemediationFailedError {}

/** Parse a policy's text; anything that is not a JSON object with object statements throws {@link UnreadablePolicyError}. */
export function parsePolicy(text: string, what: string): PolicyDocument {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    // Refused just below, like JSON that is not a policy.
  }
  if (!isRecord(policy) || !asList(policy.Statement).every(isRecord)) {
    throw new UnreadablePolicyError(`The policy of ${what} is not a readable JSON policy; Rectify changed nothing. Fix it by hand or suppress the finding.`);
  }
  return policy;
}

export const statementsOf = (policy: PolicyDocument): Statement[] => asList(policy.Statement) as Statement[];

/** Every principal value of a statement's Principal element (not NotPrincipal). */
export function principalsOf(statement: Statement): PrincipalValue[] {
  const principal = statement.Principal;
  if (!isRecord(principal)) return asList(principal).map((value) => ({ type: '*', value: String(value) }));
  return Object.entries(principal).flatMap(([type, values]) => asList(values).map((value) => ({ type, value: String(value) })));
}

/** Whether a condition pins the caller to fixed values of a {@link RESTRICTING_KEYS} key. */
export function pinnedByCondition(statement: Statement): boolean {
  if (!isRecord(statement.Condition)) return false;
  return Object.entries(statement.Condition).some(([operator, keys]) => {
    if (!PINNING_OPERATORS.has(operator.toLowerCase()) || !isRecord(keys)) return false;
    return Object.entries(keys).some(([key, raw]) => {
      const name = key.toLowerCase();
      const values = asList(raw).map(String);
      if (!RESTRICTING_KEYS.includes(name) || values.length === 0 || values.some(notFixed)) return false;
      if (operator.toLowerCase() === 'ipaddress') return name === 'aws:sourceip' && values.every((cidr) => !cidr.endsWith('/0'));
      return name !== 'aws:sourceip';
    });
  });
}

/** A principal value that is not one fixed identity: a wildcard or a policy variable. */
export const isWildcardPrincipal = (principal: PrincipalValue) => notFixed(principal.value);

/**
 * The principal values that make an Allow statement public (all of them for NotPrincipal, shown as
 * `NotPrincipal`); none when the statement denies, names fixed principals only, or a condition
 * pins the caller.
 */
export function publicPrincipals(statement: Statement): PrincipalValue[] {
  if (statement.Effect !== 'Allow' || pinnedByCondition(statement)) return [];
  if (statement.NotPrincipal !== undefined) return [{ type: 'NotPrincipal', value: 'NotPrincipal' }];
  return principalsOf(statement).filter(isWildcardPrincipal);
}

/** The account of an AWS principal (`111122223333`, `arn:aws:iam::111122223333:role/x`), or undefined when it names none (a unique id). */
export function accountOf(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
}

/**
 * Whether a principal value may belong to an account other than `owner`, reading the Principal
 * element only (conditions ignored, as S3.6's rule does). Service and federated principals are not
 * accounts. A wildcard, a canonical user or an AWS value naming no account (a deleted principal's
 * unique id) cannot be shown to be the owner's: it counts as another account (fail closed).
 */
export function isOtherAccount(principal: PrincipalValue, owner: string): boolean {
  if (principal.type === 'NotPrincipal' || notFixed(principal.value)) return true;
  if (principal.type === 'Service' || principal.type === 'Federated') return false;
  if (principal.type === 'CanonicalUser') return true;
  return accountOf(principal.value) !== owner;
}

/** IAM's action matching: case-insensitive, `*` any run of characters, `?` one character. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

/** The actions of `actions` an Allow statement grants, through Action or NotAction. */
export function grantedActions(statement: Statement, actions: readonly string[]): string[] {
  if (statement.Effect !== 'Allow') return [];
  if (statement.NotAction !== undefined) {
    const excluded = asList(statement.NotAction).map(String);
    return actions.filter((action) => !excluded.some((pattern) => actionMatches(pattern, action)));
  }
  const patterns = asList(statement.Action).map(String);
  return actions.filter((action) => patterns.some((pattern) => actionMatches(pattern, action)));
}

export const statementName = (statement: Statement, index: number) =>
  typeof statement.Sid === 'string' && statement.Sid ? `"${statement.Sid}"` : `#${index + 1}`;

const actionsText = (statement: Statement) =>
  statement.NotAction !== undefined ? `every action but ${asList(statement.NotAction).join(', ')}` : asList(statement.Action).join(', ');

/** The statement without the given principal values, or undefined when none is left (or it used NotPrincipal). */
function without(statement: Statement, removed: readonly PrincipalValue[]): Statement | undefined {
  if (removed.some((principal) => principal.type === 'NotPrincipal' || principal.type === '*')) return undefined;
  const principal = statement.Principal as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const [type, values] of Object.entries(principal)) {
    const left = asList(values).filter((value) => !removed.some((r) => r.type === type && r.value === String(value)));
    if (left.length > 0) kept[type] = Array.isArray(values) ? left : left[0];
  }
  return Object.keys(kept).length === 0 ? undefined : { ...statement, Principal: kept };
}

/**
 * The policy with the principals `select` picks taken out of their statements; a statement left
 * with no principal is removed whole. Every other statement, and every other key of the policy,
 * stays as it was and in its place; a statement that is not touched is the same object.
 */
export function removePrincipals(
  policy: PolicyDocument,
  select: (statement: Statement) => PrincipalValue[],
): { policy: PolicyDocument; removals: Removal[] } {
  const removals: Removal[] = [];
  const kept = statementsOf(policy).flatMap((statement, index) => {
    const removed = select(statement);
    if (removed.length === 0) return [statement];
    const rest = without(statement, removed);
    removals.push({ statement: statementName(statement, index), principals: removed.map((p) => p.value), actions: actionsText(statement), dropped: rest === undefined });
    return rest === undefined ? [] : [rest];
  });
  return { policy: { ...policy, Statement: kept }, removals };
}

/** One line per removal, for a plan a reviewer approves. */
export function describeRemoval(removal: Removal): string {
  const who = removal.principals.map((principal) => (principal === 'NotPrincipal' ? 'everyone but the NotPrincipal list' : principal)).join(', ');
  return removal.dropped
    ? `remove statement ${removal.statement} (it allows ${removal.actions} to ${who})`
    : `remove ${who} from statement ${removal.statement} (it allows ${removal.actions}); its other principals keep that access`;
}

/** Deep equality of two policy texts read as JSON (services may re-serialise what they store). */
export function samePolicy(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  try {
    return JSON.stringify(sortKeys(JSON.parse(a))) === JSON.stringify(sortKeys(JSON.parse(b)));
  } catch {
    return a === b;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}
