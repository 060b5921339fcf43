import { CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, KMSClient, ListAliasesCommand, ListResourceTagsCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { createdByTagList, isCreatedBy, type CreatedResource } from '../createdResources.js';
import type { PlaybookContext } from '../definePlaybook.js';

/** The topic Rectify creates for the CIS alarms when the settings name none. */
export const ALARM_TOPIC_NAME = 'rectify-security-alarms';
/** The customer managed key that encrypts it when the settings name none. */
export const ALARM_KEY_ALIAS = 'alias/rectify-security-alarms';

export const ALARM_TOPIC: CreatedResource = {
  type: 'AWS::SNS::Topic',
  monthlyCost: '< $1',
  costBasis: 'SNS bills deliveries beyond the free tier; CIS alarms fire rarely',
};
export const ALARM_KEY: CreatedResource = {
  type: 'AWS::KMS::Key',
  monthlyCost: '$1–10',
  costBasis: '$1 a month per customer managed key, plus $0.03 per 10,000 requests',
};

type Ctx = PlaybookContext<unknown>;
const topicArnOf = (ctx: Ctx, name: string) => `arn:${ctx.resource.partition}:sns:${ctx.resource.region}:${ctx.resource.account}:${name}`;
export const rectifyTopicArn = (ctx: Ctx) => topicArnOf(ctx, ALARM_TOPIC_NAME);

/** Whether the topic exists (GetTopicAttributes answers NotFound otherwise). */
export async function topicExists(ctx: Ctx, topicArn: string): Promise<boolean> {
  try {
    await ctx.aws.client(SNSClient).send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFoundException' || (error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

/**
 * Whether the topic has a subscriber that will receive the alarm: the CIS audit's last step
 * (`ListSubscriptionsByTopic`, "at least one subscription should have SubscriptionArn with valid
 * aws ARN"). A subscription waiting for confirmation shows `PendingConfirmation` instead of an ARN.
 */
export async function hasConfirmedSubscriber(ctx: Ctx, topicArn: string): Promise<boolean> {
  const sns = ctx.aws.client(SNSClient);
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    if ((page.Subscriptions ?? []).some((s) => s.SubscriptionArn?.startsWith('arn:'))) return true;
    NextToken = page.NextToken;
  } while (NextToken);
  return false;
}

/** The key id behind Rectify's alias, when the alias exists. */
export async function rectifyKeyId(ctx: Ctx): Promise<string | undefined> {
  const kms = ctx.aws.client(KMSClient);
  let Marker: string | undefined;
  do {
    const page = await kms.send(new ListAliasesCommand({ Marker }));
    const alias = (page.Aliases ?? []).find((a) => a.AliasName === ALARM_KEY_ALIAS);
    if (alias) return alias.TargetKeyId;
    Marker = page.Truncated ? page.NextMarker : undefined;
  } while (Marker);
  return undefined;
}

/**
 * A key CloudWatch can use to publish to the encrypted topic: the AWS managed `alias/aws/sns`
 * key cannot be (its policy does not let CloudWatch use it), so the key is customer managed.
 * The account keeps administering it; CloudWatch gets only what publishing needs.
 */
function keyPolicy(ctx: Ctx): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministersTheKey',
        Effect: 'Allow',
        Principal: { AWS: `arn:${ctx.resource.partition}:iam::${ctx.resource.account}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'CloudWatchAlarmsPublishToTheTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
    ],
  });
}

/** The topic policy: the account owns it; CloudWatch alarms of this account (and only those) may publish. */
function topicPolicy(ctx: Ctx, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountOwnsTheTopic',
        Effect: 'Allow',
        Principal: { AWS: `arn:${ctx.resource.partition}:iam::${ctx.resource.account}:root` },
        Action: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:Publish', 'sns:DeleteTopic'],
        Resource: topicArn,
      },
      {
        Sid: 'CloudWatchAlarmsOfThisAccountPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: {
          StringEquals: { 'aws:SourceAccount': ctx.resource.account },
          ArnLike: { 'aws:SourceArn': `arn:${ctx.resource.partition}:cloudwatch:${ctx.resource.region}:${ctx.resource.account}:alarm:*` },
        },
      },
    ],
  });
}

/** Create Rectify's key and alias, tagged as the playbook's; returns the key id. */
export async function createAlarmKey(ctx: Ctx, playbookId: string): Promise<string> {
  const kms = ctx.aws.client(KMSClient);
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({
      Description: 'Encrypts the rectify-security-alarms topic of the CIS CloudWatch alarms (created by Rectify)',
      Policy: keyPolicy(ctx),
      Tags: createdByTagList(playbookId).map(({ Key, Value }) => ({ TagKey: Key, TagValue: Value })),
    }),
  );
  await kms.send(new CreateAliasCommand({ AliasName: ALARM_KEY_ALIAS, TargetKeyId: KeyMetadata!.KeyId! }));
  return KeyMetadata!.KeyId!;
}

/** Create the topic, encrypted with `kmsKeyId`, with its policy, tagged, and subscribe the endpoint. */
export async function createAlarmTopic(ctx: Ctx, options: { playbookId: string; kmsKeyId: string; subscriber: { protocol: string; endpoint: string } }): Promise<void> {
  const sns = ctx.aws.client(SNSClient);
  const topicArn = rectifyTopicArn(ctx);
  await sns.send(
    new CreateTopicCommand({
      Name: ALARM_TOPIC_NAME,
      Attributes: { KmsMasterKeyId: options.kmsKeyId, Policy: topicPolicy(ctx, topicArn) },
      Tags: createdByTagList(options.playbookId),
    }),
  );
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: options.subscriber.protocol, Endpoint: options.subscriber.endpoint }));
}

/** Delete Rectify's topic (and with it its subscriptions), only while it is tagged as the playbook's. */
export async function deleteCreatedTopic(ctx: Ctx, playbookId: string): Promise<void> {
  const sns = ctx.aws.client(SNSClient);
  const topicArn = rectifyTopicArn(ctx);
  const { Tags } = await sns.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }));
  if (isCreatedBy(Tags, playbookId)) await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
}

/**
 * Remove Rectify's key, only while it is tagged as the playbook's: the alias goes at once, the
 * key after KMS's shortest waiting period (7 days), which is as deleted as KMS allows.
 */
export async function deleteCreatedKey(ctx: Ctx, playbookId: string, keyId: string): Promise<void> {
  const kms = ctx.aws.client(KMSClient);
  const { Tags = [] } = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
  if (!isCreatedBy(Tags.map((t) => ({ Key: t.TagKey, Value: t.TagValue })), playbookId)) return;
  await kms.send(new DeleteAliasCommand({ AliasName: ALARM_KEY_ALIAS }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
}
