import { TaskEnv } from '../../tasks/taskConfig.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { LOCAL_NAMES } from '../../workflows/local/provision.js';
import type { PolicyWorld } from './SynthesizedPolicies.js';

const REGION = 'us-east-1';

/**
 * The local runtime as the synthesized stacks' counterpart: the accounts and region its calls
 * are made in, the member roles it creates under the stacks' default names, and the resources it
 * provisions in place of the admin stack's (workflows/local/provision.ts), by the TaskEnv variable
 * both hand the functions. The signing secret's ARN ends in a random suffix: `??????` stands for it.
 */
export const LOCAL_POLICY_WORLD: PolicyWorld = {
  adminAccount: LOCAL_ADMIN_ACCOUNT,
  region: REGION,
  memberRoleNames: LOCAL_NAMES.memberRoles,
  localResources: {
    [TaskEnv.tableName]: LOCAL_NAMES.table,
    [TaskEnv.policyParameter]: LOCAL_NAMES.policyParameter,
    [TaskEnv.approvalsTopicArn]: `arn:aws:sns:${REGION}:${LOCAL_ADMIN_ACCOUNT}:${LOCAL_NAMES.approvalsTopic}`,
    [TaskEnv.escalationsTopicArn]: `arn:aws:sns:${REGION}:${LOCAL_ADMIN_ACCOUNT}:${LOCAL_NAMES.escalationsTopic}`,
    [TaskEnv.approvalSecretArn]: `arn:aws:secretsmanager:${REGION}:${LOCAL_ADMIN_ACCOUNT}:secret:${LOCAL_NAMES.approvalSecret}-??????`,
    [TaskEnv.stateMachineArn]: `arn:aws:states:${REGION}:${LOCAL_ADMIN_ACCOUNT}:stateMachine:${LOCAL_NAMES.stateMachine}`,
  },
};

/**
 * The configuration the local runtime matches: the same-account shortcut (findings of the
 * administrator account are fixed with the task roles' own credentials), the default role names,
 * and the local region.
 */
export const LOCAL_APP_CONFIGURATION: Readonly<Record<string, unknown>> = {
  sameAccountShortcut: true,
  region: REGION,
  memberRoleName: LOCAL_NAMES.memberRoles.change,
  readRoleName: LOCAL_NAMES.memberRoles.read,
};
