import {
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  ListObjectVersionsCommand,
  S3Client,
  type Grant,
} from '@aws-sdk/client-s3';
import type { PlaybookContext } from '../definePlaybook.js';

export type Access = 'read' | 'write';

/** One grant that lets the public in, as the bucket holds it today. */
export interface PublicGrant {
  readonly source: 'acl' | 'policy';
  /** For the reviewer: `the bucket ACL grants READ to everyone (AllUsers)`. */
  readonly description: string;
  readonly access: readonly Access[];
}

/** What a bucket grants the public through its own ACL and policy. */
export interface BucketExposure {
  readonly grants: readonly PublicGrant[];
  /** ACLs are in force (object ownership is not BucketOwnerEnforced), so objects' own ACLs may grant public access too. */
  readonly aclsEnabled: boolean;
  /** `BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`, or `none` when the bucket has no ownership controls. */
  readonly objectOwnership: string;
  /** The bucket holds an object (any version); read only while ACLs are enabled, since only then can an object's ACL grant anything. */
  readonly holdsObjects: boolean;
}

/** The actions S3 needs to let {@link readBucketExposure} read, all read-only. */
export const EXPOSURE_READ_PERMISSIONS = [
  's3:GetBucketAcl',
  's3:GetBucketOwnershipControls',
  's3:GetBucketPolicy',
  's3:GetBucketPolicyStatus',
  // ListObjectVersions: whether the bucket holds any object whose ACL could grant the public access.
  's3:ListBucketVersions',
] as const;

// S3's groups that count as the public: everyone, and anyone signed in to any AWS account.
const PUBLIC_GROUPS: Readonly<Record<string, string>> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'everyone (AllUsers)',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'any AWS account (AuthenticatedUsers)',
};
const ACL_ACCESS: Readonly<Record<string, readonly Access[]>> = {
  READ: ['read'],
  READ_ACP: ['read'],
  WRITE: ['write'],
  WRITE_ACP: ['write'],
  FULL_CONTROL: ['read', 'write'],
};
const READ_PREFIXES = ['s3:get', 's3:list'];

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const bucketOf = (ctx: PlaybookContext<unknown>) => ({ Bucket: ctx.resource.name, ExpectedBucketOwner: ctx.resource.account });

async function orNone<T>(read: Promise<T>, missing: string): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof Error && error.name === missing) return undefined;
    throw error;
  }
}

/**
 * Whether a statement's principal is not a fixed set of values. S3 and AWS Config count a policy
 * as public unless it grants access only to fixed values, so a wildcard anywhere, or NotPrincipal,
 * lets the public in.
 */
function forEveryone(statement: Record<string, unknown>): boolean {
  if (statement.NotPrincipal !== undefined) return true;
  const principal = statement.Principal;
  const values = isRecord(principal) ? Object.values(principal).flatMap(asList) : asList(principal);
  return values.some((value) => String(value).includes('*'));
}

/**
 * The access a statement's actions may give. Read: an action that is, or a wildcard that can
 * match, a Get or List action. Write: any other action. Erring towards more access is safe both
 * ways: verify fails more, and the plan is disruptive more often.
 */
function accessOf(statement: Record<string, unknown>): Access[] {
  if (statement.NotAction !== undefined) return ['read', 'write'];
  const actions = asList(statement.Action).map((action) => String(action).toLowerCase());
  const plainRead = (action: string) => READ_PREFIXES.some((prefix) => action.startsWith(prefix));
  const literal = (action: string) => action.split(/[*?]/)[0]!;
  const read = actions.some((a) => plainRead(a) || (literal(a) !== a && READ_PREFIXES.some((prefix) => prefix.startsWith(literal(a)))));
  const write = actions.some((a) => !plainRead(a));
  return [...(read ? (['read'] as const) : []), ...(write ? (['write'] as const) : [])];
}

function policyGrants(text: string, isPublic: boolean | undefined): PublicGrant[] {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    // Unreadable: counted as public below, the safe reading.
  }
  if (!isRecord(policy)) return [{ source: 'policy', description: 'the bucket policy is not readable JSON', access: ['read', 'write'] }];
  const grants = asList(policy.Statement)
    .filter(isRecord)
    .flatMap((statement, index): PublicGrant[] => {
      if (statement.Effect !== 'Allow' || !forEveryone(statement)) return [];
      // A condition can make a wildcard principal non-public (aws:SourceVpce and the like); only S3's own verdict says so.
      if (statement.Condition !== undefined && isPublic === false) return [];
      const name = typeof statement.Sid === 'string' && statement.Sid ? `"${statement.Sid}"` : `#${index + 1}`;
      const actions = statement.NotAction !== undefined ? `every action but ${asList(statement.NotAction).join(', ')}` : asList(statement.Action).join(', ');
      const conditions = statement.Condition !== undefined ? ' under conditions' : '';
      return [{ source: 'policy', description: `bucket policy statement ${name} allows ${actions} to everyone${conditions}`, access: accessOf(statement) }];
    });
  if (grants.length === 0 && isPublic === true) {
    return [{ source: 'policy', description: "the bucket policy is public by S3's own evaluation (GetBucketPolicyStatus)", access: ['read', 'write'] }];
  }
  return grants;
}

function aclGrants(grants: readonly Grant[]): PublicGrant[] {
  return grants.flatMap((grant): PublicGrant[] => {
    const who = PUBLIC_GROUPS[grant.Grantee?.URI ?? ''];
    const permission = grant.Permission ?? 'unknown';
    if (!who) return [];
    return [{ source: 'acl', description: `the bucket ACL grants ${permission} to ${who}`, access: ACL_ACCESS[permission] ?? ['read', 'write'] }];
  });
}

/**
 * Read what the bucket grants the public itself: ACL grants to AllUsers or AuthenticatedUsers, and
 * policy statements for a principal that is not fixed (S3's GetBucketPolicyStatus settles
 * statements with conditions). Block Public Access is not applied here: the caller knows which
 * settings are on. Objects' own ACLs are not read (one call per object); `aclsEnabled` and
 * `holdsObjects` say whether they can matter.
 */
export async function readBucketExposure(ctx: PlaybookContext<unknown>): Promise<BucketExposure> {
  const s3 = ctx.aws.client(S3Client);
  const ownership = await orNone(s3.send(new GetBucketOwnershipControlsCommand(bucketOf(ctx))), 'OwnershipControlsNotFoundError');
  const objectOwnership = ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? 'none';
  // With BucketOwnerEnforced, ACLs no longer grant anything: not the bucket's, not the objects'.
  const aclsEnabled = objectOwnership !== 'BucketOwnerEnforced';
  const acl = aclsEnabled ? aclGrants((await s3.send(new GetBucketAclCommand(bucketOf(ctx)))).Grants ?? []) : [];
  // One key is enough: an empty bucket has no object ACL to honour; any object may have a public one, and reading each is not an option.
  const holdsObjects = aclsEnabled && ((await s3.send(new ListObjectVersionsCommand({ ...bucketOf(ctx), MaxKeys: 1 }))).Versions ?? []).length > 0;
  const policy = (await orNone(s3.send(new GetBucketPolicyCommand(bucketOf(ctx))), 'NoSuchBucketPolicy'))?.Policy;
  let grants = acl;
  if (policy !== undefined) {
    const status = await orNone(s3.send(new GetBucketPolicyStatusCommand(bucketOf(ctx))), 'NoSuchBucketPolicy');
    grants = [...acl, ...policyGrants(policy, status?.PolicyStatus?.IsPublic)];
  }
  return { grants, aclsEnabled, objectOwnership, holdsObjects };
}
