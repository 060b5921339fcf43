import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { TaskFunction } from './TaskFunction.js';

export interface IntakeFunctionProps {
  /** The intake queue it consumes. */
  readonly queue: sqs.IQueue;
  /** The state machine it starts one execution per finding of. */
  readonly stateMachine: sfn.IStateMachine;
  readonly logKey: kms.IKey;
  /**
   * Keep the queue's visibility timeout at six times this or more.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Messages per invocation; each failed message is reported back alone.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The intake function (tasks/handlers/intake.ts): reads Security Hub events from the queue and
 * starts one execution per finding. It may start executions of this state machine and nothing else.
 */
export class IntakeFunction extends Construct {
  readonly function: TaskFunction['function'];
  /** The function's own log group. */
  readonly logGroup: TaskFunction['logGroup'];

  constructor(scope: Construct, id: string, props: IntakeFunctionProps) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Rectify intake: consume the intake queue, start remediation executions',
    });
    const handler = new TaskFunction(this, 'Handler', {
      handlerName: 'intake',
      role,
      logKey: props.logKey,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: { [TaskEnv.stateMachineArn]: props.stateMachine.stateMachineArn },
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;
    props.stateMachine.grantStartExecution(role);
    this.function.addEventSource(
      new eventSources.SqsEventSource(props.queue, { batchSize: props.batchSize ?? 10, reportBatchItemFailures: true }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions; ' +
        'the queue, key and state machine statements name their resources.',
    });
  }
}
