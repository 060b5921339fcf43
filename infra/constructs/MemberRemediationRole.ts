import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

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
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * The role Rectify assumes in a member account to read and fix resources. It trusts exactly the
 * admin account's member-facing roles, by ARN, and can do exactly what the registered playbooks declare.
 *
 * @example
 * new MemberRemediationRole(this, 'Role', {
 *   roleName: 'RectifyRemediationRole',
 *   trustedRoleArns: memberFacingRoleNames().map((name) => roleArn('aws', '111111111111', name)),
 *   actions: memberRoleActions(allPlaybooks(), TAG_READ_PERMISSIONS),
 * });
 */
export class MemberRemediationRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberRemediationRoleProps) {
    super(scope, id);
    if (props.actions.length === 0) throw new Error('MemberRemediationRole: no actions: the playbook registry declares no permissions');
    const wildcard = props.actions.find((a) => a.includes('*'));
    if (wildcard) throw new Error(`MemberRemediationRole: action ${wildcard} is a wildcard; playbooks must declare exact actions`);
    const trusted = [...new Set(props.trustedRoleArns)];
    if (trusted.length === 0) throw new Error('MemberRemediationRole: no trusted role ARNs: name the admin account\'s member-facing roles');
    const notRole = trusted.find((arn) => !Token.isUnresolved(arn) && !/^arn:[\w-]+:iam::\d{12}:role\/.+/.test(arn));
    if (notRole) throw new Error(`MemberRemediationRole: ${notRole} is not an IAM role ARN; trust the admin roles by exact ARN, never an account`);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Rectify remediation role: assumed only by the Rectify member-facing roles of the Security Hub administrator account',
      assumedBy: new iam.CompositePrincipal(...trusted.map((arn) => new iam.ArnPrincipal(arn))),
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
      inlinePolicies: {
        PlaybookPermissions: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: [...props.actions], resources: ['*'] })],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Playbooks fix whichever resource a finding names (any security group, bucket or key of the account), so the ' +
        'generated actions cannot be scoped to resources known at deploy time; the actions themselves are exact, with no wildcards.',
    });
  }
}
