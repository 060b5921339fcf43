import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListEntitiesForPolicyCommand,
  NoSuchEntityException,
  type CreateRoleCommandInput,
  type Tag,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { createSupportRole as playbook, SUPPORT_ROLE_NAME } from '../../../tasks/playbooks/iam/createSupportRole.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const SUPPORT_ACCESS = 'arn:aws:iam::aws:policy/AWSSupportAccess';
const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };

/**
 * IAM as the playbook sees it, kept in memory and answered as IAM documents it (moto lacks AWS
 * managed policies: see the playbook's `notEmulated`). Roles carry tags and attached policies;
 * `users` are users that hold AWSSupportAccess.
 */
function fakeIam() {
  const roles = new Map<string, { tags: Tag[]; policies: Set<string>; trust: string; id: string }>();
  const users: string[] = [];
  const iam = new IAMClient({ region: 'us-east-1' });
  const stub = mockClient(iam);
  const missing = (what: string) => new NoSuchEntityException({ message: `${what} cannot be found.`, $metadata: {} });
  stub.on(ListEntitiesForPolicyCommand).callsFake(({ PolicyArn }) => ({
    PolicyRoles: [...roles].filter(([, r]) => r.policies.has(PolicyArn)).map(([RoleName]) => ({ RoleName })),
    PolicyUsers: PolicyArn === SUPPORT_ACCESS ? users.map((UserName) => ({ UserName })) : [],
    PolicyGroups: [],
    IsTruncated: false,
  }));
  stub.on(GetRoleCommand).callsFake(({ RoleName }) => {
    const role = roles.get(RoleName);
    if (!role) throw missing(`The role with name ${RoleName}`);
    return { Role: { RoleName, RoleId: role.id, Arn: `arn:aws:iam::${ACCOUNT}:role/${RoleName}`, Path: '/', CreateDate: new Date(), AssumeRolePolicyDocument: encodeURIComponent(role.trust), Tags: role.tags } };
  });
  stub.on(CreateRoleCommand).callsFake(({ RoleName, AssumeRolePolicyDocument, Tags }: CreateRoleCommandInput) => {
    if (roles.has(RoleName!)) throw new Error(`EntityAlreadyExists: ${RoleName}`);
    roles.set(RoleName!, { tags: Tags ?? [], policies: new Set(), trust: AssumeRolePolicyDocument!, id: `AROA${roles.size}` });
    return { Role: { RoleName, Arn: `arn:aws:iam::${ACCOUNT}:role/${RoleName}` } };
  });
  stub.on(AttachRolePolicyCommand).callsFake(({ RoleName, PolicyArn }) => {
    const role = roles.get(RoleName);
    if (!role) throw missing(`The role with name ${RoleName}`);
    role.policies.add(PolicyArn);
    return {};
  });
  stub.on(DetachRolePolicyCommand).callsFake(({ RoleName, PolicyArn }) => {
    const role = roles.get(RoleName);
    if (!role?.policies.delete(PolicyArn)) throw missing(`Policy ${PolicyArn}`);
    return {};
  });
  stub.on(DeleteRoleCommand).callsFake(({ RoleName }) => {
    const role = roles.get(RoleName);
    if (!role) throw missing(`The role with name ${RoleName}`);
    if (role.policies.size > 0) throw new Error('DeleteConflict: detach the policies first');
    roles.delete(RoleName);
    return {};
  });
  const clients: AwsClients = { account: ACCOUNT, region: 'us-east-1', client: <C>() => iam as unknown as C };
  return { roles, users, stub, clients };
}

describe('createSupportRole (IAM.18) with IAM stubbed on its documented inputs and outputs', () => {
  let stubs: ReturnType<typeof fakeIam>['stub'][] = [];
  afterEach(() => {
    for (const stub of stubs) stub.restore();
    stubs = [];
  });
  function setUp() {
    const fake = fakeIam();
    stubs.push(fake.stub);
    const contextFor = (controlId = 'IAM.18') =>
      createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${ACCOUNT}`, controlId }), fake.clients, undefined, controlId);
    return { ...fake, contextFor };
  }

  it.each(['IAM.18', 'cis-aws-foundations-benchmark/v/1.2.0/1.20', 'cis-aws-foundations-benchmark/v/1.4.0/1.17', 'cis-aws-foundations-benchmark/v/3.0.0/1.17', 'cis-aws-foundations-benchmark/v/5.0.0/1.16'])(
    'a %s finding creates the tagged support role trusted by the account and attaches AWSSupportAccess, and nothing else',
    async (controlId) => {
      // Prepare
      const { roles, stub, contextFor } = setUp();
      roles.set('app', { tags: [], policies: new Set(['arn:aws:iam::aws:policy/ReadOnlyAccess']), trust: '{}', id: 'AROAAPP' });
      const ctx = contextFor(controlId);
      // Act
      const snapshot = await playbook.snapshot(ctx);
      const plan = await playbook.plan(ctx, snapshot);
      await playbook.apply(ctx, plan);
      // Assess
      expect(snapshot).toEqual({ holders: [], supportRole: 'absent' });
      expect(plan.changes.map((c) => c.description)).toEqual([
        `Create the IAM role ${SUPPORT_ROLE_NAME}, trusted by account ${ACCOUNT}, tagged rectify:created-by`,
        `Attach the AWS managed policy AWSSupportAccess to ${SUPPORT_ROLE_NAME}`,
      ]);
      expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('sts:AssumeRole') });
      expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `AWSSupportAccess is attached to Role:${SUPPORT_ROLE_NAME} (IAM.18)` });
      const role = roles.get(SUPPORT_ROLE_NAME)!;
      expect(role.tags).toEqual([{ Key: 'rectify:created-by', Value: 'iam-create-support-role' }]);
      expect(JSON.parse(role.trust)).toEqual(TRUST);
      expect([...role.policies]).toEqual([SUPPORT_ACCESS]);
      expect([...roles.get('app')!.policies]).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
      expect(stub.commandCalls(CreateRoleCommand)[0]!.args[0].input).toMatchObject({ RoleName: SUPPORT_ROLE_NAME, Tags: [{ Key: 'rectify:created-by', Value: 'iam-create-support-role' }] });
    },
  );

  it('verify answers non-compliant when nothing holds AWSSupportAccess, and compliant when a user does; then nothing is planned', async () => {
    // Prepare
    const { users, roles, contextFor } = setUp();
    const ctx = contextFor();
    // Act
    const before = await playbook.verify(ctx);
    users.push('support-desk');
    const withUser = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Nothing in account ${ACCOUNT} holds AWSSupportAccess (IAM.18)` });
    expect(withUser).toEqual({ compliant: true, detail: 'AWSSupportAccess is attached to User:support-desk (IAM.18)' });
    expect(plan.changes).toEqual([]);
    expect(roles.size).toBe(0);
  });

  it('rolls back by detaching the policy and deleting the role it created, twice without harm', async () => {
    // Prepare
    const { roles, contextFor } = setUp();
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(roles.has(SUPPORT_ROLE_NAME)).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const { stub, contextFor } = setUp();
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(stub.commandCalls(CreateRoleCommand)).toHaveLength(1);
    expect(stub.commandCalls(AttachRolePolicyCommand)).toHaveLength(1);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('reuses its own role from an earlier run, and its rollback only detaches the policy again', async () => {
    // Prepare: an earlier run's role, its policy detached since
    const { roles, contextFor } = setUp();
    roles.set(SUPPORT_ROLE_NAME, { tags: [{ Key: 'rectify:created-by', Value: 'iam-create-support-role' }], policies: new Set(), trust: JSON.stringify(TRUST), id: 'AROAOLD' });
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const fixed = await playbook.verify(ctx);
    await playbook.rollback(ctx, before);
    // Assess
    expect(before).toEqual({ holders: [], supportRole: 'rectify' });
    expect(plan.changes.map((c) => c.description)).toEqual([`Attach the AWS managed policy AWSSupportAccess to ${SUPPORT_ROLE_NAME}`]);
    expect(fixed.compliant).toBe(true);
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(roles.get(SUPPORT_ROLE_NAME)?.id).toBe('AROAOLD');
  });

  it('refuses a role of that name it did not create, changes nothing, and its rollback leaves that role alone', async () => {
    // Prepare
    const { roles, stub, contextFor } = setUp();
    roles.set(SUPPORT_ROLE_NAME, { tags: [], policies: new Set(), trust: '{}', id: 'AROATHEIRS' });
    const ctx = contextFor();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const planning = (async () => playbook.plan(ctx, snapshot))();
    await playbook.rollback(ctx, { holders: [], supportRole: 'absent' });
    // Assess
    await expect(planning).rejects.toThrow(/already has a role named rectify-aws-support that Rectify did not create/);
    expect(stub.commandCalls(AttachRolePolicyCommand)).toHaveLength(0);
    expect(stub.commandCalls(DeleteRoleCommand)).toHaveLength(0);
    expect(roles.get(SUPPORT_ROLE_NAME)?.id).toBe('AROATHEIRS');
  });

  it('needs exactly the actions it declares (the permission proof for a playbook moto cannot run)', async () => {
    // Prepare
    const { stub, contextFor } = setUp();
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    await playbook.verify(ctx);
    await playbook.rollback(ctx, before);
    // Assess
    expect(actionsSentTo({ IAM: stub })).toEqual(new Set(playbook.permissions));
  });
});
