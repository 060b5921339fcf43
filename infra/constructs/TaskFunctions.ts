import { Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { MemberRole } from '../../tasks/aws/memberRole.js';
import { tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { allPlaybooks, changeRoleActions, readRoleActions } from '../../tasks/playbooks/registry.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { TASK_HANDLERS, type RemediationFunctions, type TaskHandlerName } from '../../workflows/remediationWorkflow.js';
import { automationRoles, PASS_ROLE, SSM_SERVICE } from '../automationRunbooks.js';
import { passedRoles } from '../passedRoles.js';
import { grantTaskAccess } from '../grantTaskAccess.js';
import { playbookManagedPolicies } from '../playbookStatements.js';
import { REMEDIATION_TASK_ROLE_NAME, roleArn } from '../names.js';
import { TASK_ACCESS, type TaskAccess, type TopicName } from '../taskAccess.js';
import { AutomationRole } from './AutomationRole.js';
import { TaskFunction } from './TaskFunction.js';

export interface TaskFunctionsProps {
  /** Encrypts the table, the topics and the log groups; tasks get only the KMS actions their calls need. */
  readonly key: kms.IKey;
  readonly table: dynamodb.ITableV2;
  readonly policyParameter: ssm.IStringParameter;
  readonly topics: Readonly<Record<TopicName, sns.ITopic>>;
  /** The approval-link signing key, for the task that signs links (under its own role). */
  readonly signingSecret: secretsmanager.ISecret;
  /** The TaskEnv variables every task reads (tasks/taskConfig.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** Names of the member roles (read and change); each member-facing role may assume only its task's. */
  readonly memberRoleNames: Readonly<Record<MemberRole, string>>;
  /**
   * Accounts whose member roles the member-facing roles may assume.
   * @default [] (any account)
   */
  readonly memberAccounts?: readonly string[];
  /**
   * Give the member-facing roles the playbooks' permissions in their own account instead of
   * assuming the member roles there: the read-side roles the read actions, the change-side roles all.
   * @default false
   */
  readonly sameAccountShortcut?: boolean;
  /**
   * Fixed name of the shared task role, which the member role of its tasks trusts by ARN.
   * @default REMEDIATION_TASK_ROLE_NAME
   */
  readonly taskRoleName?: string;
  /**
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What each handler touches.
   * @default TASK_ACCESS
   */
  readonly access?: Readonly<Record<TaskHandlerName, TaskAccess>>;
}

const XRAY_REASON =
  'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, ' +
  'so Lambda adds them on "*"; every other statement of this role names its resource.';

/** Refuses access declarations that would put the signing key in a shared role's reach. */
function checkRoleLayout(name: TaskHandlerName, needs: TaskAccess): void {
  if (needs.ownRoleName && !needs.actsOnMembers) {
    throw new Error(`TaskFunctions: ${name} sets ownRoleName but does not act on members; only member-facing roles need a fixed name`);
  }
  if (needs.readsSigningKey && needs.actsOnMembers && !needs.ownRoleName) {
    throw new Error(
      `TaskFunctions: ${name} reads the approval signing key and acts on members; give it its own role (ownRoleName in ` +
        'infra/taskAccess.ts) so the other member-facing tasks cannot read the key',
    );
  }
}

/**
 * The ten workflow task functions with least-privilege roles. Tasks that only touch the admin
 * account's own resources get a role each. Member-facing tasks run under fixed-name roles that
 * may assume one member role each — read or change — which trusts exactly those names:
 * checkExemption and verify share the task role (read); classifySeverity and requestApproval
 * have their own (read; the guardrails' writes, the signing key); remediate and rollback share
 * the change task role (change).
 *
 * @example
 * const tasks = new TaskFunctions(this, 'Tasks', {
 *   key, table, policyParameter, topics, signingSecret, environment,
 *   memberRoleNames: { read: 'RectifyReadRole', change: 'RectifyRemediationRole' },
 * });
 * new RemediationStateMachine(this, 'Remediation', { functions: tasks.functions, logKey: key });
 */
export class TaskFunctions extends Construct {
  readonly functions: RemediationFunctions;
  /** The shared role of the member-facing tasks without their own (they read member resources). */
  readonly taskRole: iam.Role;
  /** Every role that may assume the member roles: the shared task role and the member-facing tasks' own roles. */
  readonly memberFacingRoles: readonly iam.Role[];
  /** With the same-account shortcut: the runbooks' automation roles in this account (otherwise the member stack's). */
  readonly automationRoles: readonly AutomationRole[];
  readonly roles: Readonly<Record<TaskHandlerName, iam.IRole>>;
  /** Each task function's own log group. */
  readonly logGroups: Readonly<Record<TaskHandlerName, logs.ILogGroup>>;

  constructor(scope: Construct, id: string, props: TaskFunctionsProps) {
    super(scope, id);
    const access = props.access ?? TASK_ACCESS;
    const { partition, account } = Stack.of(this);
    const lambdaPrincipal = new iam.ServicePrincipal('lambda.amazonaws.com');
    const memberFacing = new Map<string, { role: iam.Role; memberRole: MemberRole; task: TaskHandlerName }>();
    const memberFacingRole = (task: TaskHandlerName, memberRole: MemberRole, constructId: string, roleName: string, description: string): iam.Role => {
      const existing = memberFacing.get(roleName);
      if (existing && existing.memberRole !== memberRole) {
        throw new Error(
          `TaskFunctions: ${existing.task} and ${task} share the role ${roleName} but act through the ${existing.memberRole} and the ${memberRole} ` +
            'member roles; give one of them its own role (ownRoleName in infra/taskAccess.ts) so each member role trusts only the tasks that need it',
        );
      }
      if (existing) return existing.role;
      const role = new iam.Role(this, constructId, { roleName, assumedBy: lambdaPrincipal, description });
      this.allowAssumeMemberRole(role, props.memberRoleNames[memberRole], props, partition, account);
      Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON });
      memberFacing.set(roleName, { role, memberRole, task });
      return role;
    };
    const sharedRoleName = props.taskRoleName ?? REMEDIATION_TASK_ROLE_NAME;

    const roles = {} as Record<TaskHandlerName, iam.IRole>;
    const functions = {} as Record<TaskHandlerName, TaskFunction['function']>;
    const logGroups = {} as Record<TaskHandlerName, logs.ILogGroup>;
    for (const name of TASK_HANDLERS) {
      const needs = access[name] as TaskAccess | undefined;
      if (!needs) throw new Error(`TaskFunctions: no access declared for the ${name} task: add what its handler calls to TASK_ACCESS (infra/taskAccess.ts)`);
      checkRoleLayout(name, needs);
      let role: iam.Role;
      if (!needs.actsOnMembers) {
        role = new iam.Role(this, `${name}Role`, { assumedBy: lambdaPrincipal, description: `Rectify ${name} task` });
        Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON });
      } else if (needs.ownRoleName) {
        role = memberFacingRole(
          name,
          needs.actsOnMembers,
          `${name}Role`,
          needs.ownRoleName,
          `Rectify ${name} task: acts on member resources under its own role; the member ${needs.actsOnMembers} role trusts it by name`,
        );
      } else {
        role = memberFacingRole(
          name,
          needs.actsOnMembers,
          'RemediationTaskRole',
          sharedRoleName,
          `Rectify tasks that act on member resources through the member ${needs.actsOnMembers} role, which trusts it by name`,
        );
      }
      grantTaskAccess(role, needs, {
        key: props.key,
        table: props.table,
        policyParameter: props.policyParameter,
        topics: props.topics,
        signingSecret: props.signingSecret,
      });
      const task = new TaskFunction(this, name, {
        handlerName: name,
        role,
        logKey: props.key,
        environment: {
          ...props.environment,
          ...(needs.readsSigningKey ? { [TaskEnv.approvalSecretArn]: props.signingSecret.secretArn } : {}),
        },
        timeout: needs.timeout,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      });
      functions[name] = task.function;
      logGroups[name] = task.logGroup;
      roles[name] = role;
    }
    this.functions = functions;
    this.roles = roles;
    this.logGroups = logGroups;
    const shared = memberFacing.get(sharedRoleName);
    if (!shared) throw new Error(`TaskFunctions: no member-facing task uses the shared task role ${sharedRoleName}; set ownRoleName on fewer tasks or drop taskRoleName`);
    this.taskRole = shared.role;
    this.memberFacingRoles = [...memberFacing.values()].map((m) => m.role);
    const byMemberRole = (memberRole: MemberRole) => [...memberFacing.values()].filter((m) => m.memberRole === memberRole).map((m) => m.role);
    this.automationRoles = props.sameAccountShortcut ? this.allowPlaybooksHere(byMemberRole(MemberRole.read), byMemberRole(MemberRole.change)) : [];
  }

  private allowAssumeMemberRole(role: iam.Role, memberRoleName: string, props: TaskFunctionsProps, partition: string, ownAccount: string): void {
    const accounts = props.memberAccounts ?? [];
    // With a closed list, the administrator account's own findings still need its member role,
    // unless the shortcut fixes them with this role directly.
    const allowed = accounts.length === 0 ? ['*'] : props.sameAccountShortcut ? [...accounts] : [...accounts, ownAccount];
    const resources = allowed.map((a) => roleArn(partition, a, memberRoleName));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources }));
    if (accounts.length === 0) {
      // cdk-nag shows an unresolved partition as <AWS::Partition>.
      const shownPartition = Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${roleArn(shownPartition, '*', memberRoleName)}]`,
        reason:
          `No memberAccounts are configured, so this role may assume the ${memberRoleName} role in any account; ` +
          'only roles deployed by the member stack, which trust exactly the Rectify task roles that need them, can be assumed. ' +
          'Set rectify.memberAccounts to narrow it.',
      });
    }
  }

  /**
   * The same-account shortcut: the member-facing roles get the playbooks' permissions here (as customer managed policies, scoped by resource), the
   * read-side roles only the read actions. Returns the automation roles it made.
   */
  private allowPlaybooksHere(readRoles: readonly iam.Role[], changeRoles: readonly iam.Role[]): AutomationRole[] {
    const { partition, account } = Stack.of(this);
    const playbooks = allPlaybooks();
    // No member stack runs in this account under the shortcut, so the runbooks' automation roles
    // (which the member stack would create) are made here; otherwise a runbook playbook (RDS.8) could not run.
    const made = automationRoles(playbooks).map((spec) => new AutomationRole(this, `Automation${spec.roleName}`, spec));
    const tagReads = tagReadPermissionsFor(playbooks);
    if (readRoles.length > 0) {
      playbookManagedPolicies(this, 'SameAccountRead', readRoles, readRoleActions(playbooks, tagReads), 'sameAccountShortcut, the tasks that only look (read actions only)');
    }
    if (changeRoles.length === 0) return made;
    const actions = changeRoleActions(playbooks, tagReads);
    // iam:PassRole never on "*": only the runbooks' automation roles of this account, only to SSM.
    const passable = automationRoles(playbooks).map((spec) => roleArn(partition, account, spec.roleName));
    const passRole =
      actions.includes(PASS_ROLE) && passable.length > 0
        ? [new iam.PolicyStatement({ actions: [PASS_ROLE], resources: passable, conditions: { StringEquals: { 'iam:PassedToService': SSM_SERVICE } } })]
        : [];
    // …and the roles playbooks pass to a service themselves (infra/passedRoles.ts), each only to that service.
    if (actions.includes(PASS_ROLE)) {
      for (const { roleName, service } of passedRoles(playbooks)) {
        passRole.push(new iam.PolicyStatement({ actions: [PASS_ROLE], resources: [roleArn(partition, account, roleName)], conditions: { StringEquals: { 'iam:PassedToService': service } } }));
      }
    }
    playbookManagedPolicies(this, 'SameAccountPlaybook', changeRoles, actions.filter((a) => a !== PASS_ROLE), 'sameAccountShortcut, Remediate and Rollback', passRole);
    return made;
  }
}
