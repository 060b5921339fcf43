import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RemediationAlarms } from './RemediationAlarms.js';
import { RemediationDashboard } from './RemediationDashboard.js';
import { SavedQueries } from './SavedQueries.js';

export interface ObservabilityProps {
  readonly stateMachine: sfn.IStateMachine;
  /** The state machine's execution log group (logging ALL with execution data). */
  readonly executionLogGroup: logs.ILogGroup;
  /** Log groups of the functions that run a task handler, by handler name. */
  readonly taskLogGroups: Readonly<Record<string, logs.ILogGroup>>;
  /** Handlers that record outcomes (their log groups hold the EMF `Outcomes` lines). */
  readonly outcomeHandlers: readonly string[];
  readonly intakeQueue: sqs.IQueue;
  /** Dead-letter queues by what they hold. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Alarms notify it. */
  readonly escalations: sns.ITopic;
  /** Encrypts the escalations topic. */
  readonly topicKey: kms.IKey;
  /**
   * Metric period of the alarms and the dashboard.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * What operators watch Rectify with (DESIGN §4): alarms to the escalations topic, a dashboard,
 * and saved Logs Insights queries.
 *
 * @example
 * new Observability(this, 'Observability', { stateMachine, executionLogGroup, taskLogGroups, outcomeHandlers: ['recordOutcome', 'escalate'], intakeQueue, deadLetterQueues, escalations, topicKey: key });
 */
export class Observability extends Construct {
  readonly alarms: RemediationAlarms;
  readonly dashboard: RemediationDashboard;
  readonly queries: SavedQueries;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const outcomeLogGroups = props.outcomeHandlers.map((name) => {
      const group = props.taskLogGroups[name];
      if (!group) throw new Error(`Observability: no log group for the ${name} handler, which records outcomes`);
      return group;
    });
    const period = props.period ? { period: props.period } : {};
    this.alarms = new RemediationAlarms(this, 'Alarms', {
      stateMachine: props.stateMachine,
      executionLogGroup: props.executionLogGroup,
      deadLetterQueues: props.deadLetterQueues,
      escalations: props.escalations,
      topicKey: props.topicKey,
      ...period,
    });
    const a = this.alarms;
    this.dashboard = new RemediationDashboard(this, 'Dashboard', {
      stateMachine: props.stateMachine,
      intakeQueue: props.intakeQueue,
      deadLetterQueues: props.deadLetterQueues,
      alarms: [a.executionsFailed, ...Object.values(a.deadLetters), a.circuitBreakerOpen, a.rollbackFailed],
      ...period,
    });
    this.queries = new SavedQueries(this, 'Queries', {
      taskLogGroups: Object.values(props.taskLogGroups),
      executionLogGroup: props.executionLogGroup,
      outcomeLogGroups,
    });
  }
}
