/**
 * Names both stacks (and people reading the consoles) rely on. The member stack trusts the
 * task role by its exact ARN, so the admin stack gives that role a fixed name.
 */
export const StackId = {
  admin: 'RectifyAdmin',
  member: 'RectifyMember',
} as const;

/** The admin account's role for the tasks that act on member resources. */
export const REMEDIATION_TASK_ROLE_NAME = 'rectify-remediation-task';

/** SSM parameter holding the policy JSON (tasks/domain/policy.ts). */
export const POLICY_PARAMETER_NAME = '/rectify/policy';

/** ARN of an IAM role, for a partition and account that may be CloudFormation tokens. */
export function roleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}
