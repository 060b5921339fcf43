import { Duration } from 'aws-cdk-lib';
import type { TaskHandlerName } from '../workflows/remediationWorkflow.js';

/** The topics a task may publish to. */
export type TopicName = 'approvals' | 'escalations';

/**
 * What one task handler touches, read from its code (tasks/handlers/). The stack grants exactly
 * this, so a handler that starts calling something new fails in its first test run against AWS
 * rather than quietly running with more than it needs.
 */
export interface TaskAccess {
  /** DynamoDB actions on the Rectify table. */
  readonly table: readonly string[];
  /** Reads the policy parameter (ssm:GetParameter). */
  readonly readsPolicy?: boolean;
  /** Reads the approval-link signing key (Secrets Manager); it alone gets its ARN in the environment. */
  readonly readsSigningKey?: boolean;
  /** Publishes to this topic. */
  readonly publishesTo?: TopicName;
  /** Sets finding workflow status and notes (securityhub:BatchUpdateFindings). */
  readonly updatesFindings?: boolean;
  /**
   * Acts on resources in member accounts (live tags, playbooks): runs under the shared, fixed-name
   * task role that member roles trust.
   */
  readonly actsOnMembers?: boolean;
  /** Lambda timeout: below the workflow's task timeout, so Step Functions sees the function's own error. */
  readonly timeout: Duration;
}

const PUT = 'dynamodb:PutItem';
const GET = 'dynamodb:GetItem';
/** Workflow task timeout is 60 s (workflows/taskState.ts); leave room for the invoke itself. */
const SHORT = Duration.seconds(50);
/** Remediate and Rollback have 5 min in the workflow. */
const LONG = Duration.seconds(280);

export const TASK_ACCESS: Readonly<Record<TaskHandlerName, TaskAccess>> = {
  // Every task appends audit events (PutItem with a condition, never an overwrite).
  validateFinding: { table: [PUT], timeout: SHORT },
  loadPolicy: { table: [PUT], readsPolicy: true, timeout: SHORT },
  classifySeverity: { table: [PUT], actsOnMembers: true, timeout: SHORT },
  checkExemption: { table: [PUT], actsOnMembers: true, timeout: SHORT },
  // Stores the approval (and its task token) and emails the approvers a signed link.
  requestApproval: { table: [PUT], publishesTo: 'approvals', readsSigningKey: true, actsOnMembers: true, timeout: SHORT },
  // Stores the snapshot before it changes anything.
  remediate: { table: [PUT], actsOnMembers: true, timeout: LONG },
  verify: { table: [PUT], actsOnMembers: true, timeout: SHORT },
  // Reads the stored snapshot back.
  rollback: { table: [GET, PUT], actsOnMembers: true, timeout: LONG },
  recordOutcome: { table: [PUT], updatesFindings: true, timeout: SHORT },
  escalate: { table: [PUT], publishesTo: 'escalations', updatesFindings: true, timeout: SHORT },
};
