import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The AWS managed key for SNS: only IAM principals of the topic's own account can publish through it. */
const AWS_MANAGED_KEY = 'alias/aws/sns';

const Settings = z.object({
  /**
   * The KMS key to encrypt topics with (key id, key ARN, alias name or alias ARN). Its key policy
   * must let every publisher of the topic use it (`kms:GenerateDataKey*`, `kms:Decrypt`), AWS
   * services included. @default `alias/aws/sns`, the AWS managed key, which AWS services and other
   * accounts cannot use: a topic they publish to is then refused, not encrypted.
   */
  kmsKeyId: z.string().min(1).optional(),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings>;

/** The topic's `KmsMasterKeyId` attribute, `null` when unset (SNS leaves it out, or empty after it was removed). */
type TopicEncryption = { kmsMasterKeyId: string | null };

async function topicAttributes(ctx: Ctx): Promise<Record<string, string>> {
  const { Attributes = {} } = await ctx.aws.client(SNSClient).send(new GetTopicAttributesCommand({ TopicArn: ctx.resource.id }));
  return Attributes;
}

async function setKey(ctx: Ctx, kmsMasterKeyId: string): Promise<void> {
  await ctx.aws.client(SNSClient).send(new SetTopicAttributesCommand({ TopicArn: ctx.resource.id, AttributeName: 'KmsMasterKeyId', AttributeValue: kmsMasterKeyId }));
}

const readEncryption = async (ctx: Ctx): Promise<TopicEncryption> => ({ kmsMasterKeyId: (await topicAttributes(ctx)).KmsMasterKeyId || null });

/**
 * The publishers Rectify can see that are AWS services: service principals granted `sns:Publish`
 * in the topic policy (EventBridge, S3 event notifications, CloudWatch, …) and CloudWatch alarms
 * whose actions name the topic. Neither can publish to a topic encrypted with the AWS managed key.
 */
async function awsServicePublishers(ctx: Ctx, policyJson: string | undefined): Promise<string[]> {
  const found = new Set<string>();
  const statements = policyJson ? ([JSON.parse(policyJson).Statement ?? []].flat() as { Effect?: string; Principal?: unknown; Action?: unknown }[]) : [];
  for (const statement of statements) {
    const actions = [statement.Action ?? []].flat() as string[];
    if (statement.Effect !== 'Allow' || !actions.some((a) => /^(sns:(publish|\*)|\*)$/i.test(a))) continue;
    const services = [(statement.Principal as { Service?: unknown } | undefined)?.Service ?? []].flat() as string[];
    services.forEach((service) => found.add(`service principal ${service} (topic policy)`));
  }
  for await (const page of paginateDescribeAlarms({ client: ctx.aws.client(CloudWatchClient) }, {})) {
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      const actions = [...(alarm.AlarmActions ?? []), ...(alarm.OKActions ?? []), ...(alarm.InsufficientDataActions ?? [])];
      if (actions.includes(ctx.resource.id)) found.add(`CloudWatch alarm ${alarm.AlarmName}`);
    }
  }
  return [...found].sort();
}

/** The key to set, and refusal when it is the AWS managed key and an AWS service publishes to the topic. */
async function keyFor(ctx: Ctx): Promise<{ key: string; why: string }> {
  const key = ctx.settings.kmsKeyId ?? AWS_MANAGED_KEY;
  if (key !== AWS_MANAGED_KEY) {
    return {
      key,
      why: `publishers need kms:GenerateDataKey* and kms:Decrypt on ${key} (from its key policy or their IAM policies); a publisher without them is refused from then on`,
    };
  }
  const publishers = await awsServicePublishers(ctx, (await topicAttributes(ctx)).Policy);
  if (publishers.length > 0) {
    throw new RemediationFailedError(
      `Topic ${ctx.resource.id} (finding ${ctx.request.findingId}) has AWS service publishers: ${publishers.join('; ')}. They cannot publish to a topic ` +
        `encrypted with the AWS managed key ${AWS_MANAGED_KEY}, so encrypting it would silently drop their messages. Name a customer managed KMS key ` +
        "whose key policy allows those services kms:GenerateDataKey* and kms:Decrypt in this playbook's settings (kmsKeyId), then run it again. Nothing was changed.",
    );
  }
  return {
    key,
    why:
      `with the AWS managed key ${AWS_MANAGED_KEY} only IAM principals of account ${ctx.resource.account} can publish: publishers Rectify cannot see ` +
      '(other accounts, AWS services not named in the topic policy, such as an EventBridge rule or an S3 notification set up without one) would be refused',
  };
}

/**
 * Encrypts an SNS topic at rest with a KMS key (SNS.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html#sns-1; AWS Config rule
 * `sns-encrypted-kms`, https://docs.aws.amazon.com/config/latest/developerguide/sns-encrypted-kms.html:
 * NON_COMPLIANT when the topic's `KmsMasterKeyId` is not set; Security Hub sets no `kmsKeyIds`, so
 * any key passes). `verify` reads that attribute and nothing else.
 *
 * Which key matters more than the change itself: the AWS managed key `alias/aws/sns` (the default)
 * cannot be used by AWS services (CloudWatch alarms, EventBridge, S3 notifications) or by other
 * accounts, so their messages would be refused. Rectify looks for such publishers in the topic
 * policy and among CloudWatch alarms and refuses to use the AWS managed key when it finds one; a
 * customer managed key named in the settings is used as given. Every plan is disruptive, naming who
 * may be refused. Subscribers are unaffected (SNS decrypts before delivery). Rollback puts the
 * previous attribute back, only while the topic still holds the key Rectify set.
 */
export const encryptTopic = definePlaybook<TopicEncryption, { description: string }, Settings>({
  id: 'sns-encrypt-topic',
  title: 'Encrypt an SNS topic at rest with a KMS key',
  controls: ['SNS.1'],
  resourceType: 'AwsSnsTopic',
  impact: 'disruptive',
  permissions: ['cloudwatch:DescribeAlarms', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes'],
  settings: Settings,

  snapshot: (ctx) => readEncryption(ctx),

  async plan(ctx, current) {
    if (current.kmsMasterKeyId) return { summary: `SNS topic ${ctx.resource.name} is encrypted with ${current.kmsMasterKeyId}`, changes: [] };
    const { key, why } = await keyFor(ctx);
    return {
      summary: `Encrypt SNS topic ${ctx.resource.name} at rest with ${key} (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [{ description: `Set KmsMasterKeyId of topic ${ctx.resource.id} to ${key}: messages are stored encrypted; subscribers are unaffected` }],
    };
  },

  async apply(ctx) {
    if ((await readEncryption(ctx)).kmsMasterKeyId) return;
    await setKey(ctx, (await keyFor(ctx)).key);
  },

  async verify(ctx) {
    const { kmsMasterKeyId } = await readEncryption(ctx);
    return { compliant: kmsMasterKeyId !== null, detail: `SNS topic ${ctx.resource.name} is ${kmsMasterKeyId ? `encrypted with ${kmsMasterKeyId}` : 'not encrypted with a KMS key'}` };
  },

  async rollback(ctx, snapshot) {
    const now = (await readEncryption(ctx)).kmsMasterKeyId;
    if (now === snapshot.kmsMasterKeyId) return;
    // Undo only Rectify's own key: a key someone else set since is theirs to keep.
    if (now !== (ctx.settings.kmsKeyId ?? AWS_MANAGED_KEY)) return;
    await setKey(ctx, snapshot.kmsMasterKeyId ?? '');
  },
});
