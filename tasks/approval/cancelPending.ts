import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import { adminClient } from '../aws/clientFactory.js';
import { ErrorName } from '../domain/constants.js';
import { decideApproval, listPendingApprovals, type ApprovalRecord } from '../store/table.js';

/** Who the record names for a request the kill switch cancelled. */
export const CANCELLED_BY = 'rectify (mode off)';
const CAUSE = 'mode is off (kill switch): the approval request was cancelled; nothing was changed';

export interface CancelResult {
  /** Requests closed and their executions told (or already ended). */
  readonly cancelled: string[];
  /** Requests closed whose execution could not be told; they end at their timeout, and change nothing (the change re-checks the mode). */
  readonly unreachable: { approvalId: string; error: string }[];
}

/** Task-token errors that mean the execution no longer waits. */
const ENDED = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/**
 * `mode off` cancels every approval request that waits (DESIGN §2, trust rules): each is closed
 * exactly once (the same conditional update a decision uses, so a person deciding at the same
 * moment wins or loses cleanly), its execution is failed with `SkippedAtChange` and ends
 * POLICY_SKIPPED without a change, and its link's page says "Cancelled".
 *
 * @example
 * const { cancelled } = await cancelPendingApprovals(tableName);
 */
export async function cancelPendingApprovals(tableName: string): Promise<CancelResult> {
  const cancelled: string[] = [];
  const unreachable: { approvalId: string; error: string }[] = [];
  for (const approval of await listPendingApprovals(tableName)) {
    const result = await cancelApproval(tableName, approval);
    if (result === 'cancelled') cancelled.push(approval.approvalId);
    else if (result !== 'decided') unreachable.push({ approvalId: approval.approvalId, error: result.error });
  }
  return { cancelled, unreachable };
}

/**
 * Cancel one waiting request: close it (once) and fail its task with `SkippedAtChange`.
 * `decided` when someone decided it first.
 */
export async function cancelApproval(tableName: string, approval: Pick<ApprovalRecord, 'approvalId' | 'taskToken'>): Promise<'cancelled' | 'decided' | { error: string }> {
  if (!(await decideApproval(tableName, approval.approvalId, 'CANCELLED', CANCELLED_BY, 'cancelled: mode is off'))) return 'decided';
  try {
    await adminClient(SFNClient).send(new SendTaskFailureCommand({ taskToken: approval.taskToken, error: ErrorName.SkippedAtChange, cause: CAUSE }));
    return 'cancelled';
  } catch (error) {
    return ENDED.has((error as Error).name) ? 'cancelled' : { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}
