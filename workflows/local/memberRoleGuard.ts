import { REMEDIATION_TASK_ROLE_NAME } from '../../infra/names.js';
import { TASK_ACCESS } from '../../infra/taskAccess.js';
import { addCallInterceptor, type SdkCall } from '../../tasks/aws/clientHooks.js';
import type { MemberRole } from '../../tasks/aws/memberRole.js';
import type { TaskHandlerName } from '../remediationWorkflow.js';
import { currentCaller, runAs } from './callerContext.js';
import type { TaskHandler } from './ExecutionEngine.js';
import { LOCAL_NAMES } from './provision.js';

let installed = false;

/** What IAM answers a principal that may not assume a role. */
export class AssumeRoleDeniedError extends Error {
  readonly $metadata = { httpStatusCode: 403 };
  readonly $fault = 'client';
  constructor(message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

/** The member role a task's admin role may assume, and that admin role's name (infra/taskAccess.ts). */
function grantOf(task: TaskHandlerName): { memberRole?: MemberRole; adminRole: string } {
  const access = TASK_ACCESS[task];
  if (!access.actsOnMembers) return { adminRole: `the ${task} task role` };
  return { memberRole: access.actsOnMembers, adminRole: access.ownRoleName ?? REMEDIATION_TASK_ROLE_NAME };
}

function checkAssumeRole(call: SdkCall): void {
  const memberRoleNames = LOCAL_NAMES.memberRoles;
  if (call.service !== 'STS' || call.command !== 'AssumeRole') return;
  const caller = currentCaller();
  // Scenario setup and provisioning enter accounts their own way; only the tasks are held to their grants.
  if (!Object.hasOwn(TASK_ACCESS, caller)) return;
  const task = caller as TaskHandlerName;
  const roleArn = (call.input as { RoleArn?: string }).RoleArn ?? '';
  const { memberRole, adminRole } = grantOf(task);
  if (memberRole && roleArn.endsWith(`:role/${memberRoleNames[memberRole]}`)) return;
  throw new AssumeRoleDeniedError(
    `${adminRole} (${task}) is not authorized to perform sts:AssumeRole on ${roleArn}: ` +
      `${memberRole ? `it may assume only the member ${memberRole} role ${memberRoleNames[memberRole]}` : 'it may assume no member role'} ` +
      '(infra/taskAccess.ts; emulated locally: moto lets anyone assume any role)',
  );
}

/**
 * IAM's side of "who assumes which" (docs/decisions/010), emulated: moto lets anyone assume any
 * role, so each task handler runs in a context naming it (callerContext.ts), and an AssumeRole it makes of a member
 * role other than the one its admin role may assume (TASK_ACCESS `actsOnMembers`) fails with
 * `AccessDenied`, as the deployed task role's policy and the member role's trust would refuse it.
 *
 * @example
 * const handlers = guardMemberRoles(createTaskHandlers(deps));
 */
export function guardMemberRoles(handlers: Readonly<Record<TaskHandlerName, TaskHandler>>): Record<TaskHandlerName, TaskHandler> {
  if (!installed) {
    // Once per process: it acts only inside a guarded handler, so it never needs removing.
    addCallInterceptor(checkAssumeRole);
    installed = true;
  }
  return Object.fromEntries(
    Object.entries(handlers).map(([task, handler]) => [task, (event: unknown) => runAs(task as TaskHandlerName, () => handler(event))]),
  ) as Record<TaskHandlerName, TaskHandler>;
}
