import { Aws, CfnParameter, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MemberRole } from '../tasks/aws/memberRole.js';
import { tagReadPermissionsFor } from '../tasks/domain/resourceTags.js';
import { allPlaybooks, changeRoleActions, readRoleActions } from '../tasks/playbooks/registry.js';
import { automationRoles, SSM_SERVICE } from './automationRunbooks.js';
import type { RectifyConfig } from './config.js';
import { AutomationRole } from './constructs/AutomationRole.js';
import { MemberRemediationRole } from './constructs/MemberRemediationRole.js';
import { roleArn } from './names.js';
import { passedRoles } from './passedRoles.js';
import { memberFacingRoleNames } from './taskAccess.js';

export interface RectifyMemberStackProps extends StackProps {
  /** The validated `rectify` context (infra/config.ts). */
  readonly config: RectifyConfig;
}

/**
 * The two roles of one member account Rectify assumes (docs/decisions/010) — the read role (only
 * read actions) and the change role (every declared action) — and the roles SSM Automation runs
 * the playbooks' runbooks as, which the change role may pass to SSM and nowhere else. Account-agnostic and lookup-free so one template
 * can be rolled out with CloudFormation StackSets; without `rectify.adminAccount` the
 * administrator account becomes the `AdminAccountId` parameter. Deploy the admin stack first:
 * IAM rejects a trust policy naming a role that does not exist yet.
 */
export class RectifyMemberStack extends Stack {
  /** The change role (`rectify.memberRoleName`): Remediate and Rollback. */
  readonly remediationRole: MemberRemediationRole;
  /** The read role (`rectify.readRoleName`): the tasks that only look. */
  readonly readRole: MemberRemediationRole;
  /** The runbooks' AutomationAssumeRoles, by role name. */
  readonly automationRoles: Readonly<Record<string, AutomationRole>>;

  constructor(scope: Construct, id: string, props: RectifyMemberStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      // No BootstrapVersion parameter or rule: StackSets target accounts need not be CDK-bootstrapped.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      description: 'Rectify member account: the read and remediation roles the Rectify administrator account assumes, and the runbooks\' automation role',
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
    const tagReads = tagReadPermissionsFor(playbooks);
    // Each trusts exactly the admin task roles that act through it, by exact ARN (infra/taskAccess.ts).
    const trusted = (role: MemberRole) => memberFacingRoleNames(role).map((name) => roleArn(Aws.PARTITION, adminAccount, name));
    this.readRole = new MemberRemediationRole(this, 'Read', {
      roleName: config.readRoleName,
      readOnly: true,
      trustedRoleArns: trusted(MemberRole.read),
      actions: readRoleActions(playbooks, tagReads),
    });
    // Construct id and name as before the split: existing deployments keep this role, now trusted by the change task role only.
    this.remediationRole = new MemberRemediationRole(this, 'Remediation', {
      roleName: config.memberRoleName,
      trustedRoleArns: trusted(MemberRole.change),
      actions: changeRoleActions(playbooks, tagReads),
      // By name, as the playbooks build the ARN, in this account only.
      passableRoles: [
        ...automation.map((spec) => ({ roleArn: roleArn(Aws.PARTITION, Aws.ACCOUNT_ID, spec.roleName), service: SSM_SERVICE })),
        ...passedRoles(playbooks).map((r) => ({ roleArn: roleArn(Aws.PARTITION, Aws.ACCOUNT_ID, r.roleName), service: r.service })),
      ],
    });
  }
}
