import { DescribeStateMachineCommand, ListTagsForResourceCommand, SFNClient } from '@aws-sdk/client-sfn';
import { fromList, type ReadTags } from './common.js';

/**
 * Tags of a Step Functions state machine. DescribeStateMachine vouches for it first
 * (StateMachineDoesNotExist): ListTagsForResource alone answers for any ARN in moto.
 */
export const readStateMachineTags: ReadTags = async (aws, { arn }) => {
  const sfn = aws.client(SFNClient);
  await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
  const { tags } = await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return fromList(tags?.map((t) => ({ Key: t.key, Value: t.value })));
};
