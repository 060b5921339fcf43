import { IAMClient, paginateListPolicyTags, paginateListUserTags } from '@aws-sdk/client-iam';
import { fromList, lastSegment, type ReadTags, type Tags } from './common.js';

/** Tags of an IAM user (`iam:ListUserTags`, every page). */
export const readUserTags: ReadTags = async (aws, { arn }) => {
  const tags: Tags = {};
  for await (const page of paginateListUserTags({ client: aws.client(IAMClient) }, { UserName: lastSegment(arn) })) Object.assign(tags, fromList(page.Tags));
  return tags;
};

/** Tags of a customer managed IAM policy (`iam:ListPolicyTags`, every page), by its ARN. */
export const readPolicyTags: ReadTags = async (aws, { arn }) => {
  const tags: Tags = {};
  for await (const page of paginateListPolicyTags({ client: aws.client(IAMClient) }, { PolicyArn: arn })) Object.assign(tags, fromList(page.Tags));
  return tags;
};
