import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FAILURE_OUTCOMES, RectifyMetrics } from '../rectifyMetrics.js';

export interface SavedQueriesProps {
  /** Every task function's log group (Powertools JSON lines: message, task, correlationId, error). */
  readonly taskLogGroups: readonly logs.ILogGroup[];
  /** The state machine's execution log group: each step's input and output, which name the resource. */
  readonly executionLogGroup: logs.ILogGroup;
  /** The log groups of the functions that record outcomes (their EMF `Outcomes` lines). */
  readonly outcomeLogGroups: readonly logs.ILogGroup[];
}

/** Name prefix of the saved queries, so the Logs Insights console groups them. */
export const QUERY_PREFIX = 'Rectify: ';

/** The Logs Insights query parameter a person fills in with the resource id or ARN. */
export const RESOURCE_PARAMETER = 'resourceId';

/**
 * Saved CloudWatch Logs Insights queries for the questions people ask during an incident. The
 * audit table is the record; these find the log lines around it.
 *
 * - "what changed on resource X": every task log line and step exit that mentions the resource,
 *   oldest first, with the step, the execution and any error, so one execution's story reads top to bottom.
 * - "failures by control": the tasks' EMF outcome lines of failed or escalated outcomes, counted
 *   by control and outcome.
 *
 * @example
 * new SavedQueries(this, 'Queries', { taskLogGroups, executionLogGroup, outcomeLogGroups });
 */
export class SavedQueries extends Construct {
  readonly whatChanged: logs.CfnQueryDefinition;
  readonly failuresByControl: logs.CfnQueryDefinition;

  constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    this.whatChanged = new logs.CfnQueryDefinition(this, 'WhatChangedOnResource', {
      name: `${QUERY_PREFIX}what changed on resource X`,
      logGroupNames: [...props.taskLogGroups, props.executionLogGroup].map((g) => g.logGroupName),
      parameters: [
        {
          name: RESOURCE_PARAMETER,
          description: 'The resource id or ARN as the finding names it (Resources[0].Id), e.g. arn:aws:s3:::my-bucket or sg-0123456789abcdef0',
        },
      ],
      queryString: [
        // Task lines carry `task` and `correlationId` (defineTask); Step Functions events carry `type`, `details.name` and `execution_arn`.
        'fields @timestamp, coalesce(task, details.name) as step, coalesce(correlationId, execution_arn) as execution, ' +
          'coalesce(message, type) as event, coalesce(error.message, details.cause) as problem',
        `filter @message like "{{${RESOURCE_PARAMETER}}}"`,
        'filter ispresent(task) or type in ["ExecutionStarted", "TaskStateExited", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"]',
        'sort @timestamp asc',
        'limit 1000',
      ].join('\n| '),
    });

    const failures = FAILURE_OUTCOMES.map((o) => `"${o}"`).join(', ');
    this.failuresByControl = new logs.CfnQueryDefinition(this, 'FailuresByControl', {
      name: `${QUERY_PREFIX}failures by control`,
      logGroupNames: props.outcomeLogGroups.map((g) => g.logGroupName),
      queryString: [
        // The EMF lines of emitOutcomeMetrics (tasks/observability.ts): one per outcome, with its dimensions as fields.
        `fields @timestamp, ControlId, Outcome, Account`,
        `filter ispresent(${RectifyMetrics.outcomes.name}) and Outcome in [${failures}]`,
        `stats sum(${RectifyMetrics.outcomes.name}) as failures, count_distinct(Account) as accounts by ControlId, Outcome`,
        'sort failures desc',
      ].join('\n| '),
    });
  }
}
