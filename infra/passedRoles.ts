import type { Playbook } from '../tasks/playbooks/definePlaybook.js';
import { LOGS_ROLE_NAME } from '../tasks/playbooks/cloudtrail/logsDeliveryRole.js';
import { sendTrailToCloudWatchLogs } from '../tasks/playbooks/cloudtrail/sendTrailToCloudWatchLogs.js';

/** The action that hands a role to a service; never granted on "*" (privilege escalation). */
export const PASS_ROLE = 'iam:PassRole';

/**
 * A role a playbook creates in the member account and hands to an AWS service (CloudTrail.5 gives
 * CloudTrail the role that delivers a trail to CloudWatch Logs). The member change role may pass
 * exactly that role, by exact ARN, to exactly that service: never "*", never another service.
 */
export interface PassedRole {
  /** The role's fixed name (Rectify's `rectify-…` roles). */
  readonly roleName: string;
  /** The service principal it is passed to, the `iam:PassedToService` condition. */
  readonly service: string;
}

/** Roles by the id of the playbook that creates and passes them (runbook playbooks pass theirs through infra/automationRunbooks.ts). */
export const PLAYBOOK_PASSED_ROLES: Readonly<Record<string, PassedRole>> = {
  [sendTrailToCloudWatchLogs.id]: { roleName: LOGS_ROLE_NAME, service: 'cloudtrail.amazonaws.com' },
};

/** The roles the given playbooks create and pass to a service. */
export function createdPassedRoles(playbooks: readonly Playbook[]): PassedRole[] {
  return playbooks.filter((p) => p.permissions.includes(PASS_ROLE) && PLAYBOOK_PASSED_ROLES[p.id]).map((p) => PLAYBOOK_PASSED_ROLES[p.id]!);
}
