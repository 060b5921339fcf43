import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableQueueEncryption as playbook } from '../../../tasks/playbooks/sqs/enableQueueEncryption.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const queueArn = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const KMS_KEY = 'alias/orders-queue';

describe('enableQueueEncryption (SQS.1) against moto', () => {
  const aws = useMoto();
  const sqs = () => aws.clients().client(SQSClient);

  /** A queue with the given encryption; new queues default to SSE-SQS, so "none" turns it off explicitly. */
  async function queue(encryption: 'none' | 'sse-sqs' | 'kms'): Promise<{ name: string; url: string }> {
    const name = `orders-${crypto.randomUUID().slice(0, 8)}`;
    // No queue policy here: moto 5.2.1 drops a queue's Policy on any SetQueueAttributes that does not name it
    // (AWS keeps it); that the playbook sends SqsManagedSseEnabled alone is checked with a stubbed client below.
    const Attributes: Record<string, string> = { VisibilityTimeout: '45', MessageRetentionPeriod: '86400' };
    if (encryption === 'none') Attributes.SqsManagedSseEnabled = 'false';
    if (encryption === 'kms') Attributes.KmsMasterKeyId = KMS_KEY;
    const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes, tags: { team: 'payments' } }));
    return { name, url: QueueUrl! };
  }

  function contextFor(name: string) {
    const request = requestFor({ resourceType: 'AwsSqsQueue', resourceId: queueArn(name), controlId: 'SQS.1' });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  /** Every attribute except the two timestamps that move on any change. */
  async function attributesOf(QueueUrl: string): Promise<Record<string, string>> {
    const { Attributes = {} } = await sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    const { LastModifiedTimestamp: _modified, ...rest } = Attributes;
    return rest;
  }

  it('turns on SSE-SQS and leaves the rest of the queue alone', async () => {
    // Prepare
    const { name, url } = await queue('none');
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'order 42' }));
    const ctx = contextFor(name);
    const before = await attributesOf(url);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ sqsManagedSseEnabled: false, kmsMasterKeyId: null });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Turn on SSE-SQS for queue ${queueArn(name)}: new messages are encrypted at rest with SQS-owned keys; producers and consumers need no KMS permissions`,
    ]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(plan.summary).toContain(`Encrypt SQS queue ${name} at rest (non-disruptive: `);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `SQS queue ${name} is encrypted with SSE-SQS` });
    expect(await attributesOf(url)).toEqual({ ...before, SqsManagedSseEnabled: 'true' });
    expect((await sqs().send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toEqual({ team: 'payments' });
    const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(Messages.map((message) => message.Body)).toEqual(['order 42']);
  });

  it('rolls back to unencrypted', async () => {
    // Prepare
    const { name, url } = await queue('none');
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    const attributesBefore = await attributesOf(url);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
    expect(await attributesOf(url)).toEqual(attributesBefore);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify answers non-compliant for a queue with neither SSE-SQS nor a KMS key, and again after SSE-SQS is turned off', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const { name, url } = await queue('none');
    const ctx = contextFor(name);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { SqsManagedSseEnabled: 'false' } }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `SQS queue ${name} is not encrypted at rest` });
    expect(fixed.compliant).toBe(true);
    expect(putBack).toEqual({ compliant: false, detail: `SQS queue ${name} is not encrypted at rest` });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const { name, url } = await queue('none');
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect((await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes).toEqual(afterFirst.Attributes);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it.each([
    ['SSE-SQS', 'sse-sqs', 'with SSE-SQS'],
    ['a KMS key', 'kms', `with KMS key ${KMS_KEY}`],
  ] as const)('plans nothing for a queue encrypted with %s, and its rollback leaves it so', async (_kind, encryption, how) => {
    // Prepare
    const { name, url } = await queue(encryption);
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    const before = await attributesOf(url);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `SQS queue ${name} is encrypted ${how}` });
    expect(await attributesOf(url)).toEqual(before);
  });

  it('keeps a KMS key someone set between plan and apply instead of forcing SSE-SQS', async () => {
    // Prepare
    const { name, url } = await queue('none');
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { KmsMasterKeyId: KMS_KEY } }));
    const withKey = await attributesOf(url);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes).toHaveLength(1);
    expect(await attributesOf(url)).toEqual(withKey);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });
});

describe('enableQueueEncryption with a stubbed SQS client', () => {
  it('sends SqsManagedSseEnabled alone, so the queue policy and every other attribute stay as they are', async () => {
    // Prepare
    const sqs = new SQSClient({ region: 'us-east-1' });
    const stub = mockClient(sqs);
    stub.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/222222222222/orders' });
    stub.on(GetQueueAttributesCommand).resolves({ Attributes: { SqsManagedSseEnabled: 'false' } });
    const clients: AwsClients = { account: '222222222222', region: 'us-east-1', client: <C>() => sqs as unknown as C };
    const request = requestFor({ resourceType: 'AwsSqsQueue', resourceId: 'arn:aws:sqs:us-east-1:222222222222:orders', controlId: 'SQS.1', account: '222222222222' });
    const ctx = createPlaybookContext(playbook, request, clients);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect(stub.commandCalls(GetQueueUrlCommand)[0]!.args[0].input).toEqual({ QueueName: 'orders', QueueOwnerAWSAccountId: '222222222222' });
    expect(stub.commandCalls(SetQueueAttributesCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/222222222222/orders', Attributes: { SqsManagedSseEnabled: 'true' } },
    ]);
  });
});
