import { GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The queue's encryption at rest: SSE-SQS (SQS-owned keys) or SSE-KMS (a KMS key), or neither. */
type QueueEncryption = { sqsManagedSseEnabled: boolean; kmsMasterKeyId: string | null };

const isEncrypted = (encryption: QueueEncryption) => encryption.sqsManagedSseEnabled || encryption.kmsMasterKeyId !== null;

async function queueUrlOf(ctx: PlaybookContext<unknown>): Promise<string> {
  // The owner account pins the lookup to the finding's queue, not a same-named one elsewhere.
  const { QueueUrl } = await ctx.aws
    .client(SQSClient)
    .send(new GetQueueUrlCommand({ QueueName: ctx.resource.name, QueueOwnerAWSAccountId: ctx.resource.account }));
  if (!QueueUrl) throw new Error(`SQS queue ${ctx.resource.id} has no URL (finding ${ctx.request.findingId})`);
  return QueueUrl;
}

async function readEncryption(ctx: PlaybookContext<unknown>): Promise<QueueEncryption> {
  const { Attributes = {} } = await ctx.aws
    .client(SQSClient)
    .send(new GetQueueAttributesCommand({ QueueUrl: await queueUrlOf(ctx), AttributeNames: ['SqsManagedSseEnabled', 'KmsMasterKeyId'] }));
  return { sqsManagedSseEnabled: Attributes.SqsManagedSseEnabled === 'true', kmsMasterKeyId: Attributes.KmsMasterKeyId || null };
}

async function setSqsManagedSse(ctx: PlaybookContext<unknown>, enabled: boolean): Promise<void> {
  await ctx.aws
    .client(SQSClient)
    .send(new SetQueueAttributesCommand({ QueueUrl: await queueUrlOf(ctx), Attributes: { SqsManagedSseEnabled: String(enabled) } }));
}

/** Why SSE-SQS disrupts nothing: stated in every plan that changes the queue. */
const IMPACT = {
  level: 'non-disruptive',
  why: 'SQS encrypts and decrypts with keys it owns, so producers, consumers and subscribed services need no new permission and see the same messages',
} as const;

/**
 * Turns on SSE-SQS, encryption at rest with SQS-owned keys, for a queue that has neither SSE-SQS
 * nor a KMS key (SQS.1, https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1;
 * AWS Config rule `sqs-queue-encrypted`, a custom rule of Security Hub's). The control passes a
 * queue encrypted with SSE-SQS or with any KMS key (SSE-KMS), and so does `verify`, reading the
 * same two attributes (`SqsManagedSseEnabled`, `KmsMasterKeyId`). Producers and consumers need
 * no new permissions, so nothing that uses the queue breaks; messages already in it stay as they
 * were stored. A queue encrypted with a KMS key is compliant and left alone; every other attribute
 * (policy, timeouts, redrive) stays.
 */
export const enableQueueEncryption = definePlaybook<QueueEncryption, { description: string }>({
  id: 'sqs-enable-queue-encryption',
  title: 'Turn on SQS-managed encryption at rest for a queue',
  controls: ['SQS.1'],
  resourceType: 'AwsSqsQueue',
  impact: IMPACT.level,
  permissions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],

  snapshot: (ctx) => readEncryption(ctx),

  plan(ctx, current) {
    if (isEncrypted(current)) return { summary: `SQS queue ${ctx.resource.name} is encrypted at rest`, changes: [] };
    return {
      summary: `Encrypt SQS queue ${ctx.resource.name} at rest (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Turn on SSE-SQS for queue ${ctx.resource.id}: new messages are encrypted at rest with SQS-owned keys; ` +
            'producers and consumers need no KMS permissions',
        },
      ],
    };
  },

  async apply(ctx) {
    // Re-read: a KMS key set since the plan already makes the queue compliant and must win.
    if (!isEncrypted(await readEncryption(ctx))) await setSqsManagedSse(ctx, true);
  },

  async verify(ctx) {
    const current = await readEncryption(ctx);
    const how = current.kmsMasterKeyId ? `with KMS key ${current.kmsMasterKeyId}` : current.sqsManagedSseEnabled ? 'with SSE-SQS' : '';
    return { compliant: isEncrypted(current), detail: `SQS queue ${ctx.resource.name} is ${how ? `encrypted ${how}` : 'not encrypted at rest'}` };
  },

  async rollback(ctx, snapshot) {
    if (isEncrypted(snapshot)) return;
    const current = await readEncryption(ctx);
    // Only the SSE-SQS this playbook turned on is undone; a KMS key someone added since stays.
    if (current.sqsManagedSseEnabled && current.kmsMasterKeyId === null) await setSqsManagedSse(ctx, false);
  },
});
