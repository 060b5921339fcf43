import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BREAKER_HOLDS_METRIC, FAILURE_OUTCOMES, RectifyMetrics, RollbackResult } from '../../infra/rectifyMetrics.js';
import { QUERY_PREFIX, RESOURCE_PARAMETER } from '../../infra/constructs/SavedQueries.js';
import { Outcome, StateName } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import type { WorkflowState } from '../../tasks/domain/workflowState.js';
import { createClassifySeverity } from '../../tasks/handlers/classifySeverity.js';
import { decidePolicy } from '../../tasks/handlers/loadPolicy.js';
import { defaultPlaybookDeps } from '../../tasks/handlers/playbookDeps.js';
import { emitApprovalLatency, emitBreakerHold, emitOutcomeMetrics } from '../../tasks/observability.js';
import { ddb } from '../../tasks/store/documentClient.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { provisionLocal } from '../../workflows/local/provision.js';
import { useMoto } from '../support/moto.js';
import { requestFor } from '../support/request.js';
import { useTaskEnv } from '../support/taskEnv.js';
import { removeOutdirs, templatesFor } from './testApp.js';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/** A CloudFormation value as text, tokens shown as JSON, e.g. the dashboard body's Fn::Join. */
function flatten(value: unknown): string {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(join[0]);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Start collecting the EMF lines printed to stdout; `stop()` returns them as metric name → dimension set. */
function captureMetrics(): { stop(): Map<string, string[]> } {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return {
    stop() {
      write.mockRestore();
      process.env.POWERTOOLS_METRICS_DISABLED = saved;
      const metrics = new Map<string, string[]>();
      for (const line of lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"'))) {
        const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
        for (const directive of emf._aws.CloudWatchMetrics) {
          expect(directive.Namespace).toBe(RectifyMetrics.namespace);
          for (const metric of directive.Metrics) metrics.set(metric.Name, [...directive.Dimensions[0]!].sort());
        }
      }
      return metrics;
    },
  };
}

/** The EMF lines the tasks' metric helpers print, as metric name → dimension set. */
function emittedMetrics(emit: () => void): Map<string, string[]> {
  const capture = captureMetrics();
  try {
    emit();
  } catch (error) {
    capture.stop();
    throw error;
  }
  return capture.stop();
}

describe('observability', () => {
  let template: Template;
  let resources: Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const idOf = (type: string, prefix: string) => ofType(type).find(([id]) => id.startsWith(prefix))![0];

  beforeAll(() => {
    template = templatesFor({ escalationEmails: ['oncall@example.com'] }).admin;
    resources = template.toJSON().Resources as Resources;
  });
  afterAll(removeOutdirs);

  describe('what the tasks emit', () => {
    it('matches the metric names and full dimension sets (with Powertools\' service) the alarms and dashboard use', () => {
      // Act
      const emitted = emittedMetrics(() => {
        emitOutcomeMetrics(Outcome.FAILED_ROLLBACK_FAILED, 'S3.8', '222222222222', 12);
        emitOutcomeMetrics(Outcome.REMEDIATED, 'S3.8', '222222222222', 12);
        emitApprovalLatency(30, 'APPROVED');
      });

      // Assess
      const declared = [RectifyMetrics.outcomes, RectifyMetrics.timeToRemediate, RectifyMetrics.rollbacks, RectifyMetrics.approvalLatency];
      expect(Object.fromEntries(emitted)).toEqual(
        Object.fromEntries(declared.map((m) => [m.name, [...m.dimensions, 'service'].sort()])),
      );
    });
  });

  describe('alarms', () => {
    const alarms = () => new Map(ofType('AWS::CloudWatch::Alarm').map(([id, r]) => [id.replace(/^ObservabilityAlarms/, '').replace(/[0-9A-F]{8}$/, ''), r.Properties]));

    it('has five alarms, each firing on the first occurrence and notifying the escalations topic', () => {
      // Prepare
      const topicId = idOf('AWS::SNS::Topic', 'Escalations');

      // Assess
      expect([...alarms().keys()].sort()).toEqual(['CircuitBreakerOpen', 'ExecutionStatusDeadLetters', 'ExecutionsFailed', 'IntakeDeadLetters', 'RollbackFailed']);
      for (const [, alarm] of alarms()) {
        expect(alarm).toMatchObject({
          AlarmActions: [{ Ref: topicId }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
          Period: 300,
        });
        expect(alarm.AlarmDescription).toMatch(/^Rectify: /);
      }
    });

    it('watches failed executions of this state machine', () => {
      // Assess
      expect(alarms().get('ExecutionsFailed')).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: idOf('AWS::StepFunctions::StateMachine', 'Remediation') } }],
        Statistic: 'Sum',
      });
    });

    it('watches the depth of both dead-letter queues', () => {
      // Assess
      for (const [alarm, queue] of [
        ['IntakeDeadLetters', 'IntakeDeadLetterQueue'],
        ['ExecutionStatusDeadLetters', 'ExecutionStatusDeadLetterQueue'],
      ] as const) {
        expect(alarms().get(alarm)).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', queue), 'QueueName'] } }],
          Statistic: 'Maximum',
        });
      }
    });

    it('watches failed rollbacks by the exact dimensions the tasks emit', () => {
      // Prepare
      const emitted = emittedMetrics(() => emitOutcomeMetrics(Outcome.FAILED_ROLLBACK_FAILED, 'S3.8', '222222222222'));

      // Act
      const alarm = alarms().get('RollbackFailed')!;

      // Assess
      expect(alarm).toMatchObject({ Namespace: RectifyMetrics.namespace, MetricName: RectifyMetrics.rollbacks.name, Statistic: 'Sum' });
      expect(alarm.Dimensions).toEqual([
        { Name: 'Result', Value: RollbackResult.failed },
        { Name: 'service', Value: RectifyMetrics.service },
      ]);
      expect((alarm.Dimensions as { Name: string }[]).map((d) => d.Name).sort()).toEqual(emitted.get(RectifyMetrics.rollbacks.name));
    });

    it('watches an open circuit breaker through the metric ClassifySeverity emits (the execution log carries no data to filter)', () => {
      // Prepare
      const alarm = alarms().get('CircuitBreakerOpen')!;
      const emitted = emittedMetrics(() => emitBreakerHold('222222222222'));

      // Assess
      expect(ofType('AWS::Logs::MetricFilter')).toHaveLength(0);
      expect(alarm).toMatchObject({ Namespace: RectifyMetrics.namespace, MetricName: BREAKER_HOLDS_METRIC, Statistic: 'Sum' });
      expect((alarm.Dimensions as { Name: string }[]).map((d) => d.Name).sort()).toEqual(emitted.get(BREAKER_HOLDS_METRIC));
    });

    it('lets CloudWatch publish this account\'s alarms to the encrypted escalations topic', () => {
      // Prepare
      const topicId = idOf('AWS::SNS::Topic', 'Escalations');
      const [, key] = ofType('AWS::KMS::Key')[0]!;
      const conditions = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': expect.anything() } };

      // Assess
      const topicPolicy = ofType('AWS::SNS::TopicPolicy').find(([, p]) => p.Properties.Topics[0].Ref === topicId)![1];
      expect(topicPolicy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Sid: 'CloudWatchAlarmsPublish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: conditions }),
      );
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(
        expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: conditions }),
      );
    });
  });

  describe('the circuit-breaker metric ClassifySeverity emits', () => {
    // moto serves every call ClassifySeverity makes: STS into the member account, the bucket and its
    // tags there, and the table (breakers, lock, budget, audit).
    useTaskEnv();
    const aws = useMoto();
    const member = '222222222222';
    let tableName: string;
    const savedEnv: Record<string, string | undefined> = {};
    afterAll(() => Object.entries(savedEnv).forEach(([k, v]) => (v === undefined ? delete process.env[k] : (process.env[k] = v))));

    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: 'arn:aws:s3:::audit-logs', controlId: 'S3.8', account: member });
    const state: WorkflowState = {
      finding: {},
      request,
      policy: decidePolicy(request, PolicySchema.parse({ mode: 'auto' })),
    };
    const execution = { id: `arn:aws:states:us-east-1:${LOCAL_ADMIN_ACCOUNT}:execution:rectify:S3-8-a-abc`, name: 'S3-8-a-abc' };

    beforeEach(async () => {
      // Prepare: a fresh emulator each time (the first run takes the lock and a budget unit).
      await aws.moto.reset();
      const resources = await provisionLocal(LOCAL_ADMIN_ACCOUNT, [member], PolicySchema.parse({ mode: 'auto' }), 'us-east-1');
      tableName = resources.tableName;
      for (const [key, value] of [[TaskEnv.tableName, tableName], [TaskEnv.adminAccount, LOCAL_ADMIN_ACCOUNT]] as const) {
        if (!(key in savedEnv)) savedEnv[key] = process.env[key];
        process.env[key] = value;
      }
      // The bucket is the member account's own, tagged team=audit (no production tag).
      await callAws({ service: 'S3', command: 'CreateBucket', account: member, params: { Bucket: 'audit-logs' } });
      await callAws({ service: 'S3', command: 'PutBucketTagging', account: member, params: { Bucket: 'audit-logs', Tagging: { TagSet: [{ Key: 'team', Value: 'audit' }] } } });
    });

    async function classifySeverityExit(breaker: 'OPEN' | 'CLOSED') {
      // The member account's breaker, as the table holds it.
      await ddb().send(new PutCommand({
        TableName: tableName,
        Item: { pk: 'GUARD#BREAKER', sk: request.account, state: breaker, recent: ['F', 'F', 'F'], version: 3, openedAt: '2026-01-01T00:00:00.000Z' },
      }));
      const risk = await createClassifySeverity(defaultPlaybookDeps)({ execution, state });
      // The state's output as Step Functions logs it: ResultPath $.risk.
      return { type: 'TaskStateExited', details: { name: StateName.ClassifySeverity, output: JSON.stringify({ ...state, risk }) } };
    }

    /** The metric names a run prints as EMF lines. */
    async function metricsDuring(run: () => Promise<unknown>): Promise<string[]> {
      const capture = captureMetrics();
      try {
        await run();
      } catch (error) {
        capture.stop();
        throw error;
      }
      return [...capture.stop().keys()];
    }

    it('emits CircuitBreakerHolds when an open breaker holds the change for approval', async () => {
      // Act
      const emitted = await metricsDuring(() => classifySeverityExit('OPEN'));

      // Assess
      expect(emitted).toContain(BREAKER_HOLDS_METRIC);
    });

    it('does not emit it when the breakers are closed', async () => {
      // Act
      const emitted = await metricsDuring(() => classifySeverityExit('CLOSED'));

      // Assess
      expect(emitted).not.toContain(BREAKER_HOLDS_METRIC);
    });
  });

  describe('dashboard', () => {
    const body = () => flatten(ofType('AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody);

    it('shows executions by status, the intake queue and both dead-letter queues', () => {
      // Assess
      expect(ofType('AWS::CloudWatch::Dashboard')).toHaveLength(1);
      for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsAborted']) {
        expect(body()).toContain(`["AWS/States","${metric}","StateMachineArn","{"Ref":"${idOf('AWS::StepFunctions::StateMachine', 'Remediation')}"}"`);
      }
      for (const queue of ['IntakeQueue', 'IntakeDeadLetterQueue', 'ExecutionStatusDeadLetterQueue']) {
        expect(body()).toContain(`"ApproximateNumberOfMessagesVisible","QueueName","{"Fn::GetAtt":["${idOf('AWS::SQS::Queue', queue)}","QueueName"]}"`);
      }
    });

    it('searches the tasks\' metrics by the dimension sets they are emitted with', () => {
      // Prepare
      const emitted = emittedMetrics(() => {
        emitOutcomeMetrics(Outcome.FAILED_ROLLED_BACK, 'S3.8', '222222222222');
        emitOutcomeMetrics(Outcome.REMEDIATED, 'S3.8', '222222222222', 3);
        emitApprovalLatency(30, 'REJECTED');
      });

      // Assess
      for (const name of [RectifyMetrics.outcomes.name, RectifyMetrics.timeToRemediate.name, RectifyMetrics.approvalLatency.name]) {
        expect(body()).toContain(`SEARCH('{${[RectifyMetrics.namespace, ...emitted.get(name)!].join(',')}} MetricName=\\"${name}\\"'`);
      }
      for (const result of Object.values(RollbackResult)) {
        expect(body()).toContain(`["Rectify","Rollbacks","Result","${result}","service","rectify"`);
      }
    });

    it('shows every alarm\'s state', () => {
      // Assess
      for (const [id] of ofType('AWS::CloudWatch::Alarm')) expect(body()).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
    });
  });

  describe('saved queries', () => {
    const query = (name: string) => ofType('AWS::Logs::QueryDefinition').find(([, q]) => q.Properties.Name === `${QUERY_PREFIX}${name}`)?.[1].Properties;
    const logGroupOf = (handler: string) =>
      (ofType('AWS::Lambda::Function').find(([, f]) => f.Properties.Environment.Variables[TaskEnv.handler] === handler)![1].Properties.LoggingConfig.LogGroup);

    it('finds what changed on a resource in every function\'s log group and the execution log, the resource id as a parameter', () => {
      // Prepare
      const functionLogGroups = ofType('AWS::Lambda::Function').map(([, f]) => f.Properties.LoggingConfig.LogGroup);

      // Act
      const whatChanged = query('what changed on resource X')!;

      // Assess
      expect(ofType('AWS::Logs::QueryDefinition')).toHaveLength(2);
      expect(whatChanged.LogGroupNames).toEqual(expect.arrayContaining([...functionLogGroups, { Ref: idOf('AWS::Logs::LogGroup', 'RemediationExecutionLogs') }]));
      expect(whatChanged.LogGroupNames).toHaveLength(functionLogGroups.length + 1);
      expect(whatChanged.Parameters).toEqual([{ Name: RESOURCE_PARAMETER, Description: expect.stringContaining('resource id') }]);
      expect(whatChanged.QueryString).toContain(`filter @message like "{{${RESOURCE_PARAMETER}}}"`);
      // The Powertools fields defineTask logs, and the Step Functions event fields.
      for (const field of ['task', 'correlationId', 'message', 'error.message', 'details.name', 'execution_arn', 'TaskStateExited']) {
        expect(whatChanged.QueryString).toContain(field);
      }
      expect(whatChanged.QueryString).toMatch(/sort @timestamp asc/);
    });

    it('counts failures by control from the outcome lines of recordOutcome and escalate', () => {
      // Act
      const failures = query('failures by control')!;

      // Assess
      expect(failures.LogGroupNames).toEqual([logGroupOf('recordOutcome'), logGroupOf('escalate')]);
      expect(failures.QueryString).toContain(`Outcome in [${FAILURE_OUTCOMES.map((o) => `"${o}"`).join(', ')}]`);
      expect(failures.QueryString).toContain('stats sum(Outcomes) as failures');
      expect(failures.QueryString).toContain('by ControlId, Outcome');
    });
  });
});
