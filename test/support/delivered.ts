import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { adminClient } from '../../tasks/aws/clientFactory.js';

/** One message as the topics' queue receives it (SNS's JSON envelope). */
export interface DeliveredMessage {
  readonly TopicArn: string;
  readonly Subject: string;
  readonly Message: string;
}

/**
 * What the local topics delivered since the last call, taken off the queue subscribed to them
 * (`LocalResources.notificationsQueueUrl`; moto delivers SNS → SQS within Publish).
 */
export async function takeDelivered(queueUrl: string): Promise<DeliveredMessage[]> {
  const sqs = adminClient(SQSClient);
  const messages: DeliveredMessage[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return messages;
    messages.push(...Messages.map((m) => JSON.parse(m.Body!) as DeliveredMessage));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
}
