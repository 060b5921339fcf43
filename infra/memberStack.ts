import { Aws, CfnParameter, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { tagReadPermissionsFor } from '../tasks/domain/resourceTags.js';
import { allPlaybooks, memberRoleActions } from '../tasks/playbooks/registry.js';
import { automationRoles, SSM_SERVICE } from './automationRunbooks.js';
import type { RectifyConfig } from './config.js';
import { AutomationRole } from './constructs/AutomationRole.js';
import { MemberRemediationRole } from './constructs/MemberRemediationRole.js';
import { roleArn } from './names.js';
import { memberFacingRoleNames } from './taskAccess.js';

export interface RectifyMemberStackProps extends StackProps {
  /** The validated `rectify` context (infra/config.ts). */
  readonly config: RectifyConfig;
}

/**
 * The remediation role of one member account, and the roles SSM Automation runs the playbooks'
 * runbooks as, which the remediation role may pass to SSM and nowhere else. Account-agnostic and lookup-free so one template
 * can be rolled out with CloudFormation StackSets; without `rectify.adminAccount` the
 * administrator account becomes the `AdminAccountId` parameter. Deploy the admin stack first:
 * IAM rejects a trust policy naming a role that does not exist yet.
 */
export class RectifyMemberStack extends Stack {
  readonly remediationRole: MemberRemediationRole;
  /** The runbooks' AutomationAssumeRoles, by role name. */
  readonly automationRoles: Readonly<Record<string, AutomationRole>>;

  constructor(scope: Construct, id: string, props: RectifyMemberStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      // No BootstrapVersion parameter or rule: StackSets target accounts need not be CDK-bootstrapped.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      description: 'Rectify member account: the remediation role the Rectify administrator account assumes, and the runbooks\' automation role',
      ...stackProps,
    });
    const adminAccount =
      config.adminAccount ??
      new CfnParameter(this, 'AdminAccountId', {
        type: 'String',
        allowedPattern: '^\\d{12}$',
        description: 'The Security Hub administrator account where the Rectify admin stack runs',
      }).valueAsString;

    const playbooks = allPlaybooks();
    const automation = automationRoles(playbooks);
    this.automationRoles = Object.fromEntries(
      automation.map((spec) => [spec.roleName, new AutomationRole(this, `Automation${spec.roleName}`, spec)]),
    );
    this.remediationRole = new MemberRemediationRole(this, 'Remediation', {
      roleName: config.memberRoleName,
      // The shared task role and requestApproval's own role, by exact ARN (infra/taskAccess.ts).
      trustedRoleArns: memberFacingRoleNames().map((name) => roleArn(Aws.PARTITION, adminAccount, name)),
      actions: memberRoleActions(playbooks, tagReadPermissionsFor(playbooks)),
      // By name, as the playbooks build the ARN, in this account only.
      passableRoles: automation.map((spec) => ({ roleArn: roleArn(Aws.PARTITION, Aws.ACCOUNT_ID, spec.roleName), service: SSM_SERVICE })),
    });
  }
}
