import { GetQueueUrlCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { lastSegment, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/** Tags of an SQS queue of the finding's account (`sqs:GetQueueUrl`, `sqs:ListQueueTags`). */
export const readQueueTags: ReadTags = async (aws, { arn, account }) => {
  const sqs = aws.client(SQSClient);
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: lastSegment(arn), QueueOwnerAWSAccountId: account }));
  if (!QueueUrl) throw new ResourceNotFoundForTagsError(arn);
  return { ...(await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags };
};
