import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type AdvancedEventSelector,
  type EventSelector,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import type { PlaybookContext } from '../definePlaybook.js';

/** A trail the CIS monitoring controls accept, and the log group it delivers to in this account and Region. */
export interface MonitoredTrail {
  readonly trailName: string;
  readonly logGroupName: string;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>:*` → its parts, or undefined for anything else. */
function parseLogGroupArn(arn: string): { region: string; account: string; name: string } | undefined {
  const match = /^arn:[^:]+:logs:([^:]+):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(arn);
  return match ? { region: match[1]!, account: match[2]!, name: match[3]! } : undefined;
}

/** Whether basic event selectors log read and write management events (CIS: `IncludeManagementEvents` true, `ReadWriteType` All). */
const basicLogsAllManagement = (selectors: readonly EventSelector[]) =>
  selectors.some((s) => s.IncludeManagementEvents === true && s.ReadWriteType === 'All');

/**
 * Whether advanced event selectors log read and write management events: a selector on
 * `eventCategory` Management with no `readOnly` field (a `readOnly` field narrows it to reads or
 * to writes). Any other field on the selector is treated as narrowing it too: fail closed.
 */
const advancedLogsAllManagement = (selectors: readonly AdvancedEventSelector[]) =>
  selectors.some((s) => {
    const fields = s.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    return Boolean(category?.Equals?.includes('Management')) && fields.every((f) => f === category);
  });

/**
 * The trails the CIS monitoring controls count, with their log groups: Security Hub runs the CIS
 * audit steps on "the available trails that are in the current Region and that are owned by the
 * current account" — a multi-Region trail that is logging, logs read and write management events,
 * and delivers to a CloudWatch Logs log group (CIS v1.4.0 4.x audit steps 1–3: DescribeTrails,
 * GetTrailStatus, GetEventSelectors). An organization trail of another account, or a multi-Region
 * trail whose home is another Region, gives Security Hub no data here and is not counted. Sorted
 * by trail name, so the same account always yields the same first trail.
 */
export async function monitoredTrails(ctx: PlaybookContext<unknown>): Promise<MonitoredTrail[]> {
  const cloudtrail = ctx.aws.client(CloudTrailClient);
  const { trailList = [] } = await cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
  const candidates = trailList.filter((t: Trail) => {
    const [, , , region, account] = (t.TrailARN ?? '').split(':');
    const group = parseLogGroupArn(t.CloudWatchLogsLogGroupArn ?? '');
    return (
      t.IsMultiRegionTrail === true &&
      region === ctx.resource.region &&
      account === ctx.resource.account &&
      group?.region === ctx.resource.region &&
      group.account === ctx.resource.account
    );
  });
  const found: MonitoredTrail[] = [];
  for (const trail of candidates) {
    const name = trail.TrailARN!;
    const { IsLogging } = await cloudtrail.send(new GetTrailStatusCommand({ Name: name }));
    if (IsLogging !== true) continue;
    const selectors = await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: name }));
    if (!basicLogsAllManagement(selectors.EventSelectors ?? []) && !advancedLogsAllManagement(selectors.AdvancedEventSelectors ?? [])) continue;
    found.push({ trailName: trail.Name!, logGroupName: parseLogGroupArn(trail.CloudWatchLogsLogGroupArn!)!.name });
  }
  return found.sort((a, b) => a.trailName.localeCompare(b.trailName));
}
