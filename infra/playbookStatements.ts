import { Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import { resourcesFor } from '../tasks/playbooks/resourceScopes.js';
import { PASS_ROLE } from './automationRunbooks.js';

/** The stack's partition and account as `Fn::Sub` variables: a pattern costs a third of the bytes an `Fn::Join` of `Ref`s does. */
const SUB_SCOPE = { partition: '${AWS::Partition}', account: '${AWS::AccountId}' };

/**
 * The statements that grant the playbooks' actions (never iam:PassRole, which has its own): each
 * action on the ARN patterns of its resource types in the stack's account
 * (tasks/playbooks/resourceScopes.ts), the actions IAM cannot scope together on `*`. One
 * statement per set of resources, sorted, so the template is stable and small.
 *
 * @example
 * playbookStatements(['s3:PutBucketPolicy', 'ec2:DescribeSubnets']);
 * // [{ Action: 's3:PutBucketPolicy', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' } }, { Action: 'ec2:DescribeSubnets', Resource: '*' }]
 */
export function playbookStatements(actions: readonly string[]): iam.PolicyStatement[] {
  const byResources = new Map<string, { resources: string[]; actions: string[] }>();
  // One token per pattern: statements on equal resources stay equal, and one statement carries all their actions.
  const tokens = new Map<string, string>();
  const tokenOf = (arn: string) => (arn === '*' ? arn : (tokens.get(arn) ?? tokens.set(arn, Fn.sub(arn)).get(arn)!));
  for (const action of [...actions].sort()) {
    const patterns = resourcesFor(action, SUB_SCOPE);
    const key = JSON.stringify(patterns);
    const group = byResources.get(key) ?? { resources: patterns.map(tokenOf), actions: [] };
    group.actions.push(action);
    byResources.set(key, group);
  }
  return [...byResources.values()].map((group) => new iam.PolicyStatement({ actions: group.actions, resources: group.resources }));
}

/**
 * Acknowledge cdk-nag's wildcard-resource finding for each pattern {@link playbookStatements} gives
 * these actions, saying why it is as narrow as IAM allows.
 */
export function acknowledgePlaybookScopes(scope: IConstruct, actions: readonly string[], who: string): void {
  const patterns = [...new Set(actions.flatMap((action) => resourcesFor(action, SUB_SCOPE)))].filter((r) => r.includes('*'));
  for (const resource of patterns) {
    Validations.of(scope).acknowledge({
      // cdk-nag shows an Fn::Sub's pseudo parameters as <AWS::Name>.
      id: `AwsSolutions-IAM5[Resource::${resource.replace(/\$\{(AWS::\w+)\}/g, '<$1>')}]`,
      reason:
        resource === '*'
          ? `${who}: only actions the Service Authorization Reference gives no resource type (Describe* of EC2, account-level ` +
            'settings such as the password policy and the account public access block): IAM requires "*" for them. Every other ' +
            'action is scoped to its resource type in this account (tasks/playbooks/resourceScopes.ts); the actions themselves are exact.'
          : `${who}: playbooks read and fix whichever resource a finding names, so the actions that IAM scopes by resource are ` +
            'granted on their resource type in this account (any region: findings are aggregated from every region), not on ' +
            'resources known at deploy time.',
    });
  }
}

/** Where Rectify's own customer managed policies live (their IAM path), so that a guard can name them all. */
export const RECTIFY_POLICY_PATH = '/rectify/';

/**
 * What a playbook may do to the account's customer managed policies (IAM.1 writes a new default
 * version without the full-admin statements; its rollback restores and deletes): never to Rectify's own.
 */
const POLICY_EDITS = ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'];

/**
 * An explicit deny of {@link POLICY_EDITS} on the policies under {@link RECTIFY_POLICY_PATH}: the
 * playbooks' statements hold those actions on the account's customer managed policies, and a role
 * allowed to write a new version of a policy attached to itself could grant itself anything. An
 * explicit deny wins over any allow, whatever a playbook declares later.
 */
export function ownPoliciesGuard(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'NeverEditRectifysOwnPolicies',
    effect: iam.Effect.DENY,
    actions: POLICY_EDITS,
    resources: [Fn.sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy${RECTIFY_POLICY_PATH}*`)],
  });
}

/**
 * Characters of playbook statements per customer managed policy: a third of IAM's 6,144, so each
 * still fits when the catalog triples (test/infra/templateLimits.test.ts projects exactly that).
 */
const CHARS_PER_POLICY = 2_048;

/**
 * The playbooks' statements for roles that already hold their own (the administrator's task roles
 * under the same-account shortcut), as customer managed policies of at most {@link CHARS_PER_POLICY}
 * characters each: they do not count against the roles' 10,240 characters of inline policy, which
 * the tasks' own statements use. Statements are sized as CloudFormation holds them (`Fn::Sub`
 * patterns are at least as long as the ARNs they become). `extra` statements (iam:PassRole on the
 * automation roles) go last; {@link ownPoliciesGuard} first where the actions edit policies. The policies live under
 * {@link RECTIFY_POLICY_PATH}, which the guard protects.
 */
export function playbookManagedPolicies(scope: Construct, id: string, roles: readonly iam.IRole[], actions: readonly string[], who: string, extra: readonly iam.PolicyStatement[] = []): iam.ManagedPolicy[] {
  const stack = Stack.of(scope);
  const chunks: iam.PolicyStatement[][] = [];
  let size = Number.POSITIVE_INFINITY;
  // The guard wherever the roles may edit customer managed policies (the change roles), so it can never be left out there.
  const guard = actions.some((action) => POLICY_EDITS.includes(action)) ? [ownPoliciesGuard()] : [];
  for (const statement of [...guard, ...playbookStatements(actions), ...extra]) {
    const chars = JSON.stringify(stack.resolve(statement.toStatementJson())).length;
    if (size + chars > CHARS_PER_POLICY) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(statement);
    size += chars;
  }
  return chunks.map((statements, index) => {
    const policy = new iam.ManagedPolicy(scope, `${id}${index + 1}`, {
      roles: [...roles],
      statements,
      path: RECTIFY_POLICY_PATH,
      description: `Rectify: ${who} (${index + 1} of ${chunks.length})`,
    });
    acknowledgePlaybookScopes(policy, statements.filter((s) => s.effect === iam.Effect.ALLOW).flatMap((s) => s.actions).filter((a) => a !== PASS_ROLE), who);
    acknowledgePassRolePrefixes(policy, statements);
    return policy;
  });
}

/** A resolved ARN as cdk-nag names it in a finding id: `Ref`s of pseudo parameters shown as `<AWS::Name>`. */
function nagName(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(nagName).join(join[0]);
  const ref = (resolved as { Ref?: string }).Ref;
  return ref ? `<${ref}>` : JSON.stringify(resolved);
}

/**
 * Acknowledge the one wildcard iam:PassRole may carry: the name prefix of roles Rectify creates
 * per region (`role/rectify-<purpose>-*`, infra/passedRoles.ts), passed only to their service.
 */
function acknowledgePassRolePrefixes(policy: iam.ManagedPolicy, statements: readonly iam.PolicyStatement[]): void {
  const stack = Stack.of(policy);
  for (const statement of statements.filter((s) => s.actions.includes(PASS_ROLE))) {
    for (const resource of statement.resources.map((r) => nagName(stack.resolve(r))).filter((r) => r.endsWith('*'))) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason:
          'iam:PassRole on the roles one playbook creates, one per region (rectify-<purpose>-<region>, tagged rectify:created-by), ' +
          'and only to the service they are for (iam:PassedToService): the region is known only when a finding arrives.',
      });
    }
  }
}
