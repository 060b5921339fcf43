// zod/mini: every function reads its configuration, and the functions that parse nothing else
// with zod then bundle ~18 KB of it instead of ~95 KB of the classic API (docs/decisions/014).
import * as z from 'zod/mini';
import './zodMessages.js';
import type { MemberRole } from './aws/memberRole.js';

const required = () => z.string().check(z.minLength(1));

/**
 * Settings every task reads from its environment. The CDK stack sets them on each function;
 * the local runtime sets them for the in-process handlers. Parsed once, at the edge.
 */
const TaskConfigSchema = z.object({
  RECTIFY_TABLE_NAME: required(),
  RECTIFY_POLICY_PARAMETER: required(),
  RECTIFY_APPROVALS_TOPIC_ARN: required(),
  RECTIFY_ESCALATIONS_TOPIC_ARN: required(),
  RECTIFY_READ_ROLE_NAME: required(),
  RECTIFY_CHANGE_ROLE_NAME: required(),
  RECTIFY_ADMIN_ACCOUNT: z.string().check(z.regex(/^\d{12}$/)),
  RECTIFY_SAME_ACCOUNT_SHORTCUT: z._default(z.enum(['true', 'false']), 'true'),
  RECTIFY_APPROVAL_BASE_URL: z._default(z.string(), ''),
  RECTIFY_APPROVAL_TIMEOUT_SECONDS: z._default(z.pipe(z.coerce.number(), z.int().check(z.positive())), 86_400),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
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
