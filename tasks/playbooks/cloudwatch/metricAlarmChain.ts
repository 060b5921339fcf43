import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand, type MetricFilter } from '@aws-sdk/client-cloudwatch-logs';
import type { PlaybookContext } from '../definePlaybook.js';
import { hasConfirmedSubscriber } from './alarmTopic.js';
import { patternMatches, type CisMetricFilter } from './cisMetricFilters.js';
import type { MonitoredTrail } from './monitoredTrails.js';

type Ctx = PlaybookContext<unknown>;

/** A metric filter with the control's pattern on a monitored trail's log group. */
export interface MatchingFilter {
  readonly logGroupName: string;
  readonly filterName: string;
  readonly metricName: string;
  readonly metricNamespace: string;
}

/** The CIS audit's verdict for one control: passing, with the chain that passes, or failing, with the first matching filter if any. */
export type ChainVerdict =
  | { readonly compliant: true; readonly detail: string }
  | { readonly compliant: false; readonly detail: string; readonly matchingFilter?: MatchingFilter };

/** The metric filters of a log group (every page). */
export async function metricFiltersOf(ctx: Ctx, logGroupName: string, filterNamePrefix?: string): Promise<MetricFilter[]> {
  const logs = ctx.aws.client(CloudWatchLogsClient);
  const filters: MetricFilter[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new DescribeMetricFiltersCommand({ logGroupName, filterNamePrefix, nextToken }));
    filters.push(...(page.metricFilters ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return filters;
}

/** The account's metric alarms in this Region (every page). */
async function metricAlarms(ctx: Ctx): Promise<MetricAlarm[]> {
  const cloudwatch = ctx.aws.client(CloudWatchClient);
  const alarms: MetricAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm'], NextToken }));
    alarms.push(...(page.MetricAlarms ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return alarms;
}

const snsActionsOf = (alarm: MetricAlarm) => (alarm.AlarmActions ?? []).filter((arn) => /^arn:[^:]+:sns:/.test(arn));

/**
 * The CIS audit steps 4–6 of CloudWatch.1–14 (CIS v1.4.0 4.x, v1.2.0 3.x), as Security Hub runs
 * them on the monitored trails: a metric filter on the trail's log group whose pattern is the
 * control's; an alarm on the filter's metric name (`describe-alarms` "MetricAlarms[?MetricName ==
 * <metric>]"); an SNS topic among the alarm's actions with at least one confirmed subscriber.
 * Nothing of Rectify's own is required (names, namespace, thresholds): an alarm a person made
 * passes as it passes Security Hub.
 */
export async function evaluateChain(ctx: Ctx, spec: CisMetricFilter, trails: readonly MonitoredTrail[]): Promise<ChainVerdict> {
  if (trails.length === 0) {
    return { compliant: false, detail: `No multi-Region trail that is logging read and write management events delivers to CloudWatch Logs in ${ctx.resource.region} (${spec.control})` };
  }
  let alarms: MetricAlarm[] | undefined;
  let matchingFilter: MatchingFilter | undefined;
  for (const trail of trails) {
    const filters = (await metricFiltersOf(ctx, trail.logGroupName)).filter((f) => patternMatches(f.filterPattern, spec.pattern));
    for (const filter of filters) {
      for (const metric of filter.metricTransformations ?? []) {
        const found = { logGroupName: trail.logGroupName, filterName: filter.filterName!, metricName: metric.metricName!, metricNamespace: metric.metricNamespace! };
        matchingFilter ??= found;
        alarms ??= await metricAlarms(ctx);
        for (const alarm of alarms.filter((a) => a.MetricName === metric.metricName)) {
          for (const topicArn of snsActionsOf(alarm)) {
            if (await hasConfirmedSubscriber(ctx, topicArn)) {
              return {
                compliant: true,
                detail: `Metric filter ${found.filterName} on ${trail.logGroupName} (trail ${trail.trailName}) counts ${spec.watches}; alarm ${alarm.AlarmName} notifies ${topicArn}, which has a confirmed subscriber (${spec.control})`,
              };
            }
          }
        }
      }
    }
  }
  const detail = matchingFilter
    ? `Metric filter ${matchingFilter.filterName} on ${matchingFilter.logGroupName} counts ${spec.watches}, but no alarm on its metric ${matchingFilter.metricName} notifies an SNS topic with a confirmed subscriber (${spec.control})`
    : `No metric filter with the CIS pattern for ${spec.watches} on the log group of ${trails.map((t) => `${t.trailName} (${t.logGroupName})`).join(', ')} (${spec.control})`;
  return { compliant: false, detail, matchingFilter };
}
