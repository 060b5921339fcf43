import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, ListTagsForResourceCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DeleteMetricFilterCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { createdByTagList, creationChange, isCreatedBy, type CreatedResource } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import * as topic from './alarmTopic.js';
import { CIS_METRIC_FILTER_CONTROL_IDS, cisMetricFilterFor, patternMatches, type CisMetricFilter } from './cisMetricFilters.js';
import { evaluateChain, metricFiltersOf, type MatchingFilter } from './metricAlarmChain.js';
import { monitoredTrails, type MonitoredTrail } from './monitoredTrails.js';

/** The playbook's id, the value of the `rectify:created-by` tag on what it creates (a literal: tools read it from the source). */
const PLAYBOOK_ID = 'cloudwatch-create-cis-metric-filter-alarm';
/** The namespace the control reference uses for every CIS metric. */
const NAMESPACE = 'LogMetrics';

const METRIC_FILTER: CreatedResource = { type: 'AWS::Logs::MetricFilter', monthlyCost: '< $1', costBasis: '$0.30 a month for the custom metric it publishes' };
const ALARM: CreatedResource = { type: 'AWS::CloudWatch::Alarm', monthlyCost: '< $1', costBasis: '$0.10 a month per standard-resolution alarm' };

const Settings = z.object({
  /** An existing SNS topic of the account and Region for the alarms; it must have a confirmed subscriber. @default Rectify's `rectify-security-alarms` topic */
  topicArn: z.string().regex(/^arn:[^:]+:sns:[^:]+:\d{12}:[^:]+$/, 'topicArn must be an SNS topic ARN').optional(),
  /**
   * Who receives the alarms when Rectify creates its topic: an SQS queue or Lambda function of the
   * account, which SNS confirms at once. An email address is refused: its subscription stays
   * pending until someone confirms it, Security Hub fails the control meanwhile, and Verify would
   * roll the topic back. Subscribe an email to a topic yourself, confirm it, and name it in `topicArn`.
   */
  subscriber: z.object({ protocol: z.enum(['sqs', 'lambda']), endpoint: z.string().regex(/^arn:/, 'the subscriber endpoint must be a queue or function ARN') }).optional(),
  /** A customer managed key whose policy lets cloudwatch.amazonaws.com use it, for the topic Rectify creates. @default a key Rectify creates */
  kmsKeyId: z.string().min(1).optional(),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings>;

/** Which of the names Rectify would create exist, on the log group of the first monitored trail. */
type ChainSnapshot = { logGroup: string; filter: boolean; alarm: boolean; topic: boolean; key: boolean };

/** Where the alarm notifies, and what must be created for it. */
type TopicChoice = { arn: string; createTopic: boolean; createKey: boolean };

const specOf = (ctx: Ctx) => cisMetricFilterFor(ctx.controlId);

async function requireTrails(ctx: Ctx): Promise<MonitoredTrail[]> {
  const trails = await monitoredTrails(ctx);
  if (trails.length > 0) return trails;
  throw new RemediationFailedError(
    `Cannot create the ${specOf(ctx).control} metric filter and alarm in account ${ctx.resource.account}, ${ctx.resource.region} (finding ${ctx.request.findingId}): ` +
      'no multi-Region trail owned by this account and based in this Region is logging read and write management events to a CloudWatch Logs log group. ' +
      'Fix CloudTrail.1 and CloudTrail.5 first (Rectify never creates a trail for this control), then run the remediation again. Nothing was changed.',
  );
}

async function ourFilterExists(ctx: Ctx, logGroup: string, spec: CisMetricFilter): Promise<boolean> {
  return (await metricFiltersOf(ctx, logGroup, spec.name)).some((f) => f.filterName === spec.name);
}
async function ourAlarmExists(ctx: Ctx, spec: CisMetricFilter): Promise<boolean> {
  const { MetricAlarms = [] } = await ctx.aws.client(CloudWatchClient).send(new DescribeAlarmsCommand({ AlarmNames: [spec.name] }));
  return MetricAlarms.length > 0;
}

/** The topic the alarm will notify; refuses, before any change, one that would leave the control failing. */
async function chooseTopic(ctx: Ctx): Promise<TopicChoice> {
  const refuse = (why: string) =>
    new RemediationFailedError(`Cannot create the ${specOf(ctx).control} alarm (finding ${ctx.request.findingId}): ${why}. Nothing was changed.`);
  const named = ctx.settings.topicArn;
  if (named) {
    if (!(await topic.topicExists(ctx, named))) throw refuse(`the topic ${named} named in the playbook settings does not exist`);
    if (!(await topic.hasConfirmedSubscriber(ctx, named))) {
      throw refuse(`the topic ${named} has no confirmed subscriber, so Security Hub would still fail the control; confirm a subscription to it, then run the remediation again`);
    }
    return { arn: named, createTopic: false, createKey: false };
  }
  const ours = topic.rectifyTopicArn(ctx);
  if (await topic.topicExists(ctx, ours)) {
    if (await topic.hasConfirmedSubscriber(ctx, ours)) return { arn: ours, createTopic: false, createKey: false };
    throw refuse(`the topic ${ours} has no confirmed subscriber; confirm one, or name another topic in the settings (topicArn)`);
  }
  if (!ctx.settings.subscriber) {
    throw refuse(
      `an alarm passes only when it notifies an SNS topic with a confirmed subscriber: name one in the playbook settings (topicArn), or a queue or function to subscribe to a topic Rectify creates (subscriber)`,
    );
  }
  return { arn: ours, createTopic: true, createKey: !ctx.settings.kmsKeyId && !(await topic.rectifyKeyId(ctx)) };
}

/** The filter the alarm watches: the matching one the account has, or Rectify's. */
const metricOf = (spec: CisMetricFilter, matching: MatchingFilter | undefined) => ({
  name: matching?.metricName ?? spec.name,
  namespace: matching?.metricNamespace ?? NAMESPACE,
});

/**
 * Creates the CIS metric filter and alarm of CloudWatch.1–14 (one playbook: the fix and the check
 * differ only by the filter pattern, tabled in ./cisMetricFilters.ts with each control's legacy
 * ids; no AWS Config rule: Security Hub runs the CIS benchmark's audit steps itself). Control pages:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1,
 * cloudwatch-controls.html#cloudwatch-2, cloudwatch-controls.html#cloudwatch-3, cloudwatch-controls.html#cloudwatch-4,
 * cloudwatch-controls.html#cloudwatch-5, cloudwatch-controls.html#cloudwatch-6, cloudwatch-controls.html#cloudwatch-7,
 * cloudwatch-controls.html#cloudwatch-8, cloudwatch-controls.html#cloudwatch-9, cloudwatch-controls.html#cloudwatch-10,
 * cloudwatch-controls.html#cloudwatch-11, cloudwatch-controls.html#cloudwatch-12, cloudwatch-controls.html#cloudwatch-13,
 * cloudwatch-controls.html#cloudwatch-14.
 * `verify` runs those steps (./monitoredTrails.ts, ./metricAlarmChain.ts): a multi-Region trail of
 * this account and Region, logging, with read and write management events, delivering to a log
 * group; a filter there with the control's exact pattern; an alarm on its metric; an SNS topic
 * among the alarm's actions with a confirmed subscriber. Reuses whatever part of that chain the
 * account has (a filter with the pattern, the topic named in the settings, Rectify's topic made
 * for another control) and creates only the rest, named `rectify-…` and tagged: the metric filter
 * (not taggable: it is recognised by its name), the alarm (Sum ≥ 1 over 5 minutes, missing data not
 * breaching), and, when no topic is named, `rectify-security-alarms` encrypted with a customer
 * managed key CloudWatch may use (the AWS managed `alias/aws/sns` key cannot take alarm
 * notifications) and a policy letting only this account's alarms publish (decision 030). Never
 * creates a trail: without one the plan refuses and names CloudTrail.5. Rollback removes what this
 * run created, read live and still tagged as Rectify's; the key is scheduled for deletion (7 days).
 */
export const createCisMetricFilterAlarm = definePlaybook<ChainSnapshot, { description: string }, Settings>({
  id: 'cloudwatch-create-cis-metric-filter-alarm',
  title: 'Create the CIS metric filter and alarm for a CloudWatch.1–14 control',
  controls: CIS_METRIC_FILTER_CONTROL_IDS,
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  creates: [METRIC_FILTER, ALARM, topic.ALARM_TOPIC, topic.ALARM_KEY],
  settings: Settings,
  permissions: [
    'cloudtrail:DescribeTrails',
    'cloudtrail:GetTrailStatus',
    'cloudtrail:GetEventSelectors',
    'logs:DescribeMetricFilters',
    'logs:PutMetricFilter',
    'logs:DeleteMetricFilter',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:TagResource',
    'cloudwatch:ListTagsForResource',
    'cloudwatch:DeleteAlarms',
    'sns:GetTopicAttributes',
    'sns:ListSubscriptionsByTopic',
    'sns:CreateTopic',
    'sns:TagResource',
    'sns:Subscribe',
    'sns:ListTagsForResource',
    'sns:DeleteTopic',
    'kms:ListAliases',
    'kms:CreateKey',
    'kms:TagResource',
    'kms:CreateAlias',
    'kms:ListResourceTags',
    'kms:DeleteAlias',
    'kms:ScheduleKeyDeletion',
  ],
  // The account itself carries no tags.
  readTags: async () => ({}),

  async snapshot(ctx) {
    const spec = specOf(ctx);
    const [first] = await requireTrails(ctx);
    return {
      logGroup: first!.logGroupName,
      filter: await ourFilterExists(ctx, first!.logGroupName, spec),
      alarm: await ourAlarmExists(ctx, spec),
      topic: await topic.topicExists(ctx, topic.rectifyTopicArn(ctx)),
      key: (await topic.rectifyKeyId(ctx)) !== undefined,
    };
  },

  async plan(ctx, current) {
    const spec = specOf(ctx);
    const verdict = await evaluateChain(ctx, spec, await requireTrails(ctx));
    if (verdict.compliant) return { summary: verdict.detail, changes: [] };
    if (!verdict.matchingFilter && current.filter) {
      throw new RemediationFailedError(
        `Metric filter ${spec.name} on ${current.logGroup} exists without the ${spec.control} pattern (finding ${ctx.request.findingId}): Rectify changed nothing; fix or delete it by hand.`,
      );
    }
    if (current.alarm) {
      throw new RemediationFailedError(
        `Alarm ${spec.name} exists but the ${spec.control} chain still fails (${verdict.detail}; finding ${ctx.request.findingId}): Rectify changed nothing; look at that alarm and its topic.`,
      );
    }
    const target = await chooseTopic(ctx);
    const metric = metricOf(spec, verdict.matchingFilter);
    const keyWords = ctx.settings.kmsKeyId ?? topic.ALARM_KEY_ALIAS;
    const changes = [
      ...(target.createKey ? [creationChange(topic.ALARM_KEY, topic.ALARM_KEY_ALIAS, 'a customer managed KMS key; its policy lets CloudWatch use it to publish alarms')] : []),
      ...(target.createTopic
        ? [
            creationChange(topic.ALARM_TOPIC, topic.ALARM_TOPIC_NAME, `encrypted with ${keyWords}; only this account's alarms may publish`),
            { description: `Subscribe ${ctx.settings.subscriber!.protocol} ${ctx.settings.subscriber!.endpoint} to ${target.arn}` },
          ]
        : []),
      ...(verdict.matchingFilter
        ? []
        : [creationChange(METRIC_FILTER, `${spec.name} on log group ${current.logGroup}`, `no data of its own: it counts ${spec.watches} into ${NAMESPACE}/${spec.name}`)]),
      creationChange(ALARM, spec.name, `no data of its own: it alarms when ${metric.namespace}/${metric.name} is 1 or more in 5 minutes and notifies ${target.arn}`),
    ];
    const why = `it adds cost (${changes.filter((c) => 'creates' in c).length} billed resources, listed with their monthly cost) and ${target.arn} is notified whenever ${spec.watches} happens; nothing existing changes`;
    return { summary: `${verdict.detail}: create what is missing (disruptive: ${why})`, impact: { level: 'disruptive', why }, changes };
  },

  async apply(ctx) {
    const spec = specOf(ctx);
    const trails = await requireTrails(ctx);
    const verdict = await evaluateChain(ctx, spec, trails);
    if (verdict.compliant) return;
    const target = await chooseTopic(ctx);
    if (target.createTopic && !(await topic.topicExists(ctx, target.arn))) {
      const kmsKeyId = ctx.settings.kmsKeyId ?? (await topic.rectifyKeyId(ctx)) ?? (await topic.createAlarmKey(ctx, PLAYBOOK_ID));
      await topic.createAlarmTopic(ctx, { playbookId: PLAYBOOK_ID, kmsKeyId, subscriber: ctx.settings.subscriber! });
    }
    const logGroup = trails[0]!.logGroupName;
    if (!verdict.matchingFilter && !(await ourFilterExists(ctx, logGroup, spec))) {
      await ctx.aws.client(CloudWatchLogsClient).send(
        new PutMetricFilterCommand({
          logGroupName: logGroup,
          filterName: spec.name,
          filterPattern: spec.pattern,
          metricTransformations: [{ metricName: spec.name, metricNamespace: NAMESPACE, metricValue: '1' }],
        }),
      );
    }
    if (await ourAlarmExists(ctx, spec)) return;
    const metric = metricOf(spec, verdict.matchingFilter);
    await ctx.aws.client(CloudWatchClient).send(
      new PutMetricAlarmCommand({
        AlarmName: spec.name,
        AlarmDescription: `${spec.control}: ${spec.watches} (created by Rectify)`,
        MetricName: metric.name,
        Namespace: metric.namespace,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        ActionsEnabled: true,
        AlarmActions: [target.arn],
        Tags: createdByTagList(PLAYBOOK_ID),
      }),
    );
  },

  verify: (ctx) => monitoredTrails(ctx).then((trails) => evaluateChain(ctx, specOf(ctx), trails)).then(({ compliant, detail }) => ({ compliant, detail })),

  async rollback(ctx, snapshot) {
    const spec = specOf(ctx);
    const cloudwatch = ctx.aws.client(CloudWatchClient);
    if (!snapshot.alarm) {
      const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [spec.name] }));
      const arn = MetricAlarms[0]?.AlarmArn;
      if (arn && isCreatedBy((await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, PLAYBOOK_ID)) {
        await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [spec.name] }));
      }
    }
    // A metric filter carries no tags: the name Rectify gives it, absent at the snapshot, and the
    // control's own pattern are what make it Rectify's.
    const ours = (await metricFiltersOf(ctx, snapshot.logGroup, spec.name)).find((f) => f.filterName === spec.name);
    if (!snapshot.filter && ours && patternMatches(ours.filterPattern, spec.pattern)) {
      await ctx.aws.client(CloudWatchLogsClient).send(new DeleteMetricFilterCommand({ logGroupName: snapshot.logGroup, filterName: spec.name }));
    }
    if (!snapshot.topic && (await topic.topicExists(ctx, topic.rectifyTopicArn(ctx)))) await topic.deleteCreatedTopic(ctx, PLAYBOOK_ID);
    const keyId = snapshot.key ? undefined : await topic.rectifyKeyId(ctx);
    if (keyId) await topic.deleteCreatedKey(ctx, PLAYBOOK_ID, keyId);
  },
});
