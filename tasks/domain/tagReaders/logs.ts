import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/**
 * Tags of a CloudWatch Logs log group. DescribeLogGroups vouches for it first (an exact name
 * among those with its prefix): the tags are then read on its ARN without the `:*` suffix, the
 * form `logs:ListTagsForResource` takes.
 */
export const readLogGroupTags: ReadTags = async (aws, { arn }) => {
  const logs = aws.client(CloudWatchLogsClient);
  const groupArn = arn.replace(/:\*$/, '');
  const name = /:log-group:(.+)$/.exec(groupArn)?.[1];
  const { logGroups = [] } = name ? await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name })) : {};
  if (!name || !logGroups.some((g) => g.logGroupName === name)) throw new ResourceNotFoundForTagsError(arn);
  const { tags = {} } = await logs.send(new ListTagsForResourceCommand({ resourceArn: groupArn }));
  return { ...tags };
};
