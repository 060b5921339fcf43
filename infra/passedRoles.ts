import type { Playbook } from '../tasks/playbooks/definePlaybook.js';
import { LOGS_ROLE_NAME } from '../tasks/playbooks/cloudtrail/logsDeliveryRole.js';
import { sendTrailToCloudWatchLogs } from '../tasks/playbooks/cloudtrail/sendTrailToCloudWatchLogs.js';

/** The action that hands a role to a service; never granted on "*" (privilege escalation). */
export const PASS_ROLE = 'iam:PassRole';

/**
 * A role a playbook hands to an AWS service itself, not through an SSM runbook: a delivery role the
 * playbook creates (named `rectify-…`; a trailing `*` covers one per region) or the service's own
 * service-linked role. The change role may pass exactly these, each only to its service
 * (`iam:PassedToService`): never "*", never another service.
 */
export interface PassedRole {
  /** The role's name with its path, as in its ARN after `role/`. */
  readonly roleName: string;
  /** The service principal it is passed to (`iam:PassedToService`). */
  readonly service: string;
}

/**
 * The roles each such playbook passes, by playbook id. A playbook that declares iam:PassRole is
 * listed here or in PLAYBOOK_RUNBOOKS (./automationRunbooks.ts), never both; the member stack and the
 * same-account shortcut grant iam:PassRole on these and nothing broader.
 */
export const PLAYBOOK_PASSED_ROLES: Readonly<Record<string, readonly PassedRole[]>> = {
  // CloudTrail.5: the role that delivers a trail to CloudWatch Logs (tasks/playbooks/cloudtrail/logsDeliveryRole.ts), trusted only by CloudTrail.
  [sendTrailToCloudWatchLogs.id]: [{ roleName: LOGS_ROLE_NAME, service: 'cloudtrail.amazonaws.com' }],
  // EC2.6: the per-region delivery role (tasks/playbooks/ec2/flowLogDelivery.ts), trusted only by VPC Flow Logs.
  'ec2-enable-vpc-flow-logs': [{ roleName: 'rectify-vpc-flow-logs-*', service: 'vpc-flow-logs.amazonaws.com' }],
  // Config.1: the recorder's role is AWS Config's service-linked role (tasks/playbooks/config/recorderState.ts).
  'config-enable-recorder': [{ roleName: 'aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig', service: 'config.amazonaws.com' }],
};

/** The roles the given playbooks pass to services directly (they declare iam:PassRole), without duplicates. */
export function passedRoles(playbooks: readonly Playbook[]): PassedRole[] {
  const roles = playbooks.filter((p) => p.permissions.includes(PASS_ROLE)).flatMap((p) => PLAYBOOK_PASSED_ROLES[p.id] ?? []);
  return roles.filter((role, i) => roles.findIndex((r) => r.roleName === role.roleName && r.service === role.service) === i);
}
