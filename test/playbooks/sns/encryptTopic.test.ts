import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { encryptTopic as playbook } from '../../../tasks/playbooks/sns/encryptTopic.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('encryptTopic (SNS.1) against moto', () => {
  const aws = useMoto();
  const sns = () => aws.clients().client(SNSClient);

  async function topic(attributes: Record<string, string> = {}): Promise<string> {
    const Name = `alerts-${crypto.randomUUID().slice(0, 8)}`;
    return (await sns().send(new CreateTopicCommand({ Name, Attributes: attributes, Tags: [{ Key: 'team', Value: 'ops' }] }))).TopicArn!;
  }
  const contextFor = (arn: string, settings?: unknown) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsSnsTopic', resourceId: arn, controlId: 'SNS.1' }), aws.clients(), settings);
  const attributesOf = async (TopicArn: string) => (await sns().send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
  const servicePolicy = (arn: string, service: string) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sns:Publish', Resource: arn }] });

  it('encrypts a topic with the AWS managed key, leaves its other attributes and a neighbour alone', async () => {
    // Prepare
    const arn = await topic({ DisplayName: 'Alerts' });
    const neighbour = await topic();
    const ctx = contextFor(arn);
    const before = await attributesOf(arn);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ kmsMasterKeyId: null });
    expect(plan.changes.map((c) => c.description)).toEqual([`Set KmsMasterKeyId of topic ${arn} to alias/aws/sns: messages are stored encrypted; subscribers are unaffected`]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toContain('only IAM principals of account');
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await attributesOf(arn)).toEqual({ ...before, KmsMasterKeyId: 'alias/aws/sns' });
    expect((await attributesOf(neighbour)).KmsMasterKeyId).toBeUndefined();
  });

  it('verify answers non-compliant for an unencrypted topic, and again once the key is removed', async () => {
    // Prepare
    const arn = await topic();
    const ctx = contextFor(arn);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await sns().send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'KmsMasterKeyId', AttributeValue: '' }));
    const removed = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `SNS topic ${arn.split(':').pop()} is not encrypted with a KMS key` });
    expect(fixed.compliant).toBe(true);
    expect(removed.compliant).toBe(false);
  });

  it('rolls back to unencrypted, twice without harm', async () => {
    // Prepare
    const arn = await topic();
    const ctx = contextFor(arn);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied twice, and plans nothing for a topic already encrypted with any key', async () => {
    // Prepare
    const arn = await topic();
    const ctx = contextFor(arn, { kmsKeyId: 'alias/team-topics' });
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(contextFor(arn), plan);
    const encrypted = await topic({ KmsMasterKeyId: 'alias/other' });
    const encryptedPlan = await playbook.plan(contextFor(encrypted), await playbook.snapshot(contextFor(encrypted)));
    // Assess
    expect(plan.impact?.why).toContain('kms:GenerateDataKey* and kms:Decrypt on alias/team-topics');
    expect((await attributesOf(arn)).KmsMasterKeyId).toBe('alias/team-topics');
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
    expect(encryptedPlan.changes).toEqual([]);
    expect((await attributesOf(encrypted)).KmsMasterKeyId).toBe('alias/other');
  });

  it('refuses the AWS managed key for a topic an AWS service publishes to (topic policy or CloudWatch alarm), and changes nothing', async () => {
    // Prepare
    const byPolicy = await topic();
    await sns().send(new SetTopicAttributesCommand({ TopicArn: byPolicy, AttributeName: 'Policy', AttributeValue: servicePolicy(byPolicy, 'events.amazonaws.com') }));
    const byAlarm = await topic();
    await aws.clients().client(CloudWatchClient).send(
      new PutMetricAlarmCommand({
        AlarmName: `cpu-${byAlarm.slice(-8)}`,
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 90,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [byAlarm],
      }),
    );
    // Act
    const policyCtx = contextFor(byPolicy);
    const alarmCtx = contextFor(byAlarm);
    const planning = await (async () => playbook.plan(policyCtx, await playbook.snapshot(policyCtx)))().catch((error: Error) => error);
    const applying = await playbook.apply(alarmCtx, { summary: '', changes: [] }).catch((error: Error) => error);
    // Assess
    expect(String(planning)).toMatch(/service principal events\.amazonaws\.com \(topic policy\).*Nothing was changed/);
    expect(String(applying)).toMatch(/CloudWatch alarm cpu-/);
    expect((await attributesOf(byPolicy)).KmsMasterKeyId).toBeUndefined();
    expect((await attributesOf(byAlarm)).KmsMasterKeyId).toBeUndefined();
  });

  it('uses a customer managed key named in the settings even when an AWS service publishes', async () => {
    // Prepare
    const arn = await topic();
    await sns().send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue: servicePolicy(arn, 's3.amazonaws.com') }));
    const ctx = contextFor(arn, { kmsKeyId: 'alias/topics-with-service-access' });
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `SNS topic ${arn.split(':').pop()} is encrypted with alias/topics-with-service-access` });
  });
});
