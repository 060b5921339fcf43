import { MotoUnavailableError } from '../workflows/local/moto.js';

/**
 * The exit codes of every `rectify` command (README, "Exit codes"). One table, enforced in
 * `main.ts`: commands throw the named errors below or set `process.exitCode` to CHECK_FAILED.
 */
export const ExitCode = {
  OK: 0,
  /** The run finished, but an outcome or a state check is not what was expected. */
  CHECK_FAILED: 1,
  /** Usage or input error: an unknown option, a bad value, a file that is not what it should be. */
  USAGE: 2,
  /** The local AWS (moto) or AWS could not be reached, or holds no Rectify state to act on. */
  UNREACHABLE: 3,
  /** Stopped by Ctrl-C or a termination signal before it finished (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Something the user typed or passed is wrong; the message names it and the fix. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.USAGE;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** The endpoint or AWS cannot be reached, or has nothing of Rectify's; the message says what to run. */
export class UnreachableError extends Error {
  readonly exitCode = ExitCode.UNREACHABLE;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnreachableError';
  }
}

/** Where the command was acting, for messages about what is not there. */
export interface ErrorContext {
  endpoint?: string;
  parameter?: string;
  table?: string;
}
const context: ErrorContext = {};

/** Remember where the command acts (set once the target is resolved). */
export function setErrorContext(next: ErrorContext): void {
  Object.assign(context, next);
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'];
const START_MOTO = 'start one with `npm run sandbox -- --keep` (it prints its endpoint) or `python3 -m moto.server -p 5000`';
const PROVISION = 'provision it first: `npm run sandbox -- --keep`, or `npx rectify simulate scenarios/dry-run.json --endpoint URL`';

/** The system error code of an error, its cause (fetch), or the first of an AggregateError (dual-stack connect). */
function systemCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (e?.cause) return systemCode(e.cause);
  if (Array.isArray(e?.errors) && e.errors.length > 0) return systemCode(e.errors[0]);
  return undefined;
}

/**
 * Turn any error into one or two lines that name the problem and the fix, and the exit code.
 * Raw Node errors (ECONNREFUSED, ENOENT, …) and SDK errors a new user meets are translated here.
 */
export function explainError(error: unknown): { message: string; exitCode: ExitCode } {
  if (error instanceof UsageError || error instanceof UnreachableError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof MotoUnavailableError) return { message: error.message, exitCode: ExitCode.UNREACHABLE };
  const e = error as Error & { path?: string };
  const code = systemCode(error);
  const where = context.endpoint ?? 'AWS';
  if (code && NETWORK_CODES.includes(code)) {
    const fix = context.endpoint ? `is moto running there? ${START_MOTO}` : 'check the network, AWS_REGION and your AWS credentials, or pass --endpoint for a local moto';
    return { message: `cannot reach ${where} (${code}): ${fix}`, exitCode: ExitCode.UNREACHABLE };
  }
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EACCES') {
    const what = { ENOENT: 'does not exist', ENOTDIR: 'is not a directory', EISDIR: 'is a directory, not a file', EACCES: 'cannot be read (permission denied)' }[code];
    return { message: `${e.path ?? 'a file'} ${what}: check the path`, exitCode: ExitCode.USAGE };
  }
  if (e?.name === 'ParameterNotFound') {
    const fix = context.endpoint ? `this moto holds no Rectify state; ${PROVISION}` : 'pass --parameter (the stack output PolicyParameterName) and --region of the deployment';
    return { message: `no policy parameter ${context.parameter ?? '/rectify/policy'} at ${where}: ${fix}`, exitCode: ExitCode.UNREACHABLE };
  }
  // The operator commands' only DynamoDB resource is the table (moto does not name it in the message).
  if (e?.name === 'ResourceNotFoundException' && context.table !== undefined) {
    const fix = context.endpoint ? `this moto holds no Rectify state; ${PROVISION}` : 'pass --table (the stack output TableName) and --region of the deployment';
    return { message: `no table ${context.table} at ${where}: ${fix}`, exitCode: ExitCode.UNREACHABLE };
  }
  if (e?.name === 'CredentialsProviderError') {
    return { message: 'no AWS credentials: configure a profile (AWS_PROFILE) or pass --endpoint for a local moto', exitCode: ExitCode.UNREACHABLE };
  }
  return { message: e?.message ?? String(error), exitCode: ExitCode.USAGE };
}
