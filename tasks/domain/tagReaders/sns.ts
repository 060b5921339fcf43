import { ListTagsForResourceCommand, SNSClient } from '@aws-sdk/client-sns';
import { fromList, type ReadTags } from './common.js';

/** Tags of an SNS topic (`sns:ListTagsForResource`). */
export const readTopicTags: ReadTags = async (aws, { arn }) =>
  fromList((await aws.client(SNSClient).send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags);
