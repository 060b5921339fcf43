import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  LambdaClient,
  type AddPermissionCommandInput,
} from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { removePublicFunctionPermissions as playbook } from '../../../tasks/playbooks/lambda/removePublicFunctionPermissions.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const functionArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
/** An empty zip archive: moto stores the code and never runs it (nothing here invokes the function). */
const EMPTY_ZIP = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64');

type Permission = Omit<AddPermissionCommandInput, 'FunctionName'>;
const invoke = { Action: 'lambda:InvokeFunction' };
const PUBLIC: Permission = { StatementId: 'anyone', ...invoke, Principal: '*' };
const PUBLIC_URL: Permission = { StatementId: 'public-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' };
/** Statements that are not public and must survive. */
const KEPT: Permission[] = [
  { StatementId: 'partner-account', ...invoke, Principal: '222222222222' },
  { StatementId: 'uploads-bucket', ...invoke, Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads', SourceAccount: '123456789012' },
  { StatementId: 'our-organisation', ...invoke, Principal: '*', PrincipalOrgID: 'o-abc123def4' },
  { StatementId: 'our-account-sources', ...invoke, Principal: '*', SourceAccount: '123456789012' },
];

describe('removePublicFunctionPermissions (Lambda.1) against moto', () => {
  const aws = useMoto();
  const lambda = () => aws.clients().client(LambdaClient);
  let roleArn = '';

  beforeAll(async () => {
    // moto checks that the execution role exists; it starts no container unless a function is invoked.
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    const { Role } = await aws.clients().client(IAMClient).send(new CreateRoleCommand({ RoleName: 'orders-fn', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    roleArn = Role!.Arn!;
  });

  async function fn(permissions: Permission[]): Promise<string> {
    const FunctionName = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await lambda().send(new CreateFunctionCommand({ FunctionName, Runtime: 'nodejs22.x', Role: roleArn, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP } }));
    for (const permission of permissions) await lambda().send(new AddPermissionCommand({ FunctionName, ...permission }));
    return FunctionName;
  }

  function contextFor(name: string) {
    const request = requestFor({ resourceType: 'AwsLambdaFunction', resourceId: functionArn(name), controlId: 'Lambda.1' });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  /** The raw policy statements by Sid, as Lambda returns them; none when the function has no policy. */
  async function statementsOf(FunctionName: string): Promise<Record<string, unknown>> {
    try {
      const { Policy } = await lambda().send(new GetPolicyCommand({ FunctionName }));
      const statements = (JSON.parse(Policy!) as { Statement: { Sid: string }[] }).Statement;
      return Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return {};
      throw error;
    }
  }
  const sids = (permissions: Permission[]) => permissions.map((p) => p.StatementId!).sort();

  it('removes the public statements, including a public function URL, and keeps every other statement', async () => {
    // Prepare
    const name = await fn([PUBLIC, PUBLIC_URL, ...KEPT]);
    const ctx = contextFor(name);
    const before = await statementsOf(name);
    const configuration = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.summary).toBe(
      `Remove 2 public statement(s) from Lambda function ${name}; 4 other statement(s) stay (disruptive: anyone invoking the function ` +
        'through "anyone", "public-url" today (lambda:InvokeFunction, lambda:InvokeFunctionUrl) loses access, and the policy does not show who does)',
    );
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Remove statement "anyone" (lambda:InvokeFunction for any principal) from the policy of Lambda function ${name}: ` +
        'callers outside the account lose access through it',
      `Remove statement "public-url" (lambda:InvokeFunctionUrl for any principal if {"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}) ` +
        `from the policy of Lambda function ${name}: callers outside the account lose access through it`,
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    const after = await statementsOf(name);
    expect(Object.keys(after).sort()).toEqual(sids(KEPT));
    for (const sid of sids(KEPT)) expect(after[sid]).toEqual(before[sid]);
    const { $metadata: _a, ...configurationAfter } = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const { $metadata: _b, ...configurationBefore } = configuration;
    expect(configurationAfter).toEqual(configurationBefore);
  });

  it('rolls back by writing the removed statements back with AddPermission', async () => {
    // Prepare
    const name = await fn([PUBLIC, PUBLIC_URL, ...KEPT]);
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    const rawBefore = await statementsOf(name);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
    expect(await statementsOf(name)).toEqual(rawBefore);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify answers non-compliant while a public statement is in the policy, and again after one is added back', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const name = await fn([PUBLIC, ...KEPT]);
    const ctx = contextFor(name);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await lambda().send(new AddPermissionCommand({ FunctionName: name, ...PUBLIC_URL }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Lambda function ${name} still has public statement(s) "anyone"` });
    expect(fixed).toEqual({ compliant: true, detail: `Lambda function ${name} grants no public access` });
    expect(putBack).toEqual({ compliant: false, detail: `Lambda function ${name} still has public statement(s) "public-url"` });
  });

  it('verify fails a function Amazon S3 may invoke without an AWS:SourceAccount condition, though no principal is "*"', async () => {
    // Prepare
    const name = await fn([{ StatementId: 'any-uploads-bucket', ...invoke, Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads' }]);
    // Act
    const result = await playbook.verify(contextFor(name));
    // Assess
    expect(result).toEqual({ compliant: false, detail: `Lambda function ${name} still has public statement(s) "any-uploads-bucket"` });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await fn([PUBLIC, ...KEPT]);
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await statementsOf(name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await statementsOf(name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it.each([
    ['restricted statements only', KEPT],
    ['no policy at all', []],
  ])('plans nothing for a function with %s', async (_kind, permissions) => {
    // Prepare
    const name = await fn(permissions);
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan).toEqual({ summary: `Lambda function ${name} grants no public access`, changes: [] });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(Object.keys(await statementsOf(name)).sort()).toEqual(sids(permissions));
  });

  it('restores a policy whose only statement was public, after removing it left the function with no policy', async () => {
    // Prepare
    const name = await fn([PUBLIC]);
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    const emptied = await statementsOf(name);
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(emptied).toEqual({});
    expect(Object.keys(await statementsOf(name))).toEqual(['anyone']);
  });

  it('refuses, changing nothing, when S3 may invoke the function without an AWS:SourceAccount condition', async () => {
    // Prepare
    const unscoped: Permission = { StatementId: 'any-uploads-bucket', ...invoke, Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads' };
    const name = await fn([PUBLIC, unscoped]);
    const ctx = contextFor(name);
    const before = await statementsOf(name);
    // Act
    const planning = Promise.resolve().then(async () => playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    await expect(planning).rejects.toThrow(`Cannot remove public access from Lambda function ${functionArn(name)}`);
    await expect(planning).rejects.toThrow(/statement "any-uploads-bucket" lets Amazon S3 invoke the function without an AWS:SourceAccount condition/);
    expect(await statementsOf(name)).toEqual(before);
  });

  it('refuses a public statement that AddPermission could not write back', async () => {
    // Prepare: a condition AddPermission has no parameter for; Lambda policies are written only through AddPermission,
    // so this reaches the playbook only from an unusual source, and is fed to plan as a snapshot.
    const name = await fn([]);
    const ctx = contextFor(name);
    const statement = { Sid: 'office', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: functionArn(name), Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };
    // Act
    const planning = Promise.resolve().then(() => playbook.plan(ctx, { statements: [statement] }));
    // Assess
    await expect(planning).rejects.toThrow(/public statement "office" .* could not be restored on rollback: AddPermission cannot write its condition IpAddress aws:SourceIp/);
  });

  it('a function that does not exist fails the snapshot with RemediationFailed, not as one with no policy', async () => {
    // Prepare: GetPolicy answers ResourceNotFoundException both for a missing function and for one without a policy.
    const name = await fn([PUBLIC]);
    await lambda().send(new DeleteFunctionCommand({ FunctionName: name }));
    const ctx = contextFor(name);
    // Act + Assess
    const gone = { name: 'RemediationFailed', message: expect.stringContaining(`Lambda function ${functionArn(name)} does not exist`) };
    await expect(playbook.snapshot(ctx)).rejects.toMatchObject(gone);
    await expect(playbook.verify(ctx)).rejects.toMatchObject(gone);
  });
});
