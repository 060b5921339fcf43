import { automationRoles, SSM_SERVICE } from '../../infra/automationRunbooks.js';
import { RECTIFY_POLICY_PATH } from '../../infra/playbookStatements.js';
import { tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { allPlaybooks, changeRoleActions } from '../../tasks/playbooks/registry.js';
import type { TemplateJson } from './templateLimits.js';

/**
 * Every action the catalog puts in a policy: the playbooks' declared permissions, the tag reads of
 * their resource types, and the steps of their runbooks.
 */
export function catalogActions(): ReadonlySet<string> {
  const playbooks = allPlaybooks();
  return new Set([...changeRoleActions(playbooks, tagReadPermissionsFor(playbooks)), ...automationRoles(playbooks).flatMap((r) => r.actions)]);
}

interface Statement {
  Action?: string | string[];
  Resource?: unknown;
}

const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::RolePolicy', 'AWS::IAM::ManagedPolicy']);

/**
 * The policy documents that hold the catalog's statements: Rectify's customer managed policies
 * (path `/rectify/`: the member roles' and the same-account shortcut's playbook statements) and the
 * policies of the roles SSM Automation assumes (runbook steps). Nothing else grows with the catalog,
 * even where an action happens to be one a playbook also declares (the state machine's
 * `lambda:InvokeFunction` on Rectify's own functions). Trust policies are not the catalog's.
 */
function catalogPolicyDocuments(template: TemplateJson): { Statement?: Statement[] }[] {
  const ssmRoles = new Set(Object.entries(template.Resources).filter(([, resource]) => assumedBySsm(resource)).map(([id]) => id));
  return Object.values(template.Resources).flatMap((resource) => {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') {
      if (!assumedBySsm(resource)) return [];
      return ((properties.Policies as { PolicyDocument: { Statement?: Statement[] } }[] | undefined) ?? []).map((p) => p.PolicyDocument);
    }
    if (!POLICY_TYPES.has(resource.Type)) return [];
    const roles = ((properties.Roles as { Ref?: string }[] | undefined) ?? []).map((r) => r.Ref);
    const holdsCatalog = properties.Path === RECTIFY_POLICY_PATH || roles.some((id) => id !== undefined && ssmRoles.has(id));
    return holdsCatalog ? [properties.PolicyDocument as { Statement?: Statement[] }] : [];
  });
}

/** Same length, different name: copy `k` of `ec2:DescribeSubnets` is `ec2:DescribeSubnet2`. */
function fakeAction(action: string, copy: number): string {
  return `${action.slice(0, -1)}${copy}`;
}

function assumedBySsm(resource: TemplateJson['Resources'][string]): boolean {
  const trust = JSON.stringify(resource.Properties?.AssumeRolePolicyDocument ?? {});
  return resource.Type === 'AWS::IAM::Role' && trust.includes(`"${SSM_SERVICE}"`);
}

export interface GrownTemplate {
  readonly template: TemplateJson;
  /** Statements whose actions all come from the catalog, grown `factor` times. */
  readonly grownStatements: number;
  /** Roles SSM Automation assumes, copied `factor - 1` times. */
  readonly copiedRoles: number;
}

/**
 * The template as it would be with `factor` times today's catalog, for measuring against limits
 * (a projection, never deployed). A statement whose actions all come from the catalog (`catalog`)
 * gets `factor - 1` more copies of each action (distinct fake names of the same length: new
 * playbooks are assumed to bring actions as long as today's, none shared with them) and of each of
 * its resources unless that is `*` (a runbook role's resource types, the roles iam:PassRole may
 * pass, grow with the runbooks; `*` stays one entry). Each role SSM Automation assumes (one per
 * runbook role name) is copied `factor - 1` times: every new runbook may bring its own. Everything
 * else — the tasks' own statements, trust policies, the rest of the stack — stays as it is: it does
 * not depend on the catalog.
 */
export function withCatalogGrown(template: TemplateJson, catalog: ReadonlySet<string>, factor: number): GrownTemplate {
  const grown = structuredClone(template) as TemplateJson & { Resources: Record<string, unknown> };
  let grownStatements = 0;
  for (const document of catalogPolicyDocuments(grown)) {
    for (const statement of document.Statement ?? []) {
      const actions = statement.Action === undefined ? [] : [statement.Action].flat();
      if (actions.length === 0 || !actions.every((a) => catalog.has(a))) continue;
      const copies = Array.from({ length: factor - 1 }, (_, i) => i + 2);
      statement.Action = [...actions, ...copies.flatMap((copy) => actions.map((a) => fakeAction(a, copy)))];
      const resources = [statement.Resource].flat();
      if (!(resources.length === 1 && resources[0] === '*')) statement.Resource = Array.from({ length: factor }, () => resources).flat();
      grownStatements += 1;
    }
  }
  const automation = Object.entries(template.Resources).filter(([, resource]) => assumedBySsm(resource));
  for (const [logicalId, resource] of automation) {
    for (let copy = 2; copy <= factor; copy += 1) grown.Resources[`${logicalId}Grown${copy}`] = structuredClone(resource);
  }
  return { template: grown, grownStatements, copiedRoles: automation.length * (factor - 1) };
}
