import {
  DeleteBucketOwnershipControlsCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  ListObjectVersionsCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  S3Client,
  type Grant,
  type ObjectOwnership,
} from '@aws-sdk/client-s3';
import { RollbackFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** One ACL grant with only the fields PutBucketAcl reads (DisplayName is S3's to fill in). */
type AclGrant = { type: string; id?: string; uri?: string; email?: string; permission: string };
/** Object ownership (`none`: the bucket has no ownership controls) and the bucket ACL, grants sorted. */
type OwnershipSnapshot = { objectOwnership: string; ownerId: string; grants: AclGrant[] };
type Context = PlaybookContext<unknown>;

const ENFORCED = 'BucketOwnerEnforced';
const GROUPS: Readonly<Record<string, string>> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'everyone (AllUsers)',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'any AWS account (AuthenticatedUsers)',
  'http://acs.amazonaws.com/groups/s3/LogDelivery': 'S3 server access log delivery (LogDelivery): logs delivered to this bucket by ACL stop',
};
const bucketOf = (ctx: Context) => ({ Bucket: ctx.resource.name, ExpectedBucketOwner: ctx.resource.account });
const isOwners = (grant: AclGrant, ownerId: string) => grant.type === 'CanonicalUser' && grant.id === ownerId;
const who = (grant: AclGrant) => (grant.uri ? (GROUPS[grant.uri] ?? grant.uri) : grant.email ? `e-mail grantee ${grant.email}` : `canonical user ${grant.id}`);

function toGrant(grant: Grant): AclGrant {
  const g = grant.Grantee ?? { Type: undefined };
  const fields = { type: g.Type ?? 'unknown', id: g.ID, uri: g.URI, email: g.EmailAddress, permission: grant.Permission ?? 'unknown' };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as AclGrant;
}
const fromGrant = (grant: AclGrant): Grant => ({
  Grantee: { Type: grant.type as 'CanonicalUser', ID: grant.id, URI: grant.uri, EmailAddress: grant.email },
  Permission: grant.permission as 'READ',
});

async function readOwnership(ctx: Context): Promise<string> {
  try {
    const { OwnershipControls } = await ctx.aws.client(S3Client).send(new GetBucketOwnershipControlsCommand(bucketOf(ctx)));
    return OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? 'none';
  } catch (error) {
    if (error instanceof Error && error.name === 'OwnershipControlsNotFoundError') return 'none';
    throw error;
  }
}

async function readSnapshot(ctx: Context): Promise<OwnershipSnapshot> {
  const acl = await ctx.aws.client(S3Client).send(new GetBucketAclCommand(bucketOf(ctx)));
  const grants = (acl.Grants ?? []).map(toGrant).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { objectOwnership: await readOwnership(ctx), ownerId: acl.Owner?.ID ?? '', grants };
}

const othersOf = (snapshot: OwnershipSnapshot) => snapshot.grants.filter((grant) => !isOwners(grant, snapshot.ownerId));

async function putAcl(ctx: Context, ownerId: string, grants: readonly AclGrant[]): Promise<void> {
  const AccessControlPolicy = { Owner: { ID: ownerId }, Grants: grants.map(fromGrant) };
  await ctx.aws.client(S3Client).send(new PutBucketAclCommand({ ...bucketOf(ctx), AccessControlPolicy }));
}

async function putOwnership(ctx: Context, objectOwnership: string): Promise<void> {
  const s3 = ctx.aws.client(S3Client);
  if (objectOwnership === 'none') await s3.send(new DeleteBucketOwnershipControlsCommand(bucketOf(ctx)));
  else await s3.send(new PutBucketOwnershipControlsCommand({ ...bucketOf(ctx), OwnershipControls: { Rules: [{ ObjectOwnership: objectOwnership as ObjectOwnership }] } }));
}

/**
 * Disables ACLs on an S3 bucket by setting object ownership to `BucketOwnerEnforced`. S3 refuses
 * that setting while the bucket ACL grants anyone but the owner (InvalidBucketAclWithObjectOwnership),
 * so such grants are removed first: the ACL is reset to the owner's full control. Always
 * disruptive: the plan names who loses access (each grantee of the bucket ACL, and whoever the
 * objects' own ACLs let in when the bucket holds objects), and from then on S3 refuses uploads
 * that set any ACL other than bucket-owner-full-control. Bucket policy, tags and every other
 * setting stay.
 *
 * - Control: S3.12, https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-12
 *   ("ACLs should not be used to manage user access to S3 general purpose buckets"; remediation:
 *   "to pass this control, you should disable ACLs for your S3 buckets").
 * - Config rule: s3-bucket-acl-prohibited, https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-acl-prohibited.html
 *   ("NON_COMPLIANT if ACLs are configured for user access"). The rule's page does not say which
 *   fields it reads; `verify` passes only a bucket whose ownership is `BucketOwnerEnforced` (ACLs
 *   disabled, what the control's remediation asks for), which passes the rule however it reads the
 *   ACL: stricter, never looser.
 *
 * Rollback puts back the previous ownership setting (or removes the controls when the bucket had
 * none) and the previous bucket ACL grants; S3 keeps objects' ACLs while ACLs are disabled, so
 * they apply again. Only what Rectify wrote is undone: an ownership or ACL changed since is left
 * and the rollback fails, naming it.
 */
export const enforceBucketOwnerOwnership = definePlaybook<OwnershipSnapshot, { description: string }>({
  id: 's3-enforce-bucket-owner-ownership',
  title: 'Disable ACLs on an S3 bucket (object ownership BucketOwnerEnforced)',
  controls: ['S3.12'],
  resourceType: 'AwsS3Bucket',
  impact: 'disruptive',
  permissions: ['s3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls', 's3:GetBucketAcl', 's3:PutBucketAcl', 's3:ListBucketVersions'],

  snapshot: readSnapshot,

  async plan(ctx, current) {
    const name = ctx.resource.name;
    if (current.objectOwnership === ENFORCED) return { summary: `ACLs are disabled on bucket ${name}`, changes: [] };
    const others = othersOf(current);
    // One key is enough: objects' ACLs stop granting anything, and reading each object's is not an option.
    const versions = await ctx.aws.client(S3Client).send(new ListObjectVersionsCommand({ ...bucketOf(ctx), MaxKeys: 1 }));
    const holdsObjects = (versions.Versions ?? []).length > 0;
    const losers = [
      ...others.map((grant) => `${who(grant)} (${grant.permission} on the bucket)`),
      ...(holdsObjects ? ["anyone the bucket's objects' own ACLs grant access to"] : []),
    ];
    const why =
      (losers.length > 0 ? `ACL grants stop working: ${losers.join('; ')} lose that access. ` : 'No ACL grants anyone but the owner today. ') +
      'Uploads that set an ACL other than bucket-owner-full-control are refused from then on, and objects other accounts upload belong to the bucket owner';
    const reset = others.length > 0
      ? [{ description: `Reset the bucket ACL of ${name} to the owner's full control, removing ${others.length} grant(s): ${others.map((g) => `${g.permission} to ${who(g)}`).join('; ')} (S3 refuses to disable ACLs while the bucket ACL grants others)` }]
      : [];
    return {
      summary: `Disable ACLs on bucket ${name} (object ownership ${current.objectOwnership} → ${ENFORCED})`,
      impact: { level: 'disruptive' as const, why },
      changes: [
        ...reset,
        { description: `Set object ownership of bucket ${name} to ${ENFORCED} (was ${current.objectOwnership === 'none' ? 'not set' : current.objectOwnership}): ACLs no longer grant access` },
      ],
    };
  },

  async apply(ctx) {
    const live = await readSnapshot(ctx);
    if (live.objectOwnership === ENFORCED) return;
    if (othersOf(live).length > 0) await putAcl(ctx, live.ownerId, live.grants.filter((grant) => isOwners(grant, live.ownerId)));
    await putOwnership(ctx, ENFORCED);
  },

  async verify(ctx) {
    const ownership = await readOwnership(ctx);
    return {
      compliant: ownership === ENFORCED,
      detail: `Object ownership of bucket ${ctx.resource.name} is ${ownership === 'none' ? 'not set (ACLs enabled)' : ownership}${ownership === ENFORCED ? ' (ACLs disabled)' : ''}`,
    };
  },

  async rollback(ctx, snapshot) {
    const live = await readSnapshot(ctx);
    if (JSON.stringify(live) === JSON.stringify(snapshot)) return;
    const ownershipOurs = live.objectOwnership === ENFORCED || live.objectOwnership === snapshot.objectOwnership;
    const aclOurs = othersOf(live).length === 0 || JSON.stringify(live.grants) === JSON.stringify(snapshot.grants);
    if (!ownershipOurs || !aclOurs) {
      throw new RollbackFailedError(
        `Bucket ${ctx.resource.name} changed after Rectify's S3.12 change (finding ${ctx.request.findingId}): object ownership ${live.objectOwnership}, ` +
          `${live.grants.length} ACL grant(s). Rectify left it as it is; restore ownership ${snapshot.objectOwnership} and the ACL by hand if needed.`,
      );
    }
    // Ownership first: S3 accepts the previous ACL grants only once ACLs are enabled again.
    if (live.objectOwnership !== snapshot.objectOwnership) await putOwnership(ctx, snapshot.objectOwnership);
    if (JSON.stringify(live.grants) !== JSON.stringify(snapshot.grants)) await putAcl(ctx, snapshot.ownerId, snapshot.grants);
  },
});
