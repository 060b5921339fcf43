import { Duration } from 'aws-cdk-lib';
import { MemberRole } from '../tasks/aws/memberRole.js';
import type { TaskHandlerName } from '../workflows/remediationWorkflow.js';
import { APPROVAL_REQUEST_ROLE_NAME, CHANGE_TASK_ROLE_NAME, CLASSIFY_TASK_ROLE_NAME, REMEDIATION_TASK_ROLE_NAME } from './names.js';

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
  /**
   * Sets finding workflow status and notes (securityhub:BatchUpdateFindings, which authorises
   * BatchUpdateFindings and BatchUpdateFindingsV2, on the hub and the new hub) and imports
   * Rectify's own outcome findings (securityhub:BatchImportFindings, its default product).
   */
  readonly updatesFindings?: boolean;
  /**
   * Re-reads a finding from Security Hub (securityhub:GetFindings, which authorises GetFindings and
   * GetFindingsV2, on the hub and the new hub): the event is a pointer, not evidence.
   */
  readonly readsFindings?: boolean;
  /** Opens escalation tickets through a Security Hub ticketing connector (securityhub:CreateTicketV2). */
  readonly opensTickets?: boolean;
  /**
   * Acts on resources in member accounts (live tags, playbooks) through this member role: `read`
   * for the tasks that only look, `change` for those that change resources. The handler names the
   * same role (`playbookContextFor`). Runs under a fixed-name role that may assume only that member
   * role and that it trusts by ARN: the shared task role unless `ownRoleName` is set.
   */
  readonly actsOnMembers?: MemberRole;
  /**
   * Fixed name of a member-facing task's own role, for a task that holds what the other
   * member-facing tasks must not (the signing key, the guardrails' writes, the member change
   * role). Tasks naming the same role share it; they must act through the same member role.
   * Requires `actsOnMembers`.
   * @default - the shared task role
   */
  readonly ownRoleName?: string;
  /**
   * Lambda timeout: below the caller's (the workflow's task timeout; API Gateway's 29 s
   * integration timeout for the approval endpoint), so the caller sees the function's own error.
   */
  readonly timeout: Duration;
}

const PUT = 'dynamodb:PutItem';
const GET = 'dynamodb:GetItem';
const UPDATE = 'dynamodb:UpdateItem';
const DELETE = 'dynamodb:DeleteItem';
const BATCH_GET = 'dynamodb:BatchGetItem';
const QUERY = 'dynamodb:Query';
/** Workflow task timeout is 60 s (workflows/taskState.ts); leave room for the invoke itself. */
const SHORT = Duration.seconds(50);
/** Remediate and Rollback have 5 min in the workflow. */
const LONG = Duration.seconds(280);

export const TASK_ACCESS: Readonly<Record<TaskHandlerName, TaskAccess>> = {
  // Every task appends audit events (PutItem with a condition, never an overwrite).
  validateFinding: { table: [PUT], readsFindings: true, timeout: SHORT },
  loadPolicy: { table: [PUT], readsPolicy: true, timeout: SHORT },
  // Reads the exemption register (BatchGetItem) as well as the live tags.
  checkExemption: { table: [BATCH_GET, PUT], actsOnMembers: MemberRole.read, timeout: SHORT },
  // Reads the live tags for the risk, then the guardrails: dedupe lock (conditional Put, Get), flap history
  // and breakers (Get), budget counter (Update); alerts when the budget is spent. Its own role, so the
  // tasks that change resources get neither the counters' writes nor the topic.
  classifySeverity: {
    table: [GET, PUT, UPDATE],
    actsOnMembers: MemberRole.read,
    publishesTo: 'escalations',
    ownRoleName: CLASSIFY_TASK_ROLE_NAME,
    timeout: SHORT,
  },
  // Stores the approval (and its task token) and emails the approvers a signed link. It plans the
  // change on the member resource, but the other member-facing tasks must not read the key: own role.
  requestApproval: {
    // The approval is upserted (a retried request refreshes its token) and marked when the email went out.
    table: [UPDATE, PUT],
    publishesTo: 'approvals',
    readsSigningKey: true,
    // Snapshot and plan only read.
    actsOnMembers: MemberRole.read,
    ownRoleName: APPROVAL_REQUEST_ROLE_NAME,
    timeout: SHORT,
  },
  // Stores the snapshot before it changes anything.
  // The re-check at the moment of change: Security Hub's copy, the policy, the register (BatchGet), the breakers and the lock (Get, conditional Put);
  // the live exemption tag through the change role it holds. Its own role, shared with Rollback: the only one the change role trusts.
  remediate: {
    table: [BATCH_GET, GET, PUT],
    readsPolicy: true,
    readsFindings: true,
    actsOnMembers: MemberRole.change,
    ownRoleName: CHANGE_TASK_ROLE_NAME,
    timeout: LONG,
  },
  verify: { table: [PUT], actsOnMembers: MemberRole.read, timeout: SHORT },
  // Reads the stored snapshot back.
  rollback: { table: [GET, PUT], actsOnMembers: MemberRole.change, ownRoleName: CHANGE_TASK_ROLE_NAME, timeout: LONG },
  // Both settle the guardrails: fix history (Update), breaker results (Get, conditional Put), lock release (Delete).
  // Reads the finding again before a write that does not resolve it: a twin in the other hub may have resolved it meanwhile (docs/decisions/020).
  recordOutcome: { table: [GET, PUT, UPDATE, DELETE], updatesFindings: true, readsFindings: true, timeout: SHORT },
  // Opens tickets through the connector its execution's policy names (securityhub:CreateTicketV2), and, like RecordOutcome,
  // reads the finding again before writing NOTIFIED: a person or the twin's run may have closed it meanwhile.
  escalate: { table: [GET, PUT, UPDATE, DELETE], publishesTo: 'escalations', updatesFindings: true, readsFindings: true, opensTickets: true, timeout: SHORT },
};

/**
 * The approval endpoint's function (tasks/handlers/approval.ts): reads the approval, decides it
 * once with a conditional update (or marks it expired), and appends the audit record. Its
 * states:SendTaskSuccess/SendTaskFailure are granted on the state machine by ApprovalEndpoint.
 */
export const APPROVAL_ACCESS: TaskAccess = {
  table: [GET, UPDATE, PUT],
  readsSigningKey: true,
  // The kill switch: mode off cancels a waiting approval.
  readsPolicy: true,
  // API Gateway gives up after 29 s.
  timeout: Duration.seconds(20),
};

/**
 * The execution-status rule's function (tasks/handlers/executionStatus.ts): reads the stopped
 * execution's audit trail (readAudit: Query on the table's keys, not the index), appends the
 * EXECUTION_DIED record (appendAudit: conditional PutItem), releases the execution's dedupe lock
 * (releaseLock: conditional DeleteItem) and tells the escalations topic.
 */
export const EXECUTION_STATUS_ACCESS: TaskAccess = {
  table: [QUERY, PUT, DELETE],
  publishesTo: 'escalations',
  timeout: SHORT,
};

/**
 * The admin roles one member role trusts, by name: the fixed-name roles of the tasks that act
 * through it (the shared task role for those without their own).
 *
 * @example
 * memberFacingRoleNames(MemberRole.read); // ['rectify-approval-request', 'rectify-classify-task', 'rectify-remediation-task']
 * memberFacingRoleNames(MemberRole.change); // ['rectify-change-task']
 */
export function memberFacingRoleNames(
  role: MemberRole,
  access: Readonly<Record<string, TaskAccess>> = TASK_ACCESS,
  sharedRoleName: string = REMEDIATION_TASK_ROLE_NAME,
): string[] {
  const names = Object.values(access).flatMap((a) => (a.actsOnMembers === role ? [a.ownRoleName ?? sharedRoleName] : []));
  return [...new Set(names)].sort();
}
