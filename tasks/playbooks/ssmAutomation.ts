import {
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
  type AutomationExecution,
} from '@aws-sdk/client-ssm';
import { RemediationFailedError } from '../domain/errors.js';
import type { PlaybookContext } from './definePlaybook.js';

/** IAM actions {@link runAutomation} calls; a playbook using it spreads them into its `permissions`. */
export const AUTOMATION_PERMISSIONS = ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'] as const;

/**
 * Statuses after which an execution changes nothing more; any other status is still running or
 * waiting. `Exited` (a runbook that stopped early) counts as unsuccessful: rolling back is the safe reading.
 */
const SUCCEEDED = new Set(['Success', 'CompletedWithSuccess']);
const ENDED_UNSUCCESSFULLY = new Set(['Failed', 'TimedOut', 'Cancelled', 'Rejected', 'CompletedWithFailure', 'ChangeCalendarOverrideRejected', 'Exited']);

export interface AutomationRun {
  /** Runbook name, e.g. an AWS-owned `AWSConfigRemediation-…` document. */
  readonly documentName: string;
  /** Runbook parameters; SSM takes every value as a list of strings. */
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  /**
   * How long to wait for the execution to end before cancelling it. The wait ends sooner when
   * `ctx.deadline` less {@link STOP_WINDOW_MS} comes first.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /** @default 5000 */
  readonly pollIntervalMs?: number;
}

export interface AutomationResult {
  readonly executionId: string;
  readonly outputs: Record<string, string[]>;
}

/**
 * Kept at the end of the wait to cancel the execution and see it end: the wait stops this long
 * before `ctx.deadline`, the confirmation at it.
 */
export const STOP_WINDOW_MS = 30_000;

// Remediate's catch wraps every error into one `RemediationFailed` whose message keeps ours, and
// that message reaches Rollback as the workflow's `$.error.Cause`: the marker travels in it.
const MAY_STILL_CHANGE = 'RunbookMayStillChange';
const MAY_STILL_CHANGE_PATTERN = new RegExp(`\\[${MAY_STILL_CHANGE} ([^\\]\\s]+)\\]`, 'g');

/**
 * The id of the SSM Automation execution that may still change the resource, when `failure`
 * (an error message or the workflow's error cause) carries the marker {@link AutomationFailedError}
 * puts there; the last one wins, since ours ends the message.
 */
export function automationThatMayStillChange(failure: string): string | undefined {
  return [...failure.matchAll(MAY_STILL_CHANGE_PATTERN)].at(-1)?.[1];
}

/**
 * A runbook that could not start, ended unsuccessfully, or outlived its time. Its name stays
 * `RemediationFailed`, the error name the workflow catches to roll back. `mayStillChange` is true
 * when Rectify could not see the execution end: it may still change the resource, so the message
 * carries a marker Rollback reads ({@link automationThatMayStillChange}) to escalate, not restore.
 */
export class AutomationFailedError extends RemediationFailedError {
  readonly mayStillChange: boolean;

  constructor(
    message: string,
    readonly executionId: string | undefined,
    readonly status: string,
    options?: { cause?: unknown; mayStillChange?: boolean },
  ) {
    const mayStillChange = (options?.mayStillChange ?? false) && executionId !== undefined;
    super(mayStillChange ? `${message} [${MAY_STILL_CHANGE} ${executionId}]` : message, { cause: options?.cause });
    this.mayStillChange = mayStillChange;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The failed step's name and message, which say far more than the execution-level status. */
function failureOf(execution: AutomationExecution): string {
  const step = execution.StepExecutions?.find((s) => s.StepStatus && !SUCCEEDED.has(s.StepStatus) && s.FailureMessage);
  const where = step ? ` at step ${step.StepName}: ${step.FailureMessage}` : '';
  return `${execution.FailureMessage ?? 'no failure message'}${where}`;
}

/**
 * Run an SSM Automation runbook in the finding's account and region and wait for it to end,
 * never past `ctx.deadline`: the wait ends after `timeoutSeconds` or {@link STOP_WINDOW_MS} before
 * the deadline, whichever comes first. Resolves only on success; throws {@link AutomationFailedError}
 * naming the runbook, the execution, the resource and the failed step otherwise.
 *
 * When the wait ends first it cancels the execution and reads it again until it ends or the
 * deadline comes. Only an execution seen to end changes nothing more; one still running throws
 * with `mayStillChange`, so Rollback escalates instead of restoring a resource the runbook may
 * change afterwards. A runbook is not started when the deadline leaves no time to watch it.
 * The caller still verifies the resource itself: a runbook's success is not proof of compliance.
 *
 * @example
 * await runAutomation(ctx, {
 *   documentName: 'AWSConfigRemediation-EnableRDSInstanceDeletionProtection',
 *   parameters: { DbInstanceResourceId: [dbiResourceId], AutomationAssumeRole: [roleArn] },
 *   timeoutSeconds: 600,
 * });
 */
export async function runAutomation(ctx: PlaybookContext<unknown>, run: AutomationRun): Promise<AutomationResult> {
  const ssm = ctx.aws.client(SSMClient);
  const timeoutMs = (run.timeoutSeconds ?? 600) * 1000;
  const pollIntervalMs = run.pollIntervalMs ?? 5000;
  const where = `on ${ctx.resource.id} (finding ${ctx.request.findingId}, account ${ctx.resource.account}, ${ctx.resource.region})`;
  const parameters = Object.fromEntries(Object.entries(run.parameters).map(([name, values]) => [name, [...values]]));

  const deadline = ctx.deadline.getTime();
  const startedAt = Date.now();
  const boundByTimeout = startedAt + timeoutMs <= deadline - STOP_WINDOW_MS;
  const waitUntil = boundByTimeout ? startedAt + timeoutMs : deadline - STOP_WINDOW_MS;
  if (waitUntil <= startedAt) {
    throw new AutomationFailedError(
      `Runbook ${run.documentName} was not started ${where}: the function has ${Math.round((deadline - startedAt) / 1000)} s left, ` +
        'too little to run it and still cancel it. Nothing was changed; run the remediation again.',
      undefined,
      'NotStarted',
    );
  }

  let executionId: string | undefined;
  try {
    const start = new StartAutomationExecutionCommand({ DocumentName: run.documentName, Parameters: parameters });
    ({ AutomationExecutionId: executionId } = await ssm.send(start));
  } catch (error) {
    const message = `Runbook ${run.documentName} could not start ${where}: ${(error as Error).message}`;
    throw new AutomationFailedError(message, undefined, 'NotStarted', { cause: error });
  }
  if (!executionId) throw new AutomationFailedError(`Runbook ${run.documentName} returned no execution id ${where}`, undefined, 'NotStarted');
  const id = executionId;

  // A read that fails is retried until `until`: the execution runs on whatever we could not read.
  const watch = async (until: number) => {
    let execution: AutomationExecution | undefined;
    let readError: Error | undefined;
    for (;;) {
      try {
        execution = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution ?? execution;
        readError = undefined;
      } catch (error) {
        readError = error as Error;
      }
      const status = execution?.AutomationExecutionStatus ?? 'Unknown';
      const remaining = until - Date.now();
      if (SUCCEEDED.has(status) || ENDED_UNSUCCESSFULLY.has(status) || remaining <= 0) return { execution, status, readError };
      await sleep(Math.min(pollIntervalMs, remaining));
    }
  };
  const succeeded = (execution: AutomationExecution | undefined) => ({ executionId: id, outputs: execution?.Outputs ?? {} });

  const waited = await watch(waitUntil);
  if (SUCCEEDED.has(waited.status)) return succeeded(waited.execution);
  if (ENDED_UNSUCCESSFULLY.has(waited.status)) {
    throw new AutomationFailedError(
      `Runbook ${run.documentName} (execution ${id}) ended ${waited.status} ${where}: ${failureOf(waited.execution ?? {})}. ` +
        'Its step log is in Systems Manager > Automation of that account and region.',
      id,
      waited.status,
    );
  }

  let asked = 'Rectify asked SSM to cancel it';
  try {
    await ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id, Type: 'Cancel' }));
  } catch (error) {
    asked = `cancelling it failed (${(error as Error).message})`;
  }
  // Cancelling takes effect at SSM's pace: only an execution seen to end changes nothing more.
  const stopped = await watch(deadline);
  const status = stopped.execution ? stopped.status : waited.status;
  if (SUCCEEDED.has(status)) return succeeded(stopped.execution);
  const limit = boundByTimeout
    ? `${timeoutMs / 1000} s`
    : `the ${Math.round((waitUntil - startedAt) / 1000)} s the function had left for it (its timeout is ${timeoutMs / 1000} s)`;
  const late = `Runbook ${run.documentName} (execution ${id}) did not finish within ${limit} ${where}; ${asked}`;
  if (ENDED_UNSUCCESSFULLY.has(status)) throw new AutomationFailedError(`${late} and it ended ${status}, so it changes nothing more.`, id, status);
  const unread = stopped.readError ? ` (reading it failed: ${stopped.readError.message})` : '';
  throw new AutomationFailedError(
    `${late}, but it was still ${status}${unread} when Rectify had to stop waiting, so it may still change the resource. ` +
      'Stop it by hand in Systems Manager > Automation of that account and region, then check the resource before restoring anything.',
    id,
    status,
    { mayStillChange: true },
  );
}
