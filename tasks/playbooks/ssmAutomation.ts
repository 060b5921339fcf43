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
  /** How long to wait for the execution to end before cancelling it. @default 600 */
  readonly timeoutSeconds?: number;
  /** @default 5000 */
  readonly pollIntervalMs?: number;
}

export interface AutomationResult {
  readonly executionId: string;
  readonly outputs: Record<string, string[]>;
}

/**
 * A runbook that could not start, ended unsuccessfully, or outlived its timeout. Its name stays
 * `RemediationFailed`, the error name the workflow catches to roll back.
 */
export class AutomationFailedError extends RemediationFailedError {
  constructor(
    message: string,
    readonly executionId: string | undefined,
    readonly status: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
 * Run an SSM Automation runbook in the finding's account and region and wait for it to end.
 * Resolves only on success; throws {@link AutomationFailedError} naming the runbook, the
 * execution, the resource and the failed step otherwise. On timeout it asks SSM to cancel the
 * execution, so a late runbook cannot change the resource after the workflow has rolled back.
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

  let executionId: string | undefined;
  try {
    const start = new StartAutomationExecutionCommand({ DocumentName: run.documentName, Parameters: parameters });
    ({ AutomationExecutionId: executionId } = await ssm.send(start));
  } catch (error) {
    const message = `Runbook ${run.documentName} could not start ${where}: ${(error as Error).message}`;
    throw new AutomationFailedError(message, undefined, 'NotStarted', { cause: error });
  }
  if (!executionId) throw new AutomationFailedError(`Runbook ${run.documentName} returned no execution id ${where}`, undefined, 'NotStarted');

  const deadline = Date.now() + timeoutMs;
  let status = 'Pending';
  for (;;) {
    const { AutomationExecution: execution } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }));
    status = execution?.AutomationExecutionStatus ?? status;
    if (SUCCEEDED.has(status)) return { executionId, outputs: execution?.Outputs ?? {} };
    if (ENDED_UNSUCCESSFULLY.has(status)) {
      throw new AutomationFailedError(
        `Runbook ${run.documentName} (execution ${executionId}) ended ${status} ${where}: ${failureOf(execution ?? {})}. ` +
          'Its step log is in Systems Manager > Automation of that account and region.',
        executionId,
        status,
      );
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await sleep(Math.min(pollIntervalMs, remaining));
  }

  let cancelled = 'Rectify asked SSM to cancel it';
  try {
    await ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: executionId, Type: 'Cancel' }));
  } catch (error) {
    cancelled = `cancelling it failed (${(error as Error).message}): stop it by hand before restoring the resource`;
  }
  throw new AutomationFailedError(
    `Runbook ${run.documentName} (execution ${executionId}) did not finish within ${timeoutMs / 1000} s ${where}; ` +
      `its last status was ${status} and ${cancelled}.`,
    executionId,
    status,
  );
}
