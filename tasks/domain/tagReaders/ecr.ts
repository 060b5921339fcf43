import { ECRClient, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { fromList, type ReadTags } from './common.js';

/** Tags of an ECR repository (`ecr:ListTagsForResource`; a missing repository answers RepositoryNotFoundException). */
export const readRepositoryTags: ReadTags = async (aws, { arn }) => {
  const { tags } = await aws.client(ECRClient).send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return fromList(tags);
};
