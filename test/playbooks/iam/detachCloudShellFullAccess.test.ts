import {
  AttachUserPolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { detachCloudShellFullAccess as playbook } from '../../../tasks/playbooks/iam/detachCloudShellFullAccess.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const CLOUDSHELL = 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const USER_ARN = (name: string) => `arn:aws:iam::123456789012:user/${name}`;

/**
 * IAM users with their attached managed policies, kept in memory and answered as IAM documents the
 * calls (moto holds no AWS managed policy such as AWSCloudShellFullAccess: see the playbook's
 * `notEmulated`). Detaching a policy not attached answers NoSuchEntity, as IAM does.
 */
function fakeIam(users: Record<string, string[]>) {
  const attached = new Map(Object.entries(users).map(([name, arns]) => [name, new Set(arns)]));
  const iam = new IAMClient({ region: 'us-east-1' });
  const stub = mockClient(iam);
  const userOf = (UserName: string) => {
    const policies = attached.get(UserName);
    if (!policies) throw new NoSuchEntityException({ message: `The user with name ${UserName} cannot be found.`, $metadata: {} });
    return policies;
  };
  stub.on(ListAttachedUserPoliciesCommand).callsFake(({ UserName }) => ({
    AttachedPolicies: [...userOf(UserName)].map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
    IsTruncated: false,
  }));
  stub.on(AttachUserPolicyCommand).callsFake(({ UserName, PolicyArn }) => (userOf(UserName).add(PolicyArn), {}));
  stub.on(DetachUserPolicyCommand).callsFake(({ UserName, PolicyArn }) => {
    if (!userOf(UserName).delete(PolicyArn)) throw new NoSuchEntityException({ message: `Policy ${PolicyArn} was not found.`, $metadata: {} });
    return {};
  });
  stub.on(ListUserTagsCommand).callsFake(({ UserName }) => (userOf(UserName), { Tags: [{ Key: 'team', Value: 'ops' }], IsTruncated: false }));
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsIamUser', resourceId: USER_ARN(name), controlId: 'IAM.27' }), stubbedClients([iam]));
  const policiesOf = (name: string) => [...userOf(name)].sort();
  return { stub, contextFor, policiesOf };
}

describe('detachCloudShellFullAccess (IAM.27) with IAM stubbed on its documented inputs and outputs', () => {
  let stubs: ReturnType<typeof fakeIam>['stub'][] = [];
  afterEach(() => {
    for (const stub of stubs) stub.restore();
    stubs = [];
  });
  function setUp(users: Record<string, string[]>) {
    const fake = fakeIam(users);
    stubs.push(fake.stub);
    return fake;
  }

  it('detaches AWSCloudShellFullAccess and keeps the other policies and other users alone', async () => {
    // Prepare
    const iam = setUp({ alice: [CLOUDSHELL, READ_ONLY], bob: [CLOUDSHELL] });
    const ctx = iam.contextFor('alice');
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `IAM user alice still has ${CLOUDSHELL} attached` });
    expect(plan.changes).toEqual([expect.objectContaining({ policyArn: CLOUDSHELL })]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: 'IAM user alice does not have AWSCloudShellFullAccess attached' });
    expect(iam.policiesOf('alice')).toEqual([READ_ONLY]);
    expect(iam.policiesOf('bob')).toEqual([CLOUDSHELL]);
  });

  it('fails verify on the policy in another partition, as the Config rule lists all three', async () => {
    // Prepare
    const govCloud = 'arn:aws-us-gov:iam::aws:policy/AWSCloudShellFullAccess';
    const ctx = setUp({ alice: [govCloud] }).contextFor('alice');
    // Act
    const result = await playbook.verify(ctx);
    // Assess
    expect(result).toEqual({ compliant: false, detail: `IAM user alice still has ${govCloud} attached` });
  });

  it('rolls back by re-attaching exactly what it detached', async () => {
    // Prepare
    const iam = setUp({ alice: [CLOUDSHELL, READ_ONLY] });
    const ctx = iam.contextFor('alice');
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(iam.policiesOf('alice')).toEqual([CLOUDSHELL, READ_ONLY]);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const iam = setUp({ alice: [CLOUDSHELL, READ_ONLY] });
    const ctx = iam.contextFor('alice');
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(iam.policiesOf('alice')).toEqual([READ_ONLY]);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a user without the policy', async () => {
    // Prepare
    const ctx = setUp({ alice: [READ_ONLY] }).contextFor('alice');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fails the snapshot of a user that does not exist', async () => {
    // Prepare
    const ctx = setUp({}).contextFor('ghost');
    // Act / Assess
    await expect(playbook.snapshot(ctx)).rejects.toThrow(NoSuchEntityException);
  });

  it('sends only commands its declared permissions allow, and needs every one of them', async () => {
    // Prepare
    const iam = setUp({ alice: [CLOUDSHELL] });
    const ctx = iam.contextFor('alice');
    // Act
    await playbook.readTags!(ctx);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    await playbook.rollback(ctx, before);
    // Assess
    expect(actionsSentTo({ IAM: iam.stub })).toEqual(new Set(playbook.permissions));
  });
});
