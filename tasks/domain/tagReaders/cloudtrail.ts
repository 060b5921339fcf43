import { CloudTrailClient, ListTagsCommand } from '@aws-sdk/client-cloudtrail';
import { fromList, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/** Tags of a CloudTrail trail (`cloudtrail:ListTags`); a trail CloudTrail does not answer for is not found. */
export const readTrailTags: ReadTags = async (aws, { arn }) => {
  const answer = await aws.client(CloudTrailClient).send(new ListTagsCommand({ ResourceIdList: [arn] }));
  const mine = answer.ResourceTagList?.find((r) => r.ResourceId === arn);
  if (!mine) throw new ResourceNotFoundForTagsError(arn);
  return fromList(mine.TagsList);
};
