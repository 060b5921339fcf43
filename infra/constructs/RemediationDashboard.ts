import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RectifyMetrics, RollbackResult, searchExpression, type RectifyMetric } from '../rectifyMetrics.js';

export interface RemediationDashboardProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly intakeQueue: sqs.IQueue;
  /** Dead-letter queues by what they hold. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /**
   * Shown as one status widget at the top.
   * @default []
   */
  readonly alarms?: readonly cloudwatch.IAlarm[];
  /**
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

const WIDTH = 12;
const HEIGHT = 6;

/**
 * One CloudWatch dashboard for Rectify: alarm states; executions by status; outcomes, time to
 * remediate, rollbacks and approval latency (the tasks' EMF metrics, through SEARCH where the
 * dimension values are controls and accounts unknown at deploy time); intake and dead-letter depth.
 *
 * @example
 * new RemediationDashboard(this, 'Dashboard', { stateMachine, intakeQueue, deadLetterQueues: { intake: dlq }, alarms });
 */
export class RemediationDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RemediationDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    // A label applies to every series a SEARCH returns: dynamic labels (${PROP('Dim.…')}) tell them apart.
    const search = (metric: RectifyMetric, statistic: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: searchExpression(metric, statistic, period.toSeconds()),
        usingMetrics: {},
        period,
        label,
      });
    const sum = { period, statistic: cloudwatch.Stats.SUM };
    const deepest = { period, statistic: cloudwatch.Stats.MAXIMUM };
    const machine = props.stateMachine;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    if (props.alarms?.length) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Rectify alarms', alarms: [...props.alarms], width: 2 * WIDTH, height: 3 }));
    }
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Executions',
        width: WIDTH,
        height: HEIGHT,
        left: [
          machine.metricStarted({ ...sum, label: 'Started' }),
          machine.metricSucceeded({ ...sum, label: 'Succeeded' }),
          machine.metricFailed({ ...sum, label: 'Failed' }),
          machine.metricAborted({ ...sum, label: 'Aborted' }),
          machine.metricTimedOut({ ...sum, label: 'Timed out' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Outcomes by outcome, control and account',
        width: WIDTH,
        height: HEIGHT,
        left: [search(RectifyMetrics.outcomes, 'Sum', '')],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Time to remediate by control (seconds)',
        width: WIDTH,
        height: HEIGHT,
        left: [
          search(RectifyMetrics.timeToRemediate, 'p50', "${PROP('Dim.ControlId')} p50"),
          search(RectifyMetrics.timeToRemediate, 'p90', "${PROP('Dim.ControlId')} p90"),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Rollbacks and approval latency',
        width: WIDTH,
        height: HEIGHT,
        left: Object.values(RollbackResult).map(
          (result) =>
            new cloudwatch.Metric({
              namespace: RectifyMetrics.namespace,
              metricName: RectifyMetrics.rollbacks.name,
              dimensionsMap: { service: RectifyMetrics.service, Result: result },
              label: `Rollbacks ${result}`,
              ...sum,
            }),
        ),
        right: [search(RectifyMetrics.approvalLatency, 'Average', "Approval latency (s), ${PROP('Dim.Decision')}")],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Intake and dead-letter queues (messages visible)',
        width: 2 * WIDTH,
        height: HEIGHT,
        left: [
          props.intakeQueue.metricApproximateNumberOfMessagesVisible({ ...deepest, label: 'Intake' }),
          ...Object.entries(props.deadLetterQueues).map(([name, queue]) =>
            queue.metricApproximateNumberOfMessagesVisible({ ...deepest, label: `Dead letters: ${name}` }),
          ),
        ],
      }),
    );
  }
}
