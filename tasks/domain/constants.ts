/**
 * Names shared by the task handlers and the workflow definition. No string literal for an
 * outcome, an error or a state name crosses that boundary: both sides import them from here.
 */

/** The one result every execution ends with (DESIGN §2). */
export const Outcome = {
  REMEDIATED: 'REMEDIATED',
  DRY_RUN: 'DRY_RUN',
  EXEMPT: 'EXEMPT',
  REJECTED: 'REJECTED',
  NO_PLAYBOOK: 'NO_PLAYBOOK',
  POLICY_SKIPPED: 'POLICY_SKIPPED',
  INVALID: 'INVALID',
  APPROVAL_TIMED_OUT: 'APPROVAL_TIMED_OUT',
  FAILED_ROLLED_BACK: 'FAILED_ROLLED_BACK',
  FAILED_ROLLBACK_FAILED: 'FAILED_ROLLBACK_FAILED',
  /** A safety check could not decide before any change was made: fail closed (see docs/decisions/002). */
  ESCALATED: 'ESCALATED',
  /** Another execution is already remediating this resource for this control. */
  DUPLICATE: 'DUPLICATE',
  /** Fixed too often recently (something reverts it): not fixed again; the owner is told. */
  FLAP_GUARDED: 'FLAP_GUARDED',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Error names thrown by tasks and used as the `Error` of failed executions. */
export const ErrorName = {
  InvalidFinding: 'InvalidFinding',
  NotYetCompliant: 'NotYetCompliant',
  RemediationFailed: 'RemediationFailed',
  RollbackFailed: 'RollbackFailed',
  ApprovalRejected: 'ApprovalRejected',
  ApprovalTimedOut: 'ApprovalTimedOut',
  SafetyCheckFailed: 'SafetyCheckFailed',
  ExemptionCheckFailed: 'ExemptionCheckFailed',
  PlaybookNotFound: 'PlaybookNotFound',
  Throttled: 'Throttled',
  RecordFailed: 'RecordFailed',
  FlapGuarded: 'FlapGuarded',
  /** At the moment of change: the plan is not the approved plan, or a person must now approve (docs/decisions/009). */
  ApprovalNeeded: 'ApprovalNeeded',
  /** At the moment of change: the resource is now exempt. */
  ExemptAtChange: 'ExemptAtChange',
  /** At the moment of change: the policy or Security Hub now says no (mode off, allow lists, finding closed). */
  SkippedAtChange: 'SkippedAtChange',
  /** Another control's change to the same resource is in flight: retried, then escalated if it never frees. */
  ResourceBusy: 'ResourceBusy',
  /** At the moment of change the plan is not the approved one, and the policy says escalate (`onPlanChange`). */
  PlanChanged: 'PlanChanged',
  InvalidControlParameters: 'InvalidControlParameters',
  /** A playbook setting in the policy is invalid or looser than its control (docs/decisions/011). */
  InvalidPlaybookSettings: 'InvalidPlaybookSettings',
} as const;
export type ErrorName = (typeof ErrorName)[keyof typeof ErrorName];

/** State names as the Step Functions console shows them. Keep them readable and stable. */
export const StateName = {
  ValidateFinding: 'ValidateFinding',
  RecordInvalid: 'RecordInvalid',
  InvalidFinding: 'InvalidFinding',
  LoadPolicy: 'LoadPolicy',
  ShouldProceed: 'ShouldProceed?',
  RecordSkipped: 'RecordSkipped',
  CheckExemption: 'CheckExemption',
  IsExempt: 'IsExempt?',
  RecordExempt: 'RecordExempt',
  ClassifySeverity: 'ClassifySeverity',
  HowToProceed: 'HowToProceed?',
  RecordDuplicate: 'RecordDuplicate',
  MarkFlapGuarded: 'MarkFlapGuarded',
  FlapGuarded: 'FlapGuarded',
  PlanDryRun: 'PlanDryRun',
  MarkPlanFailed: 'MarkPlanFailed',
  RecordDryRun: 'RecordDryRun',
  AwaitApproval: 'AwaitApproval',
  RecordRejected: 'RecordRejected',
  Remediate: 'Remediate',
  RecordExemptAtChange: 'RecordExemptAtChange',
  RecordSkippedAtChange: 'RecordSkippedAtChange',
  MarkPlanChanged: 'MarkPlanChanged',
  Verify: 'Verify',
  RecordSuccess: 'RecordSuccess',
  MarkSafetyCheckFailed: 'MarkSafetyCheckFailed',
  MarkApprovalTimedOut: 'MarkApprovalTimedOut',
  Rollback: 'Rollback',
  MarkRollbackFailed: 'MarkRollbackFailed',
  Escalate: 'Escalate',
  NotifyEscalation: 'NotifyEscalation',
  NotifyEscalateFailed: 'NotifyEscalateFailed',
  EscalationRoute: 'EscalationRoute',
  RemediationFailed: 'RemediationFailed',
  RollbackFailed: 'RollbackFailed',
  ApprovalTimedOut: 'ApprovalTimedOut',
  SafetyCheckFailed: 'SafetyCheckFailed',
  RecordFailed: 'RecordFailed',
} as const;
export type StateName = (typeof StateName)[keyof typeof StateName];

export const Mode = {
  OFF: 'off',
  DRY_RUN: 'dry-run',
  APPROVE_ALL: 'approve-all',
  AUTO: 'auto',
} as const;
export type Mode = (typeof Mode)[keyof typeof Mode];
export const MODES = Object.values(Mode) as [Mode, ...Mode[]];

/** Per-control setting. */
export const ControlSetting = {
  AUTO: 'auto',
  APPROVE: 'approve',
  OFF: 'off',
} as const;
export type ControlSetting = (typeof ControlSetting)[keyof typeof ControlSetting];
export const CONTROL_SETTINGS = Object.values(ControlSetting) as [ControlSetting, ...ControlSetting[]];

export const Impact = {
  NON_DISRUPTIVE: 'non-disruptive',
  DISRUPTIVE: 'disruptive',
} as const;
export type Impact = (typeof Impact)[keyof typeof Impact];
export const IMPACTS = Object.values(Impact) as [Impact, ...Impact[]];

export const Risk = {
  LOW: 'LOW',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
  CRITICAL: 'CRITICAL',
} as const;
export type Risk = (typeof Risk)[keyof typeof Risk];
export const RISKS = Object.values(Risk) as [Risk, ...Risk[]];

/** How a request reached Rectify. */
export const Source = {
  AUTOMATIC: 'automatic',
  MANUAL: 'manual',
} as const;
export type Source = (typeof Source)[keyof typeof Source];

/** The Security Hub custom action that asks Rectify to remediate a selected finding. */
export const CUSTOM_ACTION = {
  id: 'RectifyRemediate',
  name: 'Rectify: remediate',
  description: 'Ask Rectify to remediate the selected findings',
} as const;

/** Tag key that exempts a resource (DESIGN §2, CheckExemption). */
export const EXEMPT_TAG_KEY = 'rectify:exempt';

/** Approval decisions sent back to the waiting execution. */
export const Decision = {
  APPROVED: 'APPROVED',
  REJECTED: 'REJECTED',
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** Audit event names written by the tasks. */
export const AuditEvent = {
  VALIDATED: 'VALIDATED',
  INVALID: 'INVALID',
  POLICY_LOADED: 'POLICY_LOADED',
  CLASSIFIED: 'CLASSIFIED',
  EXEMPTION_CHECKED: 'EXEMPTION_CHECKED',
  GUARDRAILS_CHECKED: 'GUARDRAILS_CHECKED',
  APPROVAL_REQUESTED: 'APPROVAL_REQUESTED',
  APPROVAL_DECIDED: 'APPROVAL_DECIDED',
  SNAPSHOT_TAKEN: 'SNAPSHOT_TAKEN',
  PLANNED: 'PLANNED',
  APPLIED: 'APPLIED',
  /** Mode, exemption, allow lists, breakers, lock and Security Hub's copy read again just before the change. */
  RECHECKED: 'RECHECKED',
  /** The freshly computed plan differs from the approved one: nothing changed, a new approval is asked. */
  PLAN_CHANGED: 'PLAN_CHANGED',
  REMEDIATION_FAILED: 'REMEDIATION_FAILED',
  VERIFIED: 'VERIFIED',
  ROLLED_BACK: 'ROLLED_BACK',
  ESCALATED: 'ESCALATED',
  OUTCOME: 'OUTCOME',
  /** Written by the execution-status rule for an execution that stopped before recording its outcome. */
  EXECUTION_DIED: 'EXECUTION_DIED',
} as const;
export type AuditEvent = (typeof AuditEvent)[keyof typeof AuditEvent];
