import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TaskEnv } from '../tasks/taskConfig.js';
import { initialPolicy, type RectifyConfig } from './config.js';
import { ApprovalEndpoint } from './constructs/ApprovalEndpoint.js';
import { ApprovalSigningSecret } from './constructs/ApprovalSigningSecret.js';
import { AuditTable } from './constructs/AuditTable.js';
import { EncryptionKey } from './constructs/EncryptionKey.js';
import { ExecutionStatusRule } from './constructs/ExecutionStatusRule.js';
import { FindingSources } from './constructs/FindingSources.js';
import { IntakeFunction } from './constructs/IntakeFunction.js';
import { IntakeQueue } from './constructs/IntakeQueue.js';
import { NotificationTopic } from './constructs/NotificationTopic.js';
import { Observability } from './constructs/Observability.js';
import { PolicyParameter } from './constructs/PolicyParameter.js';
import { RemediationStateMachine } from './constructs/RemediationStateMachine.js';
import { TaskFunctions } from './constructs/TaskFunctions.js';

export interface RectifyAdminStackProps extends StackProps {
  /** The validated `rectify` context (infra/config.ts). */
  readonly config: RectifyConfig;
}

/** Lambda's guidance for SQS event sources: visibility timeout at least six times the function timeout. */
const INTAKE_TIMEOUT = Duration.seconds(30);
const VISIBILITY_FACTOR = 6;

/** The task handlers that record an outcome, and so write the EMF `Outcomes` lines. */
const OUTCOME_HANDLERS = ['recordOutcome', 'escalate'] as const;

/**
 * Rectify in the Security Hub administrator account: intake (rules, queue, function), the
 * remediation state machine and its tasks, the execution-status rule, the approval endpoint, the
 * audit table, the notification topics, the policy parameter, and the alarms, dashboard and
 * saved queries, all encrypted with one customer-managed key.
 */
export class RectifyAdminStack extends Stack {
  readonly taskFunctions: TaskFunctions;
  readonly remediation: RemediationStateMachine;
  readonly approvalEndpoint: ApprovalEndpoint;
  readonly executionStatus: ExecutionStatusRule;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: RectifyAdminStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, stackProps);
    const logRetention = config.logRetentionDays;

    const key = new EncryptionKey(this, 'Key');
    const { table } = new AuditTable(this, 'Audit', { encryptionKey: key });
    const approvals = new NotificationTopic(this, 'Approvals', {
      masterKey: key,
      displayName: 'Rectify approvals',
      emails: config.approvalEmails,
    }).topic;
    const escalations = new NotificationTopic(this, 'Escalations', {
      masterKey: key,
      displayName: 'Rectify escalations',
      emails: config.escalationEmails,
    }).topic;
    const { parameter } = new PolicyParameter(this, 'Policy', { policy: initialPolicy(config) });
    const signing = new ApprovalSigningSecret(this, 'ApprovalSigning', { encryptionKey: key });
    const signingSecret = signing.secret;
    const environment = {
      [TaskEnv.tableName]: table.tableName,
      [TaskEnv.policyParameter]: parameter.parameterName,
      [TaskEnv.approvalsTopicArn]: approvals.topicArn,
      [TaskEnv.escalationsTopicArn]: escalations.topicArn,
      [TaskEnv.readRoleName]: config.readRoleName,
      [TaskEnv.changeRoleName]: config.memberRoleName,
      [TaskEnv.adminAccount]: Aws.ACCOUNT_ID,
      [TaskEnv.sameAccountShortcut]: String(config.sameAccountShortcut),
      [TaskEnv.approvalTimeoutSeconds]: String(config.approvalTimeoutHours * 3600),
    };

    // Before the tasks: requestApproval links to it. Its permission on the state machine comes last.
    this.approvalEndpoint = new ApprovalEndpoint(this, 'ApprovalEndpoint', {
      key,
      table,
      signingSecret,
      policyParameter: parameter,
      environment,
      ...(config.approvalBaseUrl ? { linkBaseUrl: config.approvalBaseUrl } : {}),
      rateLimit: config.approvalRateLimit,
      burstLimit: config.approvalBurstLimit,
      logRetention,
    });
    this.taskFunctions = new TaskFunctions(this, 'Tasks', {
      key,
      table,
      policyParameter: parameter,
      topics: { approvals, escalations },
      signingSecret,
      memberRoleNames: { read: config.readRoleName, change: config.memberRoleName },
      memberAccounts: config.memberAccounts,
      sameAccountShortcut: config.sameAccountShortcut,
      logRetention,
      environment: { ...environment, [TaskEnv.approvalBaseUrl]: this.approvalEndpoint.linkBaseUrl },
    });
    this.remediation = new RemediationStateMachine(this, 'Remediation', {
      functions: this.taskFunctions.functions,
      logKey: key,
      escalations,
      approvalTimeout: Duration.hours(config.approvalTimeoutHours),
      logRetention,
    });
    this.approvalEndpoint.allowTaskResponses(this.remediation.stateMachine);
    signing.readableOnlyBy([this.approvalEndpoint.role, this.taskFunctions.functions.requestApproval.role!]);
    this.executionStatus = new ExecutionStatusRule(this, 'ExecutionStatus', {
      stateMachine: this.remediation.stateMachine,
      key,
      table,
      escalations,
      environment: { ...environment, [TaskEnv.approvalBaseUrl]: this.approvalEndpoint.linkBaseUrl },
      logRetention,
    });

    const intake = new IntakeQueue(this, 'Intake', {
      encryptionKey: key,
      visibilityTimeout: Duration.seconds(INTAKE_TIMEOUT.toSeconds() * VISIBILITY_FACTOR),
      maxReceiveCount: 5,
    });
    new FindingSources(this, 'FindingSources', { queue: intake.queue, createActionTarget: config.createCustomAction });
    const intakeFunction = new IntakeFunction(this, 'IntakeFunction', {
      queue: intake.queue,
      stateMachine: this.remediation.stateMachine,
      logKey: key,
      timeout: INTAKE_TIMEOUT,
      logRetention,
    });

    this.observability = new Observability(this, 'Observability', {
      stateMachine: this.remediation.stateMachine,
      executionLogGroup: this.remediation.logGroup,
      taskLogGroups: {
        ...this.taskFunctions.logGroups,
        executionStatus: this.executionStatus.logGroup,
        intake: intakeFunction.logGroup,
        approval: this.approvalEndpoint.logGroup,
      },
      outcomeHandlers: OUTCOME_HANDLERS,
      intakeQueue: intake.queue,
      deadLetterQueues: { intake: intake.deadLetterQueue, executionStatus: this.executionStatus.deadLetterQueue },
      escalations,
      topicKey: key,
    });

    new CfnOutput(this, 'StateMachineArn', { value: this.remediation.stateMachine.stateMachineArn });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'ApprovalsTopicArn', { value: approvals.topicArn });
    new CfnOutput(this, 'EscalationsTopicArn', { value: escalations.topicArn });
    new CfnOutput(this, 'PolicyParameterName', { value: parameter.parameterName });
    new CfnOutput(this, 'IntakeDeadLetterQueueUrl', { value: intake.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ExecutionStatusDeadLetterQueueUrl', { value: this.executionStatus.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboard.dashboardName });
    new CfnOutput(this, 'TaskRoleArn', { value: this.taskFunctions.taskRole.roleArn });
    new CfnOutput(this, 'ApprovalBaseUrl', {
      value: this.approvalEndpoint.linkBaseUrl,
      description: 'Where approval links start: <ApprovalBaseUrl>/approvals/{id}?exp=...&sig=...',
    });
    new CfnOutput(this, 'ApprovalApiStageUrl', {
      value: this.approvalEndpoint.api.url,
      description: 'The approval API stage; map a custom domain to it and set rectify.approvalBaseUrl to use that instead',
    });
  }
}
