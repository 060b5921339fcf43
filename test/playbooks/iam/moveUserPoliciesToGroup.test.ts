import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetGroupCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { moveUserPoliciesToGroup as playbook } from '../../../tasks/playbooks/iam/moveUserPoliciesToGroup.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const doc = (Action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });

describe('moveUserPoliciesToGroup (IAM.2) against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);
  const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

  async function policy(action: string): Promise<string> {
    return (await iam().send(new CreatePolicyCommand({ PolicyName: unique('p'), PolicyDocument: doc(action) }))).Policy!.Arn!;
  }
  async function userWith(policies: string[]): Promise<{ name: string; arn: string }> {
    const name = unique('alice');
    const { User } = await iam().send(new CreateUserCommand({ UserName: name }));
    for (const PolicyArn of policies) await iam().send(new AttachUserPolicyCommand({ UserName: name, PolicyArn }));
    return { name, arn: User!.Arn! };
  }
  const attachedTo = async (UserName: string) =>
    ((await iam().send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies ?? []).map((p) => p.PolicyArn!).sort();
  const groupsOf = async (UserName: string) => ((await iam().send(new ListGroupsForUserCommand({ UserName }))).Groups ?? []).map((g) => g.GroupName!).sort();
  /** The managed policies that apply to the user, directly or through its groups: what must not change. */
  async function effectivePolicies(UserName: string): Promise<string[]> {
    const viaGroups = await Promise.all(
      (await groupsOf(UserName)).map(async (GroupName) => ((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName }))).AttachedPolicies ?? []).map((p) => p.PolicyArn!)),
    );
    return [...new Set([...(await attachedTo(UserName)), ...viaGroups.flat()])].sort();
  }
  const contextFor = (arn: string) => createPlaybookContext(playbook, requestFor({ resourceType: 'AwsIamUser', resourceId: arn, controlId: 'IAM.2' }), aws.clients());

  it("creates Rectify's group with the user's policies, moves the user into it, and its effective permissions stay the same", async () => {
    // Prepare
    const [read, write] = [await policy('s3:GetObject'), await policy('s3:PutObject')];
    const alice = await userWith([read, write]);
    const bob = await userWith([read]);
    const effectiveBefore = await effectivePolicies(alice.name);
    const ctx = contextFor(alice.arn);
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `IAM user ${alice.name} still has ${[read, write].sort().join(', ')} attached directly` });
    expect(plan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(new RegExp(`^Create AWS::IAM::Group rectify-${alice.name} \\(marked as Rectify's by its path /rectify/iam-move-user-policies-to-group/, as IAM groups take no tags, no encryption: an IAM group holds no data; rollback removes it\\); cost < \\$1/month`)),
      `Attach ${[read, write].sort().join(', ')} to group rectify-${alice.name}`,
      `Add IAM user ${alice.name} to group rectify-${alice.name}, which grants exactly ${[read, write].sort().join(', ')}`,
      `Detach ${[read, write].sort().join(', ')} from IAM user ${alice.name}: it keeps them through group rectify-${alice.name}`,
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `IAM user ${alice.name} has no managed or inline policy of its own` });
    expect(await effectivePolicies(alice.name)).toEqual(effectiveBefore);
    expect(await groupsOf(alice.name)).toEqual([`rectify-${alice.name}`]);
    const { Group } = await iam().send(new GetGroupCommand({ GroupName: `rectify-${alice.name}` }));
    expect(Group!.Path).toBe('/rectify/iam-move-user-policies-to-group/');
    expect(await attachedTo(bob.name)).toEqual([read]);
  });

  it('joins an existing group that grants exactly the same policies instead of creating one', async () => {
    // Prepare
    const read = await policy('s3:GetObject');
    const alice = await userWith([read]);
    const readers = unique('readers');
    await iam().send(new CreateGroupCommand({ GroupName: readers }));
    await iam().send(new AttachGroupPolicyCommand({ GroupName: readers, PolicyArn: read }));
    const ctx = contextFor(alice.arn);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => (change as unknown as { step: string }).step)).toEqual(['add-to-group', 'detach-from-user']);
    expect(await groupsOf(alice.name)).toEqual([readers]);
    expect(await effectivePolicies(alice.name)).toEqual([read]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it("rolls back to the snapshot: policies re-attached, out of the group, Rectify's group deleted", async () => {
    // Prepare
    const read = await policy('s3:GetObject');
    const alice = await userWith([read]);
    const ctx = contextFor(alice.arn);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await attachedTo(alice.name)).toEqual([read]);
    await expect(iam().send(new GetGroupCommand({ GroupName: `rectify-${alice.name}` }))).rejects.toThrow(/cannot be found|not found/);
  });

  it('changes nothing when applied a second time, and then plans nothing', async () => {
    // Prepare
    const alice = await userWith([await policy('s3:GetObject')]);
    const ctx = contextFor(alice.arn);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, afterFirst)).changes).toEqual([]);
  });

  it('escalates a user with an inline policy, changing nothing', async () => {
    // Prepare
    const read = await policy('s3:GetObject');
    const alice = await userWith([read]);
    await iam().send(new PutUserPolicyCommand({ UserName: alice.name, PolicyName: 'adhoc', PolicyDocument: doc('sqs:SendMessage') }));
    const ctx = contextFor(alice.arn);
    // Act
    const before = await playbook.verify(ctx);
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(before).toMatchObject({ compliant: false });
    await expect(planning).rejects.toThrow(`IAM user ${alice.name} has inline policies (adhoc), which Rectify does not rewrite`);
    expect(await attachedTo(alice.name)).toEqual([read]);
  });

  it('declares the id its group path is made of', () => {
    // Assess
    expect(playbook.id).toBe('iam-move-user-policies-to-group');
  });

  it('plans nothing for a user without policies of its own, and fails the snapshot of a missing user', async () => {
    // Prepare
    const alice = await userWith([]);
    const ghost = contextFor(`arn:aws:iam::123456789012:user/${unique('ghost')}`);
    // Act
    const plan = await playbook.plan(contextFor(alice.arn), await playbook.snapshot(contextFor(alice.arn)));
    // Assess
    expect(plan.changes).toEqual([]);
    await expect(playbook.snapshot(ghost)).rejects.toThrow(/cannot be found|not found/);
  });
});
