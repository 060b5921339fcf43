import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { adminClient } from './clientFactory.js';

/** Publish to one of Rectify's topics. SNS subjects are limited to 100 characters. */
export async function notify(topicArn: string, subject: string, message: string): Promise<void> {
  await adminClient(SNSClient).send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: message }));
}
