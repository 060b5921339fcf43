import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { fromList, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/** Tags of a CloudFormation stack (`cloudformation:DescribeStacks`; a missing stack answers ValidationError, a deleted one DELETE_COMPLETE). */
export const readStackTags: ReadTags = async (aws, { arn }) => {
  const { Stacks = [] } = await aws.client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: arn }));
  const stack = Stacks.find((s) => s.StackId === arn && s.StackStatus !== 'DELETE_COMPLETE');
  if (!stack) throw new ResourceNotFoundForTagsError(arn);
  return fromList(stack.Tags);
};
