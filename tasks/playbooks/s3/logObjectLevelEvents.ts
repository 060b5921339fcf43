import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  PutEventSelectorsCommand,
  type AdvancedEventSelector,
  type EventSelector,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type JsonValue, type PlaybookContext } from '../definePlaybook.js';

/** Which object-level events a control asks for: S3.22 writes, S3.23 reads (and their CIS ids). */
type Direction = 'write' | 'read';
const DIRECTION: Readonly<Record<string, Direction>> = {
  'S3.22': 'write',
  'cis-aws-foundations-benchmark/v/1.4.0/3.10': 'write',
  'cis-aws-foundations-benchmark/v/3.0.0/3.8': 'write',
  'S3.23': 'read',
  'cis-aws-foundations-benchmark/v/1.4.0/3.11': 'read',
  'cis-aws-foundations-benchmark/v/3.0.0/3.9': 'read',
};
const directionOf = (ctx: PlaybookContext<unknown>): Direction => DIRECTION[ctx.controlId] ?? 'write';

/** A trail's selectors as restorable JSON: basic or advanced, never both (CloudTrail keeps one kind). */
type Selectors = { eventSelectors: JsonValue[]; advancedEventSelectors: JsonValue[] };
type ObjectEventsSnapshot = { trailName: string | null } & Selectors;

/** CloudTrail's selector for a trail that never had one set: all management events, read and write. */
const DEFAULT_SELECTOR: EventSelector = { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] };
/** The basic selector value meaning "every current and future bucket". */
const ALL_BUCKETS = /^arn:aws[a-z-]*:s3(:::)?$/;

/** SDK shapes as the JSON a snapshot stores (the stored snapshot is compared with a fresh one after rollback). */
const asJson = (value: readonly unknown[]): JsonValue[] => JSON.parse(JSON.stringify(value)) as JsonValue[];
const basicOf = (selectors: Selectors) => selectors.eventSelectors as unknown as EventSelector[];
const advancedOf = (selectors: Selectors) => selectors.advancedEventSelectors as unknown as AdvancedEventSelector[];

async function selectorsOf(ctx: PlaybookContext<unknown>, trail: string): Promise<Selectors> {
  const out = await ctx.aws.client(CloudTrailClient).send(new GetEventSelectorsCommand({ TrailName: trail }));
  const advanced = out.AdvancedEventSelectors ?? [];
  // A trail that never had selectors set logs CloudTrail's default; moto 5.2.1 answers an empty list for it.
  const basic = out.EventSelectors?.length ? out.EventSelectors : advanced.length ? [] : [DEFAULT_SELECTOR];
  return { eventSelectors: asJson(basic), advancedEventSelectors: asJson(advanced) };
}

/** Whether basic or advanced selectors log `direction` S3 object events for every bucket, as the Config rules read them. */
function logsAllObjects(selectors: Selectors, direction: Direction): boolean {
  const wanted = direction === 'write' ? ['All', 'WriteOnly'] : ['All', 'ReadOnly'];
  const basic = basicOf(selectors).some(
    (s) => wanted.includes(s.ReadWriteType ?? 'All') && (s.DataResources ?? []).some((d) => d.Type === 'AWS::S3::Object' && (d.Values ?? []).some((v) => ALL_BUCKETS.test(v))),
  );
  const advanced = advancedOf(selectors).some((s) => {
    const fields = s.FieldSelectors ?? [];
    const field = (name: string) => fields.find((f) => f.Field === name);
    const readOnly = field('readOnly')?.Equals;
    const unfiltered = fields.every((f) => ['eventCategory', 'resources.type', 'readOnly'].includes(f.Field ?? ''));
    const directionOk = !readOnly || readOnly.includes(direction === 'write' ? 'false' : 'true');
    return field('eventCategory')?.Equals?.includes('Data') && field('resources.type')?.Equals?.includes('AWS::S3::Object') && unfiltered && directionOk;
  });
  return basic || advanced;
}

/** The account's multi-Region trails visible in this Region, own and shadow copies. */
async function multiRegionTrails(ctx: PlaybookContext<unknown>): Promise<Trail[]> {
  const { trailList = [] } = await ctx.aws.client(CloudTrailClient).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  return trailList.filter((t) => t.IsMultiRegionTrail);
}

/** A multi-Region trail that already logs the control's events, by name, or undefined. */
async function compliantTrail(ctx: PlaybookContext<unknown>): Promise<string | undefined> {
  for (const trail of await multiRegionTrails(ctx)) {
    if (logsAllObjects(await selectorsOf(ctx, trail.TrailARN ?? trail.Name!), directionOf(ctx))) return trail.Name;
  }
  return undefined;
}

/** The multi-Region trail Rectify may change: this account's, homed in this Region. */
async function updatableTrail(ctx: PlaybookContext<unknown>): Promise<Trail | undefined> {
  return (await multiRegionTrails(ctx)).find((t) => t.HomeRegion === ctx.resource.region && (t.TrailARN ?? '').split(':')[4] === ctx.resource.account);
}

/** The selectors with the control's events added: one new selector, the others unchanged. */
function withObjectEvents(current: Selectors, direction: Direction): Selectors {
  if (current.advancedEventSelectors.length > 0) {
    const added: AdvancedEventSelector = {
      Name: `Rectify: S3 object-level ${direction} events, all buckets`,
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        { Field: 'readOnly', Equals: [direction === 'write' ? 'false' : 'true'] },
      ],
    };
    return { eventSelectors: [], advancedEventSelectors: [...current.advancedEventSelectors, ...asJson([added])] };
  }
  const added: EventSelector = {
    ReadWriteType: direction === 'write' ? 'WriteOnly' : 'ReadOnly',
    IncludeManagementEvents: false,
    DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }],
  };
  return { eventSelectors: [...current.eventSelectors, ...asJson([added])], advancedEventSelectors: [] };
}

async function putSelectors(ctx: PlaybookContext<unknown>, trail: string, selectors: Selectors): Promise<void> {
  await ctx.aws.client(CloudTrailClient).send(
    new PutEventSelectorsCommand(
      selectors.advancedEventSelectors.length > 0
        ? { TrailName: trail, AdvancedEventSelectors: advancedOf(selectors) }
        : { TrailName: trail, EventSelectors: basicOf(selectors) },
    ),
  );
}

const WHY =
  'it can add a large cost: CloudTrail bills data events at $0.10 per 100,000, and every object request to every bucket of the account becomes one (plus the S3 storage of the log files)';

/**
 * Logs S3 object-level write events (S3.22) or read events (S3.23) for all buckets on a multi-Region
 * trail. S3.22: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-22, AWS Config rule
 * `cloudtrail-all-write-s3-data-event-check`; S3.23: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-23,
 * `cloudtrail-all-read-s3-data-event-check` (https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-all-write-s3-data-event-check.html):
 * COMPLIANT when at least one multi-Region trail logs that kind of S3 data event for all buckets.
 * `verify` reads every multi-Region trail's event selectors, basic (`AWS::S3::Object` on `arn:aws:s3`
 * with a matching read/write type) or advanced (`eventCategory` Data, `resources.type`
 * AWS::S3::Object, no other filter, `readOnly` absent or matching).
 *
 * Minimal change: one selector is added to this account's multi-Region trail homed in the finding's
 * Region, for the missing direction only; the trail's other selectors stay as they are. Without such
 * a trail it changes nothing and says to fix CloudTrail.1 first (Rectify does not create a second
 * trail for data events). Rollback puts the trail's selectors back as they were.
 */
export const logObjectLevelEvents = definePlaybook<ObjectEventsSnapshot, { description: string }>({
  id: 's3-log-object-level-events',
  title: 'Log S3 object-level read or write events for all buckets on a multi-Region trail',
  controls: Object.keys(DIRECTION),
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  permissions: ['cloudtrail:DescribeTrails', 'cloudtrail:GetEventSelectors', 'cloudtrail:PutEventSelectors'],

  async snapshot(ctx) {
    const trail = await updatableTrail(ctx);
    if (!trail) return { trailName: null, eventSelectors: [], advancedEventSelectors: [] };
    return { trailName: trail.Name!, ...(await selectorsOf(ctx, trail.Name!)) };
  },

  async plan(ctx, current) {
    const direction = directionOf(ctx);
    const already = await compliantTrail(ctx);
    if (already) return { summary: `Multi-Region trail ${already} already logs S3 object-level ${direction} events for all buckets`, changes: [] };
    if (!current.trailName) {
      throw new RemediationFailedError(
        `No multi-Region trail of account ${ctx.resource.account} homed in ${ctx.resource.region} to log S3 object-level ${direction} events on (finding ${ctx.request.findingId}). ` +
          'Rectify changed nothing: remediate CloudTrail.1 first (a multi-Region trail), or add the data events to your organization trail.',
      );
    }
    const kind = current.advancedEventSelectors.length > 0 ? 'an advanced event selector' : 'an event selector';
    return {
      summary: `Log S3 object-level ${direction} events for all buckets on trail ${current.trailName} (disruptive: ${WHY})`,
      impact: { level: 'disruptive', why: WHY },
      changes: [{ description: `Add ${kind} to trail ${current.trailName} logging S3 object-level ${direction} events (AWS::S3::Object) for all current and future buckets; its other selectors stay` }],
    };
  },

  async apply(ctx) {
    if (await compliantTrail(ctx)) return;
    const trail = await updatableTrail(ctx);
    if (!trail) throw new RemediationFailedError(`No multi-Region trail homed in ${ctx.resource.region} to add S3 data events to; nothing was changed`);
    await putSelectors(ctx, trail.Name!, withObjectEvents(await selectorsOf(ctx, trail.Name!), directionOf(ctx)));
  },

  async verify(ctx) {
    const trail = await compliantTrail(ctx);
    const direction = directionOf(ctx);
    return {
      compliant: trail !== undefined,
      detail: trail ? `Multi-Region trail ${trail} logs S3 object-level ${direction} events for all buckets` : `No multi-Region trail logs S3 object-level ${direction} events for all buckets`,
    };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.trailName) return;
    const now = await selectorsOf(ctx, snapshot.trailName);
    if (JSON.stringify(now) === JSON.stringify({ eventSelectors: snapshot.eventSelectors, advancedEventSelectors: snapshot.advancedEventSelectors })) return;
    await putSelectors(ctx, snapshot.trailName, snapshot);
  },
});
