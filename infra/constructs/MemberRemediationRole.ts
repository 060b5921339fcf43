import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { isReadAction } from '../../tasks/playbooks/readActions.js';
import { PASS_ROLE } from '../automationRunbooks.js';
import { playbookManagedPolicies } from '../playbookStatements.js';

/** A role the remediation role may hand to one AWS service. */
export interface PassableRole {
  /** Exact role ARN; never a wildcard. */
  readonly roleArn: string;
  /** The only service it may be passed to (iam:PassedToService), e.g. `ssm.amazonaws.com`. */
  readonly service: string;
}

export interface MemberRemediationRoleProps {
  /** Fixed name; the admin tasks assume it by name in every member account. */
  readonly roleName: string;
  /**
   * The principals allowed to assume the role, by exact ARN: the admin account's member-facing
   * roles (never an account root, which would let any of its principals in).
   */
  readonly trustedRoleArns: readonly string[];
  /** IAM actions, generated from the playbooks' declared permissions. */
  readonly actions: readonly string[];
  /**
   * The roles a playbook passes to a service, when `actions` include iam:PassRole: that action is
   * granted on exactly these ARNs, each only to its service, and never on "*".
   * @default []
   */
  readonly passableRoles?: readonly PassableRole[];
  /**
   * Only read actions (tasks/playbooks/readActions.ts): any other action throws at synth, and
   * iam:PassRole is never granted.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * @default - says what the role is for and who may assume it
   */
  readonly description?: string;
  /**
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * A role Rectify assumes in a member account: the change role (read and fix resources) or, with
 * `readOnly`, the read role. It trusts exactly the admin account's task roles that need it, by
 * ARN, and can do exactly what the registered playbooks declare (the read role only the reads),
 * each action on the resource types IAM authorizes it on in this account
 * (tasks/playbooks/resourceScopes.ts), on `*` only where IAM has none; iam:PassRole only on the
 * named roles, and only to their service.
 *
 * @example
 * new MemberRemediationRole(this, 'Remediation', {
 *   roleName: 'RectifyRemediationRole',
 *   trustedRoleArns: memberFacingRoleNames(MemberRole.change).map((name) => roleArn('aws', '111111111111', name)),
 *   actions: changeRoleActions(allPlaybooks(), tagReadPermissionsFor(allPlaybooks())),
 *   passableRoles: [{ roleArn: roleArn('aws', '222222222222', 'RectifyAutomationRole'), service: 'ssm.amazonaws.com' }],
 * });
 * new MemberRemediationRole(this, 'Read', {
 *   roleName: 'RectifyReadRole',
 *   readOnly: true,
 *   trustedRoleArns: memberFacingRoleNames(MemberRole.read).map((name) => roleArn('aws', '111111111111', name)),
 *   actions: readRoleActions(allPlaybooks(), tagReadPermissionsFor(allPlaybooks())),
 * });
 */
export class MemberRemediationRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberRemediationRoleProps) {
    super(scope, id);
    if (props.actions.length === 0) throw new Error('MemberRemediationRole: no actions: the playbook registry declares no permissions');
    const wildcard = props.actions.find((a) => a.includes('*'));
    if (wildcard) throw new Error(`MemberRemediationRole: action ${wildcard} is a wildcard; playbooks must declare exact actions`);
    const write = props.readOnly ? props.actions.find((a) => !isReadAction(a)) : undefined;
    if (write) throw new Error(`MemberRemediationRole: ${props.roleName} is read-only but is given ${write}, which is not a read action (tasks/playbooks/readActions.ts)`);
    if (props.readOnly && (props.passableRoles ?? []).length > 0) throw new Error(`MemberRemediationRole: ${props.roleName} is read-only; it passes no role`);
    const trusted = [...new Set(props.trustedRoleArns)];
    if (trusted.length === 0) throw new Error('MemberRemediationRole: no trusted role ARNs: name the admin account\'s member-facing roles');
    const notRole = trusted.find((arn) => !Token.isUnresolved(arn) && !/^arn:[\w-]+:iam::\d{12}:role\/.+/.test(arn));
    if (notRole) throw new Error(`MemberRemediationRole: ${notRole} is not an IAM role ARN; trust the admin roles by exact ARN, never an account`);
    const playbookActions = props.actions.filter((a) => a !== PASS_ROLE);
    const passRole = passRoleStatements(props.actions.includes(PASS_ROLE), props.passableRoles ?? []);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description:
        props.description ??
        (props.readOnly
          ? 'Rectify read role: reads resources and their tags; assumed only by the Rectify tasks of the Security Hub administrator account that only look'
          : 'Rectify remediation role: assumed only by the Rectify tasks of the Security Hub administrator account that change resources'),
      assumedBy: new iam.CompositePrincipal(...trusted.map((arn) => new iam.ArnPrincipal(arn))),
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    });
    // Customer managed policies, not inline: a role holds 10,240 characters of inline policy, which the
    // resource-scoped statements of a tripled catalog outgrow (test/infra/templateLimits.test.ts).
    playbookManagedPolicies(this, 'PlaybookPermissions', [this.role], playbookActions, props.readOnly ? 'Read role' : 'Change role', passRole);
  }
}

/** iam:PassRole, one statement per service, on exact role ARNs; refuses "*" and unused or missing roles. */
function passRoleStatements(declared: boolean, passable: readonly PassableRole[]): iam.PolicyStatement[] {
  if (!declared && passable.length > 0) {
    throw new Error(`MemberRemediationRole: passableRoles are given but no playbook declares ${PASS_ROLE}; remove them`);
  }
  if (!declared) return [];
  if (passable.length === 0) {
    throw new Error(`MemberRemediationRole: a playbook declares ${PASS_ROLE}; name the roles it passes (passableRoles), it is never granted on "*"`);
  }
  // The only wildcard allowed: a name prefix of roles Rectify creates itself (`role/rectify-<purpose>-*`, one per region).
  const rectifyPrefix = (arn: string) => /:role\/rectify-[\w+=,.@-]+-\*$/.test(arn) && arn.indexOf('*') === arn.length - 1;
  const wildcard = passable.find(
    (p) => (p.roleArn.includes('*') && !rectifyPrefix(p.roleArn)) || (!Token.isUnresolved(p.roleArn) && !/^arn:[\w-]+:iam::\d{12}:role\/.+/.test(p.roleArn)),
  );
  if (wildcard) throw new Error(`MemberRemediationRole: ${wildcard.roleArn} is not one exact role ARN (or a rectify-<purpose>-* prefix); ${PASS_ROLE} names each role it may pass`);
  const services = [...new Set(passable.map((p) => p.service))].sort();
  return services.map(
    (service) =>
      new iam.PolicyStatement({
        actions: [PASS_ROLE],
        resources: [...new Set(passable.filter((p) => p.service === service).map((p) => p.roleArn))],
        conditions: { StringEquals: { 'iam:PassedToService': service } },
      }),
  );
}
