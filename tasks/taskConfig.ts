import * as z from 'zod';
import type { MemberRole } from './aws/memberRole.js';

/**
 * Settings every task reads from its environment. The CDK stack sets them on each function;
 * the local runtime sets them for the in-process handlers. Parsed once, at the edge.
 */
const TaskConfigSchema = z.object({
  RECTIFY_TABLE_NAME: z.string().min(1),
  RECTIFY_POLICY_PARAMETER: z.string().min(1),
  RECTIFY_APPROVALS_TOPIC_ARN: z.string().min(1),
  RECTIFY_ESCALATIONS_TOPIC_ARN: z.string().min(1),
  RECTIFY_READ_ROLE_NAME: z.string().min(1),
  RECTIFY_CHANGE_ROLE_NAME: z.string().min(1),
  RECTIFY_ADMIN_ACCOUNT: z.string().regex(/^\d{12}$/),
  RECTIFY_SAME_ACCOUNT_SHORTCUT: z.enum(['true', 'false']).default('true'),
  RECTIFY_APPROVAL_BASE_URL: z.string().default(''),
  RECTIFY_APPROVAL_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(86_400),
  AWS_REGION: z.string().default('us-east-1'),
});

export interface TaskConfig {
  readonly tableName: string;
  readonly policyParameter: string;
  readonly approvalsTopicArn: string;
  readonly escalationsTopicArn: string;
  /** The member roles' names, by what the task does with the resource (docs/decisions/010). */
  readonly memberRoleNames: Readonly<Record<MemberRole, string>>;
  readonly adminAccount: string;
  readonly sameAccountShortcut: boolean;
  readonly approvalBaseUrl: string;
  readonly approvalTimeoutSeconds: number;
  readonly region: string;
}

/** Read the task configuration; a missing variable names itself. */
export function taskConfig(env: NodeJS.ProcessEnv = process.env): TaskConfig {
  const parsed = TaskConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`task environment is incomplete: ${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    tableName: e.RECTIFY_TABLE_NAME,
    policyParameter: e.RECTIFY_POLICY_PARAMETER,
    approvalsTopicArn: e.RECTIFY_APPROVALS_TOPIC_ARN,
    escalationsTopicArn: e.RECTIFY_ESCALATIONS_TOPIC_ARN,
    memberRoleNames: { read: e.RECTIFY_READ_ROLE_NAME, change: e.RECTIFY_CHANGE_ROLE_NAME },
    adminAccount: e.RECTIFY_ADMIN_ACCOUNT,
    sameAccountShortcut: e.RECTIFY_SAME_ACCOUNT_SHORTCUT === 'true',
    approvalBaseUrl: e.RECTIFY_APPROVAL_BASE_URL,
    approvalTimeoutSeconds: e.RECTIFY_APPROVAL_TIMEOUT_SECONDS,
    region: e.AWS_REGION,
  };
}

/** Environment variable names, shared with the CDK stack and the local runtime. */
export const TaskEnv = {
  tableName: 'RECTIFY_TABLE_NAME',
  policyParameter: 'RECTIFY_POLICY_PARAMETER',
  approvalsTopicArn: 'RECTIFY_APPROVALS_TOPIC_ARN',
  escalationsTopicArn: 'RECTIFY_ESCALATIONS_TOPIC_ARN',
  readRoleName: 'RECTIFY_READ_ROLE_NAME',
  changeRoleName: 'RECTIFY_CHANGE_ROLE_NAME',
  adminAccount: 'RECTIFY_ADMIN_ACCOUNT',
  sameAccountShortcut: 'RECTIFY_SAME_ACCOUNT_SHORTCUT',
  approvalBaseUrl: 'RECTIFY_APPROVAL_BASE_URL',
  approvalTimeoutSeconds: 'RECTIFY_APPROVAL_TIMEOUT_SECONDS',
  stateMachineArn: 'RECTIFY_STATE_MACHINE_ARN',
  handler: 'RECTIFY_HANDLER',
  approvalSecretArn: 'RECTIFY_APPROVAL_SECRET_ARN',
} as const;
