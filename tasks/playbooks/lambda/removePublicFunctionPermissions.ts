import { AddPermissionCommand, LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { isPublic, isUnscopedS3, readStatements, toAddPermission, type PolicyStatement } from './functionPolicy.js';

type FunctionPolicySnapshot = { statements: PolicyStatement[] };
type RemoveChange = { description: string; sid: string };

function describeStatement(statement: PolicyStatement): string {
  const condition = statement.Condition ? ` if ${JSON.stringify(statement.Condition)}` : '';
  return `"${String(statement.Sid)}" (${String(statement.Action)} for any principal${condition})`;
}

function refuse(ctx: PlaybookContext<unknown>, reasons: string[]): never {
  throw new RemediationFailedError(
    `Cannot remove public access from Lambda function ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reasons.join('; ')}. ` +
      'Rectify changed nothing; fix the function policy by hand or suppress the finding.',
  );
}

/**
 * Removes, with RemovePermission, the statements of a Lambda function's resource-based policy
 * that let anyone invoke it (Lambda.1, https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1;
 * AWS Config rule `lambda-function-public-access-prohibited`,
 * https://docs.aws.amazon.com/config/latest/developerguide/lambda-function-public-access-prohibited.html).
 * The rule reads the function policy: a statement is public when its principal is empty or
 * contains a wildcard (`*`, `{"AWS":"*"}`, `arn:aws:iam::*:root`) and no condition narrows it to
 * fixed values; and Amazon S3 as principal without an AWS:SourceAccount condition fails too.
 * `verify` reads the same ({@link isPublic}, {@link isUnscopedS3}). Which condition keys narrow a
 * wildcard is not documented: aws:SourceAccount, aws:SourceArn, aws:SourceOwner,
 * aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn and aws:SourceOrgID with fixed
 * values count (./functionPolicy.ts). Public function URLs (`lambda:InvokeFunctionUrl` with auth
 * type NONE) are among the public statements. Every other statement stays: accounts, services,
 * and `*` limited to an account, organisation or source. Only the unqualified function's policy
 * is read; versions' and aliases' own policies are out of scope. Refuses, changing nothing, a
 * public statement AddPermission could not write back, and S3 permissions without AWS:SourceAccount.
 *
 * Disruptive: whoever invokes the function through a public statement today (a partner, a
 * webhook, a browser calling its URL) loses access, and the policy does not say who that is.
 */
export const removePublicFunctionPermissions = definePlaybook<FunctionPolicySnapshot, RemoveChange>({
  id: 'lambda-remove-public-function-permissions',
  title: 'Remove the statements of a Lambda function policy that grant public access',
  controls: ['Lambda.1', 'pci-dss/v/3.2.1/PCI.Lambda.1'],
  resourceType: 'AwsLambdaFunction',
  impact: 'disruptive',
  permissions: [
    'lambda:GetPolicy',
    // Tells a function without a policy from one that does not exist (GetPolicy fails alike for both).
    'lambda:GetFunctionConfiguration',
    'lambda:RemovePermission',
    'lambda:AddPermission',
  ],

  snapshot: async (ctx) => ({ statements: await readStatements(ctx) }),

  plan(ctx, current) {
    const unscopedS3 = current.statements.filter(isUnscopedS3).map(
      (s) => `statement "${String(s.Sid)}" lets Amazon S3 invoke the function without an AWS:SourceAccount condition; add the bucket owner's account to it`,
    );
    const publicStatements = current.statements.filter(isPublic);
    const unrecreatable = publicStatements.flatMap((s) => {
      const input = toAddPermission(s, ctx.resource.id);
      return typeof input === 'string' ? [`public statement ${describeStatement(s)} could not be restored on rollback: ${input}`] : [];
    });
    if (unscopedS3.length || unrecreatable.length) refuse(ctx, [...unrecreatable, ...unscopedS3]);
    const changes = publicStatements.map((s) => ({
      sid: String(s.Sid),
      description:
        `Remove statement ${describeStatement(s)} from the policy of Lambda function ${ctx.resource.name}: ` +
        'callers outside the account lose access through it',
    }));
    if (changes.length === 0) return { summary: `Lambda function ${ctx.resource.name} grants no public access`, changes };
    const kept = current.statements.length - changes.length;
    const impact = {
      level: 'disruptive',
      why:
        `anyone invoking the function through ${changes.map((c) => `"${c.sid}"`).join(', ')} today ` +
        `(${[...new Set(publicStatements.map((s) => String(s.Action)))].join(', ')}) loses access, and the policy does not show who does`,
    } as const;
    return {
      summary:
        `Remove ${changes.length} public statement(s) from Lambda function ${ctx.resource.name}; ${kept} other statement(s) stay ` +
        `(${impact.level}: ${impact.why})`,
      changes,
      impact,
    };
  },

  async apply(ctx, plan) {
    // Re-read: a statement already gone (or no longer public) is skipped, so applying twice is a no-op.
    const stillPublic = new Set((await readStatements(ctx)).filter(isPublic).map((s) => s.Sid));
    const lambda = ctx.aws.client(LambdaClient);
    for (const { sid } of plan.changes) {
      if (stillPublic.has(sid)) await lambda.send(new RemovePermissionCommand({ FunctionName: ctx.resource.name, StatementId: sid }));
    }
  },

  async verify(ctx) {
    const statements = await readStatements(ctx);
    const offending = [...statements.filter(isPublic), ...statements.filter(isUnscopedS3)];
    const sids = offending.map((s) => `"${String(s.Sid)}"`).join(', ');
    return offending.length === 0
      ? { compliant: true, detail: `Lambda function ${ctx.resource.name} grants no public access` }
      : { compliant: false, detail: `Lambda function ${ctx.resource.name} still has public statement(s) ${sids}` };
  },

  async rollback(ctx, snapshot) {
    // Only public statements are ever removed, so only they are written back.
    const present = new Set((await readStatements(ctx)).map((s) => s.Sid));
    const lambda = ctx.aws.client(LambdaClient);
    for (const statement of snapshot.statements.filter((s) => isPublic(s) && !present.has(s.Sid))) {
      const input = toAddPermission(statement, ctx.resource.id);
      if (typeof input === 'string') throw new Error(`statement "${String(statement.Sid)}" cannot be written back: ${input}`);
      await lambda.send(new AddPermissionCommand(input));
    }
  },
});
