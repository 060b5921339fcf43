import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand, type DescribeAlarmsCommandOutput } from '@aws-sdk/client-cloudwatch';
import { fromList, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/**
 * Tags of a CloudWatch alarm (metric or composite). DescribeAlarms by name vouches for it first:
 * ListTagsForResource alone would answer for a name that no longer exists.
 */
export const readAlarmTags: ReadTags = async (aws, { arn }) => {
  const cloudwatch = aws.client(CloudWatchClient);
  const name = /:alarm:(.+)$/.exec(arn)?.[1];
  const found: Partial<DescribeAlarmsCommandOutput> = name
    ? await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }))
    : {};
  const alarm = found.MetricAlarms?.[0] ?? found.CompositeAlarms?.[0];
  if (!alarm || alarm.AlarmArn !== arn) throw new ResourceNotFoundForTagsError(arn);
  const { Tags } = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  return fromList(Tags);
};
