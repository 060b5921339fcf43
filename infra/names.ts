/**
 * Names both stacks (and people reading the consoles) rely on. The member stack trusts the
 * admin account's member-facing roles by their exact ARNs, so the admin stack gives them fixed names.
 */
export const StackId = {
  admin: 'RectifyAdmin',
  member: 'RectifyMember',
} as const;

/**
 * The admin account's shared role for the tasks that read member resources (CheckExemption,
 * Verify): the member read role trusts it. The name predates the read/change split
 * (docs/decisions/010) and is kept so existing member stacks' trust keeps resolving.
 */
export const REMEDIATION_TASK_ROLE_NAME = 'rectify-remediation-task';

/**
 * The admin account's role of Remediate and Rollback, the only tasks that change member
 * resources: the member change role trusts it and nothing else (docs/decisions/010).
 */
export const CHANGE_TASK_ROLE_NAME = 'rectify-change-task';

/**
 * The admin account's role of the requestApproval task: it reads member resources to plan the
 * change, like the shared task role, and also reads the approval-link signing key, which the
 * shared role must not.
 */
export const APPROVAL_REQUEST_ROLE_NAME = 'rectify-approval-request';

/**
 * The admin account's role of the ClassifySeverity task: it reads member resources' tags, like the
 * shared task role, and also keeps the guardrails (lock, budget counter) and alerts when the budget is
 * spent, which the tasks that change resources need not (docs/decisions/007).
 */
export const CLASSIFY_TASK_ROLE_NAME = 'rectify-classify-task';

/** SSM parameter holding the policy JSON (tasks/domain/policy.ts). */
export const POLICY_PARAMETER_NAME = '/rectify/policy';

/** ARN of an IAM role, for a partition and account that may be CloudFormation tokens. */
export function roleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}
