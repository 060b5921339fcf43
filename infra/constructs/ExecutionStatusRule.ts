import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantTaskAccess } from '../grantTaskAccess.js';
import { EXECUTION_STATUS_ACCESS, type TaskAccess } from '../taskAccess.js';
import { TaskFunction } from './TaskFunction.js';

/** The handler module (tasks/handlers/executionStatus.ts). */
export const EXECUTION_STATUS_HANDLER = 'executionStatus';

/** Statuses of an execution that may have stopped before it recorded its own outcome. */
export const STOPPED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export interface ExecutionStatusRuleProps {
  /** Only this state machine's executions are watched. */
  readonly stateMachine: sfn.IStateMachine;
  /** Encrypts the table, the topic, the dead-letter queue and the log group. */
  readonly key: kms.IKey;
  readonly table: dynamodb.ITableV2;
  readonly escalations: sns.ITopic;
  /** The TaskEnv variables the handler reads (tasks/taskConfig.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * What the handler touches.
   * @default EXECUTION_STATUS_ACCESS
   */
  readonly access?: TaskAccess;
  /**
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Times EventBridge retries delivering an event to the function before dead-lettering it.
   * @default 8
   */
  readonly retryAttempts?: number;
  /**
   * How long an undelivered event (EventBridge) or a failing invocation (Lambda) is retried.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
}

const XRAY_REASON =
  'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, ' +
  'so Lambda adds them on "*"; every other statement of this role names its resource.';

/**
 * The safety net for executions that stop without recording an outcome (aborted, timed out, or
 * failed outside the workflow's catches): an EventBridge rule on this state machine's FAILED,
 * TIMED_OUT and ABORTED status changes invokes the executionStatus function, which audits the
 * stop, releases the lock and tells the escalations topic. An event that cannot be delivered, or
 * whose invocation keeps failing, ends in an encrypted dead-letter queue instead of vanishing.
 *
 * @example
 * new ExecutionStatusRule(this, 'ExecutionStatus', { stateMachine, key, table, escalations, environment });
 */
export class ExecutionStatusRule extends Construct {
  readonly rule: events.Rule;
  readonly function: lambda.IFunction;
  readonly logGroup: logs.ILogGroup;
  readonly role: iam.Role;
  /** Undeliverable events (EventBridge) and invocations that failed every retry (Lambda). */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ExecutionStatusRuleProps) {
    super(scope, id);
    const access = props.access ?? EXECUTION_STATUS_ACCESS;
    const maxEventAge = props.maxEventAge ?? Duration.hours(6);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Says this queue is a dead-letter queue (Control Tower CT.SQS.PR.1 asks each queue for a DLQ or this). Its
      // sources are EventBridge and Lambda, not queues, so there is none to name with byQueue; allowAll is what SQS does anyway.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the execution-status rule target and of the function\'s asynchronous ' +
        'invocations; cdk-nag recognizes only queues named in another queue\'s RedrivePolicy as dead-letter queues.',
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Rectify execution-status rule: audit executions that stopped without an outcome, release their lock, escalate',
    });
    Validations.of(this.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON });
    grantTaskAccess(this.role, access, { key: props.key, table: props.table, topics: { escalations: props.escalations } });
    // Lambda's on-failure destination sends as the function's role (SSE-KMS: GenerateDataKey, Decrypt).
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    props.key.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');

    const fn = new TaskFunction(this, 'Handler', {
      handlerName: EXECUTION_STATUS_HANDLER,
      role: this.role,
      logKey: props.key,
      environment: { ...props.environment },
      timeout: access.timeout,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;
    // Not SqsDestination: it grants kms:GenerateDataKey* and kms:ReEncrypt* (wildcards) for what two exact actions do.
    fn.function.configureAsyncInvoke({
      onFailure: { bind: () => ({ destination: this.deadLetterQueue.queueArn }) },
      retryAttempts: 2,
      maxEventAge,
    });

    this.rule = new events.Rule(this, 'Rule', {
      description: 'Rectify executions that stopped FAILED, TIMED_OUT or ABORTED: audit them, release the lock, tell people',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: [...STOPPED_STATUSES], stateMachineArn: [props.stateMachine.stateMachineArn] },
      },
      targets: [
        new targets.LambdaFunction(fn.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: props.retryAttempts ?? 8,
          maxEventAge,
        }),
      ],
    });
    // EventBridge writes to the CMK-encrypted dead-letter queue with this account's events service.
    props.key.grant(
      new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      'kms:Decrypt',
      'kms:GenerateDataKey',
    );
  }
}
