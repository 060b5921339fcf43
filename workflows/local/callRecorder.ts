import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { addCallInterceptor, type SdkCall } from '../../tasks/aws/clientHooks.js';
import type { MemberRole } from '../../tasks/aws/memberRole.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { currentCaller, type Caller } from './callerContext.js';
import { LOCAL_NAMES } from './provision.js';

/** Set to a directory to record every AWS call of the local runtime there, one JSON line per call (callRecorder.ts). */
export const RECORD_CALLS_ENV = 'RECTIFY_RECORD_CALLS';

/**
 * One AWS SDK call as the local runtime saw it: what it asked, of which resource, in which
 * account, and under whose credentials. The permission proof (test/permissions/) evaluates these
 * against the policies the stacks synthesize.
 */
export interface RecordedCall {
  /** SDK client name without `Client`: `S3`, `S3Control`, `EC2`, `DynamoDB`. */
  readonly service: string;
  /** SDK command name without `Command`: `GetPublicAccessBlock`. */
  readonly command: string;
  /** The input's fields that name a resource (`Bucket`, `GroupId`, `KeyId`, `QueueUrl`, `…Arn`…), as given. */
  readonly names: Readonly<Record<string, string | readonly string[]>>;
  /** The account the credentials act in. */
  readonly account: string;
  readonly region: string;
  /** The handler that made it, or `harness` (setup, checks, the emulated inbox). */
  readonly caller: Caller;
  /** The member role the call ran under; absent when the caller used its own credentials (or the harness another role). */
  readonly memberRole?: MemberRole;
  /** The role assumed for the call when it is not a member role (the harness's way into an account). */
  readonly otherRole?: string;
}

/** Input fields that name the resource a call acts on (their values are recorded; nothing else of the input is). */
const NAMING_FIELD = /^(Bucket|Name|Names|Resource|ResourceIdList)$|(Arn|Id|Ids|Name|Names|Url|Identifier|Bucket)$/;

function namesOf(input: unknown): Record<string, string | string[]> {
  const names: Record<string, string | string[]> = {};
  if (!input || typeof input !== 'object') return names;
  for (const [key, value] of Object.entries(input)) {
    if (!NAMING_FIELD.test(key)) continue;
    if (typeof value === 'string') names[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) names[key] = value as string[];
  }
  const record = input as {
    RequestItems?: Record<string, unknown>;
    Findings?: { ProductArn?: unknown }[];
    FindingIdentifiers?: { ProductArn?: unknown }[];
    Parameters?: { AutomationAssumeRole?: unknown };
  };
  // DynamoDB batch calls name their tables as keys; Security Hub batch calls name the product in each finding.
  if (record.RequestItems && typeof record.RequestItems === 'object') names.TableName = Object.keys(record.RequestItems);
  // An SSM runbook's role, which the caller passes to SSM (iam:PassRole).
  const assumeRole = record.Parameters?.AutomationAssumeRole;
  if (Array.isArray(assumeRole) && assumeRole.every((r) => typeof r === 'string')) names.AutomationAssumeRole = assumeRole as string[];
  const products = [...(record.Findings ?? []), ...(record.FindingIdentifiers ?? [])].map((f) => f?.ProductArn).filter((p): p is string => typeof p === 'string');
  if (products.length > 0) names.ProductArn = [...new Set(products)];
  return names;
}

const ROLE_NAME = /:role\/(.+)$/;

/** The recorded form of one intercepted call. */
export function toRecordedCall(call: SdkCall, caller: Caller = currentCaller(), env: NodeJS.ProcessEnv = process.env): RecordedCall {
  const target = call.target;
  const roleName = target?.assumedRoleArn ? ROLE_NAME.exec(target.assumedRoleArn)?.[1] : undefined;
  const memberRole = (Object.keys(LOCAL_NAMES.memberRoles) as MemberRole[]).find((r) => LOCAL_NAMES.memberRoles[r] === roleName);
  return {
    service: call.service,
    command: call.command,
    names: namesOf(call.input),
    // adminClient does not know its account: it is the task's own, the administrator account.
    account: target?.account ?? env[TaskEnv.adminAccount] ?? 'unknown',
    region: target?.region ?? env.AWS_REGION ?? 'unknown',
    caller,
    ...(memberRole ? { memberRole } : {}),
    ...(roleName && !memberRole ? { otherRole: roleName } : {}),
  };
}

/**
 * Append every AWS call made through the client factory to `<dir>/calls-<pid>.jsonl` until
 * stopped. Local runtime and tests only: the deployed functions never register it.
 *
 * @example
 * const recorder = startCallRecorder('/tmp/calls');
 * await runScenario(scenario);
 * recorder.stop();
 * const calls = readRecordedCalls('/tmp/calls');
 */
export function startCallRecorder(dir: string): { readonly file: string; stop(): void } {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `calls-${process.pid}.jsonl`);
  const stop = addCallInterceptor((call) => appendFileSync(file, `${JSON.stringify(toRecordedCall(call))}\n`));
  return { file, stop };
}

let fromEnv: { readonly dir: string; stop(): void } | undefined;

/** Start the recorder once per process when `RECTIFY_RECORD_CALLS` names a directory; nothing otherwise. */
export function recordCallsFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[RECORD_CALLS_ENV]?.trim();
  if (!dir || fromEnv?.dir === dir) return;
  if (fromEnv !== undefined) throw new Error(`${RECORD_CALLS_ENV} changed from ${fromEnv.dir} to ${dir} within one process; record into one directory`);
  fromEnv = { dir, stop: startCallRecorder(dir).stop };
}

/**
 * Stop the recorder {@link recordCallsFromEnv} started, if any. For tests: the fast tier runs many
 * test files in one process (docs/decisions/018), and a recorder left on would write every later
 * file's calls into a directory its test has removed.
 */
export function stopRecordingFromEnv(): void {
  fromEnv?.stop();
  fromEnv = undefined;
}

/** Every call recorded in `dir`, all processes' files. */
export function readRecordedCalls(dir: string): RecordedCall[] {
  return readdirSync(dir)
    .filter((f) => /^calls-\d+\.jsonl$/.test(f))
    .sort()
    .flatMap((f) => readRecordedFile(path.join(dir, f)));
}

/** The calls of one recorder's file. */
export function readRecordedFile(file: string): RecordedCall[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedCall);
}
