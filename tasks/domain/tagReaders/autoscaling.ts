import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { fromList, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/**
 * Tags of an Auto Scaling group (`autoscaling:DescribeAutoScalingGroups`: the tags come with the
 * group). The group is looked up by the name in its ARN and must have that very ARN: a group
 * deleted and created again under the same name is another resource.
 */
export const readAutoScalingGroupTags: ReadTags = async (aws, { arn }) => {
  const name = arn.slice(arn.indexOf(':autoScalingGroupName/') + ':autoScalingGroupName/'.length);
  const { AutoScalingGroups = [] } = await aws.client(AutoScalingClient).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = AutoScalingGroups.find((g) => g.AutoScalingGroupARN === arn);
  if (!group) throw new ResourceNotFoundForTagsError(arn);
  return fromList(group.Tags);
};
