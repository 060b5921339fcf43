import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { policyRemediation, type PolicyChange, type PolicySnapshot, type PolicyStore } from '../policyRemediation.js';
import { grantedActions, isOtherAccount, principalsOf, type PrincipalValue, type Statement } from '../resourcePolicy.js';

/** S3.6's `blacklistedactionpatterns`, fixed by Security Hub (not customizable). */
export const DENIED_ACTIONS = ['s3:DeleteBucketPolicy', 's3:PutBucketAcl', 's3:PutBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutObjectAcl'] as const;

// Bucket names are global: refuse to touch a bucket of the same name owned by another account.
const bucketOf = (ctx: PlaybookContext<unknown>) => ({ Bucket: ctx.resource.name, ExpectedBucketOwner: ctx.resource.account });

const bucketPolicy: PolicyStore = {
  describe: (ctx) => `bucket ${ctx.resource.name}`,
  async read(ctx) {
    try {
      return (await ctx.aws.client(S3Client).send(new GetBucketPolicyCommand(bucketOf(ctx)))).Policy ?? null;
    } catch (error) {
      if (error instanceof Error && error.name === 'NoSuchBucketPolicy') return null;
      throw error;
    }
  },
  async write(ctx, policy) {
    const s3 = ctx.aws.client(S3Client);
    if (policy === null) await s3.send(new DeleteBucketPolicyCommand(bucketOf(ctx)));
    else await s3.send(new PutBucketPolicyCommand({ ...bucketOf(ctx), Policy: policy }));
  },
  canRemovePolicy: true,
};

/** The principals of another account (or anyone) in an Allow statement that grants one of the denied actions. */
function otherAccountsWithDeniedActions(ctx: PlaybookContext<unknown>, statement: Statement): PrincipalValue[] {
  if (grantedActions(statement, DENIED_ACTIONS).length === 0) return [];
  if (statement.NotPrincipal !== undefined) return [{ type: 'NotPrincipal', value: 'NotPrincipal' }];
  return principalsOf(statement).filter((principal) => isOtherAccount(principal, ctx.resource.account));
}

/**
 * Takes other AWS accounts out of the bucket policy statements that let them change the bucket's
 * access or encryption: Allow statements granting any of s3:DeleteBucketPolicy, s3:PutBucketAcl,
 * s3:PutBucketPolicy, s3:PutEncryptionConfiguration or s3:PutObjectAcl (directly, through a
 * wildcard such as `s3:*` or `s3:Put*`, or through NotAction) lose their principals of other
 * accounts; the owner's own principals and service principals in them stay, a statement left with
 * no principal goes whole, and every other statement stays as it was. Those principals lose every
 * action of the statement, not only the denied ones (a statement cannot narrow actions per
 * principal): the plan says so, and a person re-grants what they still need in a statement of
 * their own. Disruptive: a partner may use these grants today.
 *
 * - Control: S3.6, https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-6
 *   ("S3 general purpose bucket policies should restrict access to other AWS accounts", severity
 *   high; parameter `blacklistedactionpatterns` fixed to the five actions above).
 * - Config rule: s3-bucket-blacklisted-actions-prohibited, https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-blacklisted-actions-prohibited.html
 *   ("will only check for entities in the Principal property and does not take into account any
 *   conditionals"). `verify` reads the policy the same way: a wildcard principal, a NotPrincipal,
 *   a canonical user, or an AWS principal of another account (or of none: a deleted principal's
 *   unique id) with a denied action fails, whatever the statement's conditions.
 *
 * Rollback writes the previous policy text back exactly (or deletes the policy when Rectify's
 * change removed every statement), only while the bucket still holds the policy Rectify wrote.
 */
export const restrictCrossAccountBucketPolicy = definePlaybook<PolicySnapshot, PolicyChange>({
  id: 's3-restrict-cross-account-bucket-policy',
  title: 'Remove other accounts from bucket policy statements that let them change the bucket policy, ACLs or encryption',
  controls: ['S3.6'],
  resourceType: 'AwsS3Bucket',
  impact: 'disruptive',
  permissions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
  ...policyRemediation(bucketPolicy, {
    control: 'S3.6',
    offence: `allows another account ${DENIED_ACTIONS.join(', ')} (or one of them)`,
    offending: otherAccountsWithDeniedActions,
  }),
});
