import { ListTagsForResourceCommand, SFNClient } from '@aws-sdk/client-sfn';
import { fromList, type ReadTags } from './common.js';

/** Tags of a Step Functions state machine (`states:ListTagsForResource`; a missing one answers ResourceNotFound). */
export const readStateMachineTags: ReadTags = async (aws, { arn }) => {
  const { tags } = await aws.client(SFNClient).send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return fromList(tags?.map((t) => ({ Key: t.key, Value: t.value })));
};
