import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BREAKER_HOLDS_METRIC, RectifyMetrics, RollbackResult } from '../rectifyMetrics.js';

export interface RemediationAlarmsProps {
  readonly stateMachine: sfn.IStateMachine;
  /** The state machine's execution log group (logging ALL with execution data). */
  readonly executionLogGroup: logs.ILogGroup;
  /** Dead-letter queues by what they hold; a message in any of them is work Rectify did not do. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Every alarm notifies it. */
  readonly escalations: sns.ITopic;
  /** Encrypts the escalations topic: CloudWatch needs it to publish there. */
  readonly topicKey: kms.IKey;
  /**
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * The alarms people are paged through the escalations topic for: failed executions, dead
 * letters, an open circuit breaker, and rollbacks that failed. Each fires on the first
 * occurrence in a period and treats no data as OK, since silence means nothing went wrong.
 *
 * @example
 * new RemediationAlarms(this, 'Alarms', { stateMachine, executionLogGroup, deadLetterQueues: { intake: dlq }, escalations, topicKey: key });
 */
export class RemediationAlarms extends Construct {
  readonly executionsFailed: cloudwatch.Alarm;
  readonly deadLetters: Readonly<Record<string, cloudwatch.Alarm>>;
  readonly circuitBreakerOpen: cloudwatch.Alarm;
  readonly rollbackFailed: cloudwatch.Alarm;
  /** The metric the breaker filter counts: executions ClassifySeverity (its guardrails) held because a breaker is open. */
  readonly breakerHoldsMetric: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: RemediationAlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    this.allowCloudWatchToPublish(props.escalations, props.topicKey);
    const notify = new actions.SnsAction(props.escalations);
    const alarmOnAny = (alarmId: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(notify);
      return alarm;
    };

    this.executionsFailed = alarmOnAny(
      'ExecutionsFailed',
      props.stateMachine.metricFailed({ period, statistic: cloudwatch.Stats.SUM }),
      'Rectify: a remediation execution failed (escalations end as failed executions too). The escalations topic has the ' +
        'details; the execution history shows the failed step.',
    );

    this.deadLetters = Object.fromEntries(
      Object.entries(props.deadLetterQueues).map(([name, queue]) => [
        name,
        alarmOnAny(
          `${name[0]!.toUpperCase()}${name.slice(1)}DeadLetters`,
          queue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
          `Rectify: messages in the ${name} dead-letter queue were not processed. Read them, fix the cause, then redrive them.`,
        ),
      ]),
    );

    this.breakerHoldsMetric = new cloudwatch.Metric({
      namespace: RectifyMetrics.namespace,
      metricName: BREAKER_HOLDS_METRIC,
      dimensionsMap: { service: RectifyMetrics.service },
      period,
      statistic: cloudwatch.Stats.SUM,
    });
    this.circuitBreakerOpen = alarmOnAny(
      'CircuitBreakerOpen',
      this.breakerHoldsMetric,
      'Rectify: a circuit breaker is open, so automatic changes wait for approval. Find out why remediations failed, then ' +
        'run `rectify mode reset-breaker <account|global>`.',
    );

    this.rollbackFailed = alarmOnAny(
      'RollbackFailed',
      new cloudwatch.Metric({
        namespace: RectifyMetrics.namespace,
        metricName: RectifyMetrics.rollbacks.name,
        dimensionsMap: { service: RectifyMetrics.service, Result: RollbackResult.failed },
        period,
        statistic: cloudwatch.Stats.SUM,
      }),
      'Rectify: a change failed and undoing it failed too; the resource may be half-changed. Restore it by hand from ' +
        'the snapshot in the audit table.',
    );
  }

  /** CloudWatch publishes alarm notifications as its own service principal: the topic and its key must let it, for this account's alarms. */
  private allowCloudWatchToPublish(topic: sns.ITopic, key: kms.IKey): void {
    const { partition, region, account } = Stack.of(this);
    const conditions = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    topic.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'CloudWatchAlarmsPublish', principals: [cloudWatch], actions: ['sns:Publish'], resources: [topic.topicArn], conditions }),
    );
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com', { conditions }), 'kms:Decrypt', 'kms:GenerateDataKey');
  }
}
