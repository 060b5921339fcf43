import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketWebsiteCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The bucket policy exactly as S3 returned it; `null` when the bucket has none. */
type PolicySnapshot = { policy: string | null };
type Statement = Record<string, unknown>;

const SID = 'RectifyDenyInsecureTransport';
/** S3's size limit for a bucket policy. */
const MAX_POLICY_BYTES = 20 * 1024;

function bucketOf(ctx: PlaybookContext<unknown>) {
  // Bucket names are global: refuse to touch a bucket of the same name owned by another account.
  return { Bucket: ctx.resource.name, ExpectedBucketOwner: ctx.resource.account };
}
const bucketArn = (ctx: PlaybookContext<unknown>) => `arn:${ctx.resource.partition}:s3:::${ctx.resource.name}`;
const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

async function readPolicy(ctx: PlaybookContext<unknown>): Promise<string | null> {
  try {
    return (await ctx.aws.client(S3Client).send(new GetBucketPolicyCommand(bucketOf(ctx)))).Policy ?? null;
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchBucketPolicy') return null;
    throw error;
  }
}

function refuse(ctx: PlaybookContext<unknown>, reason: string): never {
  throw new RemediationFailedError(
    `Cannot require TLS on bucket ${ctx.resource.name} (finding ${ctx.request.findingId}): ${reason}. ` +
      'Rectify changed nothing; fix the bucket policy by hand or suppress the finding.',
  );
}

function parsePolicy(ctx: PlaybookContext<unknown>, text: string | null): Record<string, unknown> {
  if (text === null) return { Version: '2012-10-17' };
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    // Not JSON: refused just below, like JSON that is not a policy.
  }
  if (!isRecord(policy) || !asList(policy.Statement).every(isRecord)) refuse(ctx, 'its bucket policy is not a readable JSON policy');
  return policy;
}

/**
 * Whether a statement denies every S3 action by anyone on the bucket and its objects when the
 * request is not over TLS, and only then: a deny narrowed by other conditions, actions or
 * resources still lets some plain-HTTP requests through.
 */
function deniesInsecureTransport(statement: Statement, arn: string): boolean {
  const principal = statement.Principal;
  const everyone = principal === '*' || (isRecord(principal) && asList(principal.AWS).includes('*'));
  if (statement.Effect !== 'Deny' || !everyone) return false;
  if (!asList(statement.Action).some((action) => action === 's3:*' || action === '*')) return false;
  const resources = asList(statement.Resource);
  if (![arn, `${arn}/*`].every((target) => resources.includes(target) || resources.includes('*'))) return false;
  const operators = isRecord(statement.Condition) ? Object.entries(statement.Condition) : [];
  if (operators.length !== 1 || operators[0]![0] !== 'Bool' || !isRecord(operators[0]![1])) return false;
  const keys = Object.entries(operators[0]![1]);
  if (keys.length !== 1 || keys[0]![0].toLowerCase() !== 'aws:securetransport') return false;
  const values = asList(keys[0]![1]);
  return values.length > 0 && values.every((value) => String(value).toLowerCase() === 'false');
}

/** The policy with the deny statement appended; the other statements keep their order and content. */
function withDeny(policy: Record<string, unknown>, arn: string): string {
  const statements = asList(policy.Statement) as Statement[];
  const used = new Set(statements.map((statement) => statement.Sid));
  let sid = SID;
  for (let n = 2; used.has(sid); n += 1) sid = `${SID}${n}`;
  const deny = {
    Sid: sid,
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
  return JSON.stringify({ ...policy, Statement: [...statements, deny] });
}

const isCompliant = (policy: Record<string, unknown>, arn: string) =>
  (asList(policy.Statement) as Statement[]).some((statement) => deniesInsecureTransport(statement, arn));

async function hasWebsite(ctx: PlaybookContext<unknown>): Promise<boolean> {
  try {
    await ctx.aws.client(S3Client).send(new GetBucketWebsiteCommand(bucketOf(ctx)));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchWebsiteConfiguration') return false;
    throw error;
  }
}

/**
 * Requires TLS for every request to an S3 bucket by adding one statement to its bucket policy:
 * Deny `s3:*` to `*` on the bucket and its objects when `aws:SecureTransport` is false. Every
 * other statement stays, in order and with the same content; the policy is only re-serialised
 * (whitespace may change). A bucket that already has such a deny is left alone.
 *
 * - Control: S3.5, https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5
 *   ("require all requests (`Action: S3:*`) to only accept transmission of data over HTTPS …
 *   indicated by the condition key `aws:SecureTransport`").
 * - Config rule: s3-bucket-ssl-requests-only, https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl-requests-only.html
 *   (NON_COMPLIANT when the policy allows HTTP requests). The rule does not document what counts
 *   beyond AWS's compliant example (knowledge center "s3-bucket-policy-for-config-rule"); `verify`
 *   accepts only a deny at least that wide: every S3 action, everyone, the bucket and its objects,
 *   `aws:SecureTransport` false and no other condition. An Allow conditioned on
 *   `aws:SecureTransport` true, which AWS names non-compliant, fails it.
 *
 * Refuses, changing nothing: a bucket configured as a static website (website endpoints speak
 * plain HTTP only, so the deny would take the site down), a policy that is not readable JSON,
 * and a policy that would outgrow S3's 20 KB limit. Rollback puts back the previous policy text
 * exactly, or deletes the policy when the bucket had none.
 */
export const requireSecureTransport = definePlaybook<PolicySnapshot, { description: string }>({
  id: 's3-require-secure-transport',
  title: 'Deny requests to an S3 bucket that do not use TLS',
  controls: [
    'S3.5',
    'cis-aws-foundations-benchmark/v/1.4.0/2.1.2',
    'cis-aws-foundations-benchmark/v/3.0.0/2.1.1',
    'cis-aws-foundations-benchmark/v/5.0.0/2.1.1',
    'pci-dss/v/3.2.1/PCI.S3.5',
  ],
  resourceType: 'AwsS3Bucket',
  impact: 'non-disruptive',
  permissions: ['s3:GetBucketPolicy', 's3:GetBucketWebsite', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],

  snapshot: async (ctx) => ({ policy: await readPolicy(ctx) }),

  async plan(ctx, current) {
    const policy = parsePolicy(ctx, current.policy);
    if (isCompliant(policy, bucketArn(ctx))) return { summary: `Bucket ${ctx.resource.name} already requires TLS`, changes: [] };
    if (await hasWebsite(ctx)) {
      refuse(ctx, 'it hosts a static website, whose endpoint serves plain HTTP only, so denying HTTP would take the site down');
    }
    const size = Buffer.byteLength(withDeny(policy, bucketArn(ctx)));
    if (size > MAX_POLICY_BYTES) refuse(ctx, `its policy would be ${size} bytes with the deny, over S3's ${MAX_POLICY_BYTES}-byte limit`);
    const kept = asList(policy.Statement).length;
    return {
      summary: `Require TLS for requests to bucket ${ctx.resource.name}`,
      changes: [
        {
          description:
            `${current.policy === null ? 'Create a bucket policy' : 'Add a statement to the bucket policy'} of ${ctx.resource.name} ` +
            'that denies every S3 action (s3:*) by anyone on the bucket and its objects when the request does not use TLS ' +
            `(aws:SecureTransport false); the ${kept} existing statement(s) stay as they are`,
        },
      ],
    };
  },

  async apply(ctx) {
    // Merge into the live policy, so a statement added since the snapshot is kept too.
    const policy = parsePolicy(ctx, await readPolicy(ctx));
    if (isCompliant(policy, bucketArn(ctx))) return;
    await ctx.aws.client(S3Client).send(new PutBucketPolicyCommand({ ...bucketOf(ctx), Policy: withDeny(policy, bucketArn(ctx)) }));
  },

  async verify(ctx) {
    const compliant = isCompliant(parsePolicy(ctx, await readPolicy(ctx)), bucketArn(ctx));
    return { compliant, detail: `The policy of bucket ${ctx.resource.name} ${compliant ? 'denies' : 'does not deny'} requests that do not use TLS` };
  },

  async rollback(ctx, snapshot) {
    if ((await readPolicy(ctx)) === snapshot.policy) return;
    const s3 = ctx.aws.client(S3Client);
    if (snapshot.policy === null) await s3.send(new DeleteBucketPolicyCommand(bucketOf(ctx)));
    else await s3.send(new PutBucketPolicyCommand({ ...bucketOf(ctx), Policy: snapshot.policy }));
  },
});
