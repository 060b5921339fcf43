import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
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

/**
 * A launch configuration has no tags (the API has none for it): this reader only vouches that the
 * finding's launch configuration exists with that very ARN, and answers no tags.
 */
export const readLaunchConfigurationTags: ReadTags = async (aws, { arn }) => {
  const name = arn.slice(arn.indexOf(':launchConfigurationName/') + ':launchConfigurationName/'.length);
  const { LaunchConfigurations = [] } = await aws.client(AutoScalingClient).send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] }));
  if (!LaunchConfigurations.some((c) => c.LaunchConfigurationARN === arn)) throw new ResourceNotFoundForTagsError(arn);
  return {};
};
