/**
 * Verbs of IAM actions that only read. An action is a read when the part after the service
 * prefix starts with one of them followed by an upper-case letter (`s3:GetBucketPolicy`,
 * `ec2:DescribeSecurityGroups`, `lambda:ListTags`), and it is not one of {@link NOT_READS}.
 * `Check*` is left out on purpose: `license-manager:CheckInLicense` and `CheckoutLicense` change state.
 */
export const READ_VERBS = ['BatchGet', 'Describe', 'Get', 'Head', 'List', 'Lookup', 'Search'] as const;

/**
 * Actions named like reads that mint credentials or tokens, or create something on first call:
 * never in the read role, even if a playbook declares them.
 */
export const NOT_READS: ReadonlySet<string> = new Set([
  'codeartifact:GetAuthorizationToken',
  'cognito-identity:GetCredentialsForIdentity',
  'cognito-identity:GetId',
  'cognito-identity:GetOpenIdToken',
  'ecr:GetAuthorizationToken',
  'redshift:GetClusterCredentials',
  'redshift:GetClusterCredentialsWithIAM',
  'redshift-serverless:GetCredentials',
  'sso:GetRoleCredentials',
  'sts:GetFederationToken',
  'sts:GetSessionToken',
]);

/**
 * Reads whose IAM action does not follow the verb convention: API Gateway authorizes its REST
 * management API by HTTP method on resource paths, and `apigateway:GET` only reads; IAM's policy
 * simulation evaluates policies and changes nothing (a plan checks a role with it).
 */
export const READS_BY_NAME: ReadonlySet<string> = new Set(['apigateway:GET', 'iam:SimulatePrincipalPolicy']);

const READ = new RegExp(`^[a-z0-9-]+:(${READ_VERBS.join('|')})[A-Z]`);

/**
 * Whether an IAM action only reads, and so may be granted to the member read role. Anything
 * else — every other verb, a wildcard, an oddly cased name — counts as a change: the rule fails
 * towards the change role, never towards the read role.
 *
 * @example
 * isReadAction('s3:GetBucketPolicy'); // true
 * isReadAction('s3:PutBucketPolicy'); // false
 * isReadAction('sts:GetSessionToken'); // false: mints credentials
 */
export function isReadAction(action: string): boolean {
  return (READ.test(action) || READS_BY_NAME.has(action)) && !NOT_READS.has(action);
}
