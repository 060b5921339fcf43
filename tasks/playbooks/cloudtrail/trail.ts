import { CloudTrailClient, GetTrailCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

/**
 * Reading the trail a finding names, shared by the playbooks that change one trail (CloudTrail.2,
 * CloudTrail.5): how CloudTrail names it in calls, and whether this account and Region may update it.
 */

/** The trail as CloudTrail names it in calls: its ARN, which also finds it outside its home Region. */
export function trailOf(ctx: PlaybookContext<unknown, unknown>): string {
  return ctx.resource.id.startsWith('arn:') ? ctx.resource.id : ctx.resource.name;
}

/** The trail, read with GetTrail; a trail that is gone fails (the snapshot must not pass on a missing resource). */
export async function readTrail(ctx: PlaybookContext<unknown, unknown>): Promise<Trail> {
  const { Trail: trail } = await ctx.aws.client(CloudTrailClient).send(new GetTrailCommand({ Name: trailOf(ctx) }));
  if (!trail) throw new RemediationFailedError(`GetTrail returned nothing for ${ctx.resource.id} (finding ${ctx.request.findingId})`);
  return trail;
}

/**
 * Refuse a trail this account and Region cannot or must not update: a service's own trail (named
 * `…-DO-NOT-EDIT`), an organization trail owned by another account (the management account
 * changes it), or a multi-Region trail outside its home Region.
 */
export function requireUpdatable(ctx: PlaybookContext<unknown, unknown>, trail: Trail, what: string): void {
  // arn:aws:cloudtrail:<home region>:<owner account>:trail/<name>
  const [, , , arnRegion, owner] = (trail.TrailARN ?? ctx.resource.id).split(':');
  let reason: string | undefined;
  // A trail a service made for itself says so in its name (Macie classic's AWSMacieTrail-DO-NOT-EDIT): changing it may break that service.
  if (/DO-NOT-EDIT$/i.test(trail.Name ?? '')) reason = `its name says it belongs to a service that made it (${trail.Name}) and must not be edited: configure that service, or use another trail`;
  else if (owner && owner !== ctx.resource.account) reason = `it is an organization trail owned by account ${owner}: change it there, in the management account`;
  else if ((trail.HomeRegion ?? arnRegion) && (trail.HomeRegion ?? arnRegion) !== ctx.resource.region) {
    reason = `its home Region is ${trail.HomeRegion ?? arnRegion}, and CloudTrail updates a trail only from its home Region: fix the finding there`;
  }
  if (reason) {
    throw new RemediationFailedError(
      `Cannot ${what} for trail ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing; remediate this trail by hand or suppress the finding.`,
    );
  }
}

/** CloudTrail answers an empty string for a setting that was removed: both mean "none". */
export const orNull = (value: string | undefined): string | null => (value ? value : null);
