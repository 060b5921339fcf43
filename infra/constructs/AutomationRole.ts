import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SSM_SERVICE, type ArnScope } from '../automationRunbooks.js';

export interface AutomationRoleProps {
  /** Fixed name: playbooks pass it to SSM by ARN (their `automationAssumeRoleName` setting). */
  readonly roleName: string;
  /** Exact IAM actions of the runbooks that run as this role. */
  readonly actions: readonly string[];
  /** The resources those actions may touch in this account. */
  readonly resources: (scope: ArnScope) => string[];
  /** The runbooks that run as this role, for its description. */
  readonly runbooks: readonly string[];
}

/**
 * The role SSM Automation runs a playbook's runbook as (its AutomationAssumeRole) in a member
 * account. Only SSM Automation executions of this account may assume it, and it can do exactly
 * what the runbooks' steps call. The remediation role may pass it to SSM and nowhere else.
 *
 * @example
 * new AutomationRole(this, 'Automation', {
 *   roleName: 'RectifyAutomationRole',
 *   actions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
 *   resources: ({ partition, account }) => [`arn:${partition}:rds:*:${account}:db:*`],
 *   runbooks: ['AWSConfigRemediation-EnableRDSInstanceDeletionProtection'],
 * });
 */
export class AutomationRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AutomationRoleProps) {
    super(scope, id);
    if (props.actions.length === 0) throw new Error(`AutomationRole ${props.roleName}: no actions: the runbooks declare none`);
    const wildcard = props.actions.find((a) => a.includes('*'));
    if (wildcard) throw new Error(`AutomationRole ${props.roleName}: action ${wildcard} is a wildcard; list the runbook steps' exact actions`);
    const { partition, region, account } = Stack.of(this);
    const resources = props.resources({ partition, account });
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: `Rectify: SSM Automation runs ${props.runbooks.join(', ')} as this role, for this account's executions only`,
      // Confused-deputy guard: SSM may assume it only for automation executions of this account.
      assumedBy: new iam.ServicePrincipal(SSM_SERVICE, {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:ssm:*:${account}:automation-execution/*` },
        },
      }),
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: {
        RunbookPermissions: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: [...props.actions], resources })],
        }),
      },
    });
    for (const resource of resources.filter((r) => r.includes('*'))) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${shownByNag(resource, { partition, region, account })}]`,
        reason:
          `The runbooks (${props.runbooks.join(', ')}) act on whichever resource a finding names in this account, so the ` +
          'role is scoped to the resource type in this account rather than to resources known at deploy time.',
      });
    }
  }
}

/** cdk-nag shows unresolved pseudo parameters as `<AWS::Name>`. */
function shownByNag(arn: string, scope: { partition: string; region: string; account: string }): string {
  const pseudo: [string, string][] = [
    [scope.partition, '<AWS::Partition>'],
    [scope.region, '<AWS::Region>'],
    [scope.account, '<AWS::AccountId>'],
  ];
  return pseudo.reduce((shown, [value, name]) => (Token.isUnresolved(value) ? shown.split(value).join(name) : shown), arn);
}
