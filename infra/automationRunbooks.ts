import type { Playbook } from '../tasks/playbooks/definePlaybook.js';
import type { ScopeAccount } from '../tasks/playbooks/resourceScopes.js';
import {
  DELETION_PROTECTION_RUNBOOK,
  enableDeletionProtectionWithRunbook,
} from '../tasks/playbooks/rds/enableDeletionProtectionWithRunbook.js';
import { PASS_ROLE, passedRoles, PLAYBOOK_PASSED_ROLES, type PassedRole } from './passedRoles.js';

export { PASS_ROLE };

/** The service runbooks run in, and the only one an automation role may be passed to. */
export const SSM_SERVICE = 'ssm.amazonaws.com';

/** Where an ARN is built: the partition and account may be CloudFormation tokens. */
export type ArnScope = ScopeAccount;

/**
 * An SSM Automation runbook a playbook starts, and what its AutomationAssumeRole must be allowed
 * to do: the API calls of the runbook's documented steps, on the resources they touch.
 */
export interface AutomationRunbook {
  /** The SSM document name. */
  readonly document: string;
  /** Exact IAM actions, read from the runbook's steps. */
  readonly actions: readonly string[];
  /** The resources those actions may touch in the member account. */
  readonly resources: (scope: ArnScope) => string[];
}

/**
 * Runbooks by the id of the playbook that runs them. A playbook that declares iam:PassRole must be
 * listed here: the member stack creates the role it passes, with exactly these permissions, and
 * lets the remediation role pass that role and no other.
 */
export const PLAYBOOK_RUNBOOKS: Readonly<Record<string, AutomationRunbook>> = {
  [enableDeletionProtectionWithRunbook.id]: {
    document: DELETION_PROTECTION_RUNBOOK,
    // Steps (Systems Manager Automation runbook reference): aws:executeAwsApi DescribeDBInstances (resource id → identifier),
    // aws:executeAwsApi ModifyDBInstance (DeletionProtection), aws:assertAwsResourceProperty DescribeDBInstances.
    actions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
    resources: ({ partition, account }) => [`arn:${partition}:rds:*:${account}:db:*`],
  },
};

/** One role SSM Automation runs runbooks as, and everything the runbooks run as it need. */
export interface AutomationRoleSpec {
  readonly roleName: string;
  readonly actions: string[];
  readonly runbooks: string[];
  readonly resources: (scope: ArnScope) => string[];
}

/** The setting a runbook playbook names its automation role with; its default is the role the member stack creates. */
const ROLE_SETTING = 'automationAssumeRoleName';

function defaultRoleName(playbook: Playbook): string {
  const defaults = playbook.settings.safeParse({});
  const name = defaults.success ? (defaults.data as Record<string, unknown>)[ROLE_SETTING] : undefined;
  if (typeof name !== 'string') {
    throw new Error(
      `playbook ${playbook.id} declares ${PASS_ROLE} but has no default ${ROLE_SETTING} setting: give it one, so the member ` +
        'stack knows which role to create and to let it pass',
    );
  }
  return name;
}

/**
 * The automation roles the playbooks hand to SSM, one per role name (each playbook's default
 * `automationAssumeRoleName`), with the union of the permissions of the runbooks that run as it.
 * Throws for a playbook that declares iam:PassRole without a runbook in `runbooks`.
 *
 * @example
 * automationRoles(allPlaybooks()); // [{ roleName: 'RectifyAutomationRole', actions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'], ... }]
 */
export function automationRoles(
  playbooks: readonly Playbook[],
  runbooks: Readonly<Record<string, AutomationRunbook>> = PLAYBOOK_RUNBOOKS,
): AutomationRoleSpec[] {
  const byName = new Map<string, AutomationRunbook[]>();
  // A playbook that passes a role it creates itself (infra/passedRoles.ts) runs no runbook.
  for (const playbook of playbooks.filter((p) => p.permissions.includes(PASS_ROLE) && !PLAYBOOK_PASSED_ROLES[p.id])) {
    const runbook = runbooks[playbook.id];
    if (!runbook) {
      throw new Error(
        `playbook ${playbook.id} declares ${PASS_ROLE}: add the runbook it runs and the actions of its steps to PLAYBOOK_RUNBOOKS ` +
          '(infra/automationRunbooks.ts), so the member stack can create the role it passes, or the roles it passes to a service to PLAYBOOK_PASSED_ROLES (infra/passedRoles.ts)',
      );
    }
    const roleName = defaultRoleName(playbook);
    byName.set(roleName, [...(byName.get(roleName) ?? []), runbook]);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([roleName, list]) => ({
      roleName,
      actions: [...new Set(list.flatMap((r) => r.actions))].sort(),
      runbooks: [...new Set(list.map((r) => r.document))].sort(),
      resources: (scope: ArnScope) => [...new Set(list.flatMap((r) => r.resources(scope)))].sort(),
    }));
}

/**
 * Every role the change role may pass, with its service: the runbooks' automation roles (to SSM)
 * and the roles playbooks create for a service (infra/passedRoles.ts).
 *
 * @example
 * passableRoleNames(allPlaybooks()); // [{ roleName: 'RectifyAutomationRole', service: 'ssm.amazonaws.com' }, { roleName: 'rectify-cloudtrail-logs', service: 'cloudtrail.amazonaws.com' }]
 */
export function passableRoleNames(playbooks: readonly Playbook[]): PassedRole[] {
  return [...automationRoles(playbooks).map((spec) => ({ roleName: spec.roleName, service: SSM_SERVICE })), ...passedRoles(playbooks)];
}
