import { Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { TAG_READ_PERMISSIONS } from '../../tasks/domain/resourceTags.js';
import { allPlaybooks, memberRoleActions } from '../../tasks/playbooks/registry.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { TASK_HANDLERS, type RemediationFunctions, type TaskHandlerName } from '../../workflows/remediationWorkflow.js';
import { REMEDIATION_TASK_ROLE_NAME, roleArn } from '../names.js';
import { TASK_ACCESS, type TaskAccess, type TopicName } from '../taskAccess.js';
import { TaskFunction } from './TaskFunction.js';

export interface TaskFunctionsProps {
  /** Encrypts the table, the topics and the log groups; tasks get only the KMS actions their calls need. */
  readonly key: kms.IKey;
  readonly table: dynamodb.ITableV2;
  readonly policyParameter: ssm.IStringParameter;
  readonly topics: Readonly<Record<TopicName, sns.ITopic>>;
  /** The approval-link signing key, for the tasks that sign links. */
  readonly signingSecret: secretsmanager.ISecret;
  /** The TaskEnv variables every task reads (tasks/taskConfig.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** Name of the remediation role in member accounts. */
  readonly memberRoleName: string;
  /**
   * Accounts whose remediation role the task role may assume.
   * @default [] (any account)
   */
  readonly memberAccounts?: readonly string[];
  /**
   * Give the task role the playbooks' permissions in its own account instead of assuming the
   * member role there.
   * @default false
   */
  readonly sameAccountShortcut?: boolean;
  /**
   * Fixed name of the shared task role, which member roles trust by ARN.
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

/**
 * The ten workflow task functions with least-privilege roles. Tasks that only touch the admin
 * account's own resources get a role each; the six that act on member resources share one
 * fixed-name role, the only principal member remediation roles trust.
 */
export class TaskFunctions extends Construct {
  readonly functions: RemediationFunctions;
  /** The shared role of the tasks that act on member resources. */
  readonly taskRole: iam.Role;
  readonly roles: Readonly<Record<TaskHandlerName, iam.IRole>>;

  constructor(scope: Construct, id: string, props: TaskFunctionsProps) {
    super(scope, id);
    const access = props.access ?? TASK_ACCESS;
    const { partition, region, account } = Stack.of(this);
    const lambdaPrincipal = new iam.ServicePrincipal('lambda.amazonaws.com');

    this.taskRole = new iam.Role(this, 'RemediationTaskRole', {
      roleName: props.taskRoleName ?? REMEDIATION_TASK_ROLE_NAME,
      assumedBy: lambdaPrincipal,
      description: 'Rectify tasks that act on member resources; the only principal member remediation roles trust',
    });
    this.allowAssumeMemberRoles(props, partition, account);
    if (props.sameAccountShortcut) this.allowPlaybooksHere();
    Validations.of(this.taskRole).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON });

    const roles = {} as Record<TaskHandlerName, iam.IRole>;
    const functions = {} as Record<TaskHandlerName, TaskFunction['function']>;
    for (const name of TASK_HANDLERS) {
      const needs = access[name];
      let role: iam.IRole = this.taskRole;
      if (!needs.actsOnMembers) {
        role = new iam.Role(this, `${name}Role`, { assumedBy: lambdaPrincipal, description: `Rectify ${name} task` });
        Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON });
      }
      this.grant(role, needs, props, `arn:${partition}:securityhub:${region}:${account}:hub/default`);
      functions[name] = new TaskFunction(this, name, {
        handlerName: name,
        role,
        logKey: props.key,
        environment: {
          ...props.environment,
          ...(needs.readsSigningKey ? { [TaskEnv.approvalSecretArn]: props.signingSecret.secretArn } : {}),
        },
        timeout: needs.timeout,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      }).function;
      roles[name] = role;
    }
    this.functions = functions;
    this.roles = roles;
  }

  private grant(role: iam.IRole, needs: TaskAccess, props: TaskFunctionsProps, hubArn: string): void {
    // Exact KMS actions (no GenerateDataKey*): reading the CMK-encrypted table needs Decrypt, writing also Encrypt.
    const keyActions = new Set<string>(['kms:Decrypt', 'kms:DescribeKey']);
    props.table.grant(role, ...needs.table);
    const writes = needs.table.some((a) => !/^dynamodb:(Get|BatchGet|Query|Scan|Describe)/.test(a));
    if (writes) keyActions.add('kms:Encrypt').add('kms:GenerateDataKey');
    if (needs.readsPolicy) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [props.policyParameter.parameterArn] }));
    }
    if (needs.readsSigningKey) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [props.signingSecret.secretArn] }),
      );
    }
    if (needs.publishesTo) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.topics[needs.publishesTo].topicArn] }));
      keyActions.add('kms:GenerateDataKey').add('kms:Decrypt');
    }
    if (needs.updatesFindings) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['securityhub:BatchUpdateFindings'], resources: [hubArn] }));
    }
    props.key.grant(role, ...[...keyActions].sort());
  }

  private allowAssumeMemberRoles(props: TaskFunctionsProps, partition: string, ownAccount: string): void {
    const accounts = props.memberAccounts ?? [];
    // With a closed list, the administrator account's own findings still need its member role,
    // unless the shortcut fixes them with this role directly.
    const allowed = accounts.length === 0 ? ['*'] : props.sameAccountShortcut ? [...accounts] : [...accounts, ownAccount];
    const resources = allowed.map((a) => roleArn(partition, a, props.memberRoleName));
    this.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources }));
    if (accounts.length === 0) {
      // cdk-nag shows an unresolved partition as <AWS::Partition>.
      const shownPartition = Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
      Validations.of(this.taskRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${roleArn(shownPartition, '*', props.memberRoleName)}]`,
        reason:
          `No memberAccounts are configured, so the task role may assume the ${props.memberRoleName} role in any account; ` +
          'only roles deployed by the member stack, which trust exactly this role, can be assumed. Set rectify.memberAccounts to narrow it.',
      });
    }
  }

  private allowPlaybooksHere(): void {
    const policy = new iam.Policy(this, 'SameAccountPlaybookPolicy', {
      roles: [this.taskRole],
      statements: [new iam.PolicyStatement({ actions: memberRoleActions(allPlaybooks(), TAG_READ_PERMISSIONS), resources: ['*'] })],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sameAccountShortcut: the playbooks fix any resource of their type that a finding names in this account, so the ' +
        'actions (generated from the playbooks\' declared permissions, no action wildcards) cannot be scoped to resources known at deploy time.',
    });
  }
}
