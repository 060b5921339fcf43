import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand, type EventSelector } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeMetricFiltersCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeKeyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCisMetricFilterAlarm as playbook } from '../../../tasks/playbooks/cloudwatch/createCisMetricFilterAlarm.js';
import { CIS_METRIC_FILTERS } from '../../../tasks/playbooks/cloudwatch/cisMetricFilters.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const GROUP = 'aws-cloudtrail-logs';
const ROOT = CIS_METRIC_FILTERS[0]!;
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:rectify-security-alarms`;
const ALL_MANAGEMENT: EventSelector[] = [{ ReadWriteType: 'All', IncludeManagementEvents: true }];

describe('createCisMetricFilterAlarm (CloudWatch.1–14) against moto', () => {
  const aws = useMoto();
  const c = () => aws.clients();
  // Trails, alarms and topics are account-wide: every test starts from an empty account.
  beforeEach(() => aws.moto.reset());

  /** A trail delivering to the log group, multi-Region, logging and with the given selectors, as CloudTrail.1 and .5 leave it. */
  async function trail(options: { multiRegion?: boolean; selectors?: EventSelector[]; logging?: boolean; name?: string; group?: string } = {}) {
    const name = options.name ?? 'management';
    const group = options.group ?? GROUP;
    await c().client(S3Client).send(new CreateBucketCommand({ Bucket: `${name}-logs` }));
    await c().client(CloudWatchLogsClient).send(new CreateLogGroupCommand({ logGroupName: group }));
    await c().client(CloudTrailClient).send(
      new CreateTrailCommand({
        Name: name,
        S3BucketName: `${name}-logs`,
        IsMultiRegionTrail: options.multiRegion ?? true,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}:*`,
        CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudTrailToLogs`,
      }),
    );
    // moto answers no event selectors for a new trail, where CloudTrail answers the default (All, management): set them.
    await c().client(CloudTrailClient).send(new PutEventSelectorsCommand({ TrailName: name, EventSelectors: options.selectors ?? ALL_MANAGEMENT }));
    if (options.logging ?? true) await c().client(CloudTrailClient).send(new StartLoggingCommand({ Name: name }));
  }
  async function queue(): Promise<string> {
    const { QueueUrl } = await c().client(SQSClient).send(new CreateQueueCommand({ QueueName: 'security-team' }));
    const { Attributes } = await c().client(SQSClient).send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return Attributes!.QueueArn!;
  }
  const contextFor = (settings: unknown, controlId = 'CloudWatch.1') =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${ACCOUNT}`, controlId }), c(), settings);
  const filtersOn = async (logGroupName = GROUP) =>
    (await c().client(CloudWatchLogsClient).send(new DescribeMetricFiltersCommand({ logGroupName }))).metricFilters ?? [];
  const alarms = async () => (await c().client(CloudWatchClient).send(new DescribeAlarmsCommand({}))).MetricAlarms ?? [];
  const topics = async () => ((await c().client(SNSClient).send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn);
  const aliases = async () => ((await c().client(KMSClient).send(new ListAliasesCommand({}))).Aliases ?? []).map((a) => a.AliasName).filter((n) => !n?.startsWith('alias/aws/'));
  /** A topic of the account's own with a confirmed subscriber, and an alarm-free filter a person made on the group. */
  async function ownTopic(): Promise<string> {
    const { TopicArn } = await c().client(SNSClient).send(new CreateTopicCommand({ Name: 'soc-alerts' }));
    await c().client(SNSClient).send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: await queue() }));
    return TopicArn!;
  }

  it('creates the key, the topic, the filter and the alarm, and leaves a person’s filter and alarm alone', async () => {
    // Prepare
    await trail();
    const endpoint = await queue();
    await c().client(CloudWatchLogsClient).send(
      new PutMetricFilterCommand({ logGroupName: GROUP, filterName: 'errors', filterPattern: '{ $.errorCode = "*" }', metricTransformations: [{ metricName: 'Errors', metricNamespace: 'App', metricValue: '1' }] }),
    );
    await c().client(CloudWatchClient).send(
      new PutMetricAlarmCommand({ AlarmName: 'errors', MetricName: 'Errors', Namespace: 'App', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' }),
    );
    const ctx = contextFor({ subscriber: { protocol: 'sqs', endpoint } });
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `No metric filter with the CIS pattern for usage of the root user on the log group of management (${GROUP}) (CloudWatch.1)` });
    expect(snapshot).toEqual({ logGroup: GROUP, filter: false, alarm: false, topic: false, key: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((change) => change.description.split(' (tagged')[0])).toEqual([
      'Create AWS::KMS::Key alias/rectify-security-alarms',
      'Create AWS::SNS::Topic rectify-security-alarms',
      `Subscribe sqs ${endpoint} to ${TOPIC_ARN}`,
      `Create AWS::Logs::MetricFilter ${ROOT.name} on log group ${GROUP}`,
      `Create AWS::CloudWatch::Alarm ${ROOT.name}`,
    ]);
    expect(await playbook.verify(ctx)).toEqual({
      compliant: true,
      detail: `Metric filter ${ROOT.name} on ${GROUP} (trail management) counts usage of the root user; alarm ${ROOT.name} notifies ${TOPIC_ARN}, which has a confirmed subscriber (CloudWatch.1)`,
    });
    expect((await filtersOn()).map((f) => [f.filterName, f.filterPattern])).toEqual([
      ['errors', '{ $.errorCode = "*" }'],
      [ROOT.name, ROOT.pattern],
    ]);
    const alarm = (await alarms()).find((a) => a.AlarmName === ROOT.name)!;
    expect(alarm).toMatchObject({ MetricName: ROOT.name, Namespace: 'LogMetrics', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [TOPIC_ARN] });
    expect((await c().client(CloudWatchClient).send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }))).Tags).toEqual([
      { Key: 'rectify:created-by', Value: playbook.id },
    ]);
    expect((await alarms()).find((a) => a.AlarmName === 'errors')).toMatchObject({ Threshold: 5, AlarmActions: [] });
    const { Attributes } = await c().client(SNSClient).send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }));
    const { KeyMetadata } = await c().client(KMSClient).send(new DescribeKeyCommand({ KeyId: 'alias/rectify-security-alarms' }));
    expect(Attributes!.KmsMasterKeyId).toBe(KeyMetadata!.KeyId);
    expect(JSON.parse(Attributes!.Policy!).Statement[1]).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    });
  });

  it('rolls back to exactly the account it found: no Rectify filter, alarm, topic or key alias is left', async () => {
    // Prepare
    await trail();
    const ctx = contextFor({ subscriber: { protocol: 'sqs', endpoint: await queue() } });
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    const { KeyMetadata } = await c().client(KMSClient).send(new DescribeKeyCommand({ KeyId: 'alias/rectify-security-alarms' }));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await filtersOn()).toEqual([]);
    expect(await alarms()).toEqual([]);
    expect(await topics()).toEqual([]);
    expect(await aliases()).toEqual([]);
    expect((await c().client(KMSClient).send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }))).KeyMetadata?.KeyState).toBe('PendingDeletion');
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time, and then plans nothing', async () => {
    // Prepare
    await trail();
    const ctx = contextFor({ subscriber: { protocol: 'sqs', endpoint: await queue() } });
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const after = { filters: await filtersOn(), alarms: await alarms(), topics: await topics(), aliases: await aliases() };
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect({ filters: await filtersOn(), alarms: await alarms(), topics: await topics(), aliases: await aliases() }).toEqual(after);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for an account whose own filter (spaced as CIS prints it), alarm and topic pass, and its rollback removes nothing', async () => {
    // Prepare
    await trail();
    const TopicArn = await ownTopic();
    const spaced = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
    await c().client(CloudWatchLogsClient).send(
      new PutMetricFilterCommand({ logGroupName: GROUP, filterName: 'root', filterPattern: spaced, metricTransformations: [{ metricName: 'RootUse', metricNamespace: 'CIS', metricValue: '1' }] }),
    );
    await c().client(CloudWatchClient).send(
      new PutMetricAlarmCommand({ AlarmName: 'root', MetricName: 'RootUse', Namespace: 'CIS', Statistic: 'Sum', Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [TopicArn] }),
    );
    const ctx = contextFor({});
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await filtersOn()).map((f) => f.filterName)).toEqual(['root']);
    expect((await alarms()).map((a) => a.AlarmName)).toEqual(['root']);
  });

  it('reuses a person’s filter and the topic named in the settings: only the alarm is created', async () => {
    // Prepare
    await trail();
    const topicArn = await ownTopic();
    const iam = CIS_METRIC_FILTERS[3]!;
    await c().client(CloudWatchLogsClient).send(
      new PutMetricFilterCommand({ logGroupName: GROUP, filterName: 'iam', filterPattern: iam.pattern, metricTransformations: [{ metricName: 'IamChanges', metricNamespace: 'CIS', metricValue: '1' }] }),
    );
    const ctx = contextFor({ topicArn }, 'cis-aws-foundations-benchmark/v/1.4.0/4.4');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description.split(' (tagged')[0])).toEqual([`Create AWS::CloudWatch::Alarm ${iam.name}`]);
    expect(await alarms()).toMatchObject([{ AlarmName: iam.name, MetricName: 'IamChanges', Namespace: 'CIS', AlarmActions: [topicArn] }]);
    expect((await filtersOn()).map((f) => f.filterName)).toEqual(['iam']);
    expect(await topics()).toEqual([topicArn]);
    expect(await aliases()).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('a second control reuses the topic the first created, and its rollback leaves that topic', async () => {
    // Prepare
    await trail();
    const settings = { subscriber: { protocol: 'sqs', endpoint: await queue() } };
    const first = contextFor(settings);
    await playbook.apply(first, await playbook.plan(first, await playbook.snapshot(first)));
    const second = contextFor(settings, 'CloudWatch.2');
    const before = await playbook.snapshot(second);
    // Act
    const plan = await playbook.plan(second, before);
    await playbook.apply(second, plan);
    const fixed = await playbook.verify(second);
    await playbook.rollback(second, before);
    // Assess
    expect(plan.changes.map((change) => change.description.split(' (tagged')[0])).toEqual([
      `Create AWS::Logs::MetricFilter ${CIS_METRIC_FILTERS[1]!.name} on log group ${GROUP}`,
      `Create AWS::CloudWatch::Alarm ${CIS_METRIC_FILTERS[1]!.name}`,
    ]);
    expect(fixed.compliant).toBe(true);
    expect(await topics()).toEqual([TOPIC_ARN]);
    expect(await playbook.verify(first)).toMatchObject({ compliant: true });
    expect((await playbook.verify(second)).compliant).toBe(false);
  });

  it('verify fails a filter with one term added to the CIS pattern, as Security Hub does', async () => {
    // Prepare
    await trail();
    const TopicArn = await ownTopic();
    const widened = ROOT.pattern.replace('}', ' && $.awsRegion = "us-east-1"}');
    await c().client(CloudWatchLogsClient).send(
      new PutMetricFilterCommand({ logGroupName: GROUP, filterName: 'root', filterPattern: widened, metricTransformations: [{ metricName: 'RootUse', metricNamespace: 'CIS', metricValue: '1' }] }),
    );
    await c().client(CloudWatchClient).send(
      new PutMetricAlarmCommand({ AlarmName: 'root', MetricName: 'RootUse', Namespace: 'CIS', Statistic: 'Sum', Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [TopicArn] }),
    );
    // Act
    const verdict = await playbook.verify(contextFor({}));
    // Assess
    expect(verdict.compliant).toBe(false);
  });

  it('verify fails an alarm whose topic has no subscriber', async () => {
    // Prepare
    await trail();
    const { TopicArn } = await c().client(SNSClient).send(new CreateTopicCommand({ Name: 'nobody' }));
    await c().client(CloudWatchLogsClient).send(
      new PutMetricFilterCommand({ logGroupName: GROUP, filterName: 'root', filterPattern: ROOT.pattern, metricTransformations: [{ metricName: 'RootUse', metricNamespace: 'CIS', metricValue: '1' }] }),
    );
    await c().client(CloudWatchClient).send(
      new PutMetricAlarmCommand({ AlarmName: 'root', MetricName: 'RootUse', Namespace: 'CIS', Statistic: 'Sum', Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [TopicArn!] }),
    );
    const ctx = contextFor({ topicArn: TopicArn });
    // Act
    const verdict = await playbook.verify(ctx);
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(verdict).toEqual({
      compliant: false,
      detail: `Metric filter root on ${GROUP} counts usage of the root user, but no alarm on its metric RootUse notifies an SNS topic with a confirmed subscriber (CloudWatch.1)`,
    });
    await expect(planning).rejects.toThrow(/has no confirmed subscriber, so Security Hub would still fail the control/);
    expect((await c().client(SNSClient).send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toEqual([]);
  });

  it.each([
    ['a single-Region trail', { multiRegion: false }],
    ['a trail that is not logging', { logging: false }],
    ['a trail logging only write management events', { selectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] as EventSelector[] }],
  ])('refuses with "CloudTrail.5 first" for %s, and creates nothing', async (_kind, options) => {
    // Prepare
    await trail(options);
    const ctx = contextFor({ subscriber: { protocol: 'sqs', endpoint: await queue() } });
    // Act
    const snapshotting = playbook.snapshot(ctx);
    // Assess
    await expect(snapshotting).rejects.toThrow(/Fix CloudTrail.1 and CloudTrail.5 first .* Nothing was changed/);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
    expect({ filters: await filtersOn(), alarms: await alarms(), topics: await topics() }).toEqual({ filters: [], alarms: [], topics: [] });
  });

  it('refuses, before any change, when no topic or subscriber is named, and refuses an email subscriber in the settings', async () => {
    // Prepare
    await trail();
    const ctx = contextFor({});
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(/name one in the playbook settings \(topicArn\)/);
    expect(() => contextFor({ subscriber: { protocol: 'email', endpoint: 'soc@example.com' } })).toThrow(/settings for playbook cloudwatch-create-cis-metric-filter-alarm are refused/);
    expect({ alarms: await alarms(), topics: await topics(), aliases: await aliases() }).toEqual({ alarms: [], topics: [], aliases: [] });
  });
});
