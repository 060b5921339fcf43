import { DynamoDBClient, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { fromList, type ReadTags, type Tags } from './common.js';

/** Tags of a DynamoDB table (`dynamodb:ListTagsOfResource`, every page). */
export const readTableTags: ReadTags = async (aws, { arn }) => {
  const tags: Tags = {};
  let next: string | undefined;
  do {
    const page = await aws.client(DynamoDBClient).send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken: next }));
    Object.assign(tags, fromList(page.Tags));
    next = page.NextToken;
  } while (next);
  return tags;
};
