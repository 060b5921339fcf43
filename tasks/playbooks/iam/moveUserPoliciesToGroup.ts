import { Impact } from '../../domain/constants.js';
import { RemediationFailedError } from '../../domain/errors.js';
import { CREATED_BY_TAG, creationChange, type CreatedResource } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { readUserTags, userNameOf } from './accessKeys.js';
import { attachedPolicyArns, attachPolicy, detachPolicy, IdentityKind } from './attachedPolicies.js';
import {
  addUserToGroup,
  createdGroupPath,
  createGroup,
  deleteGroup,
  groupGrantingExactly,
  groupNameFor,
  groupsOfUser,
  readGroup,
  removeUserFromGroup,
  userInlinePolicies,
} from './userGroups.js';

const PLAYBOOK_ID = 'iam-move-user-policies-to-group';
const GROUP: CreatedResource = { type: 'AWS::IAM::Group', monthlyCost: '< $1', costBasis: 'IAM groups are free' };
/** IAM's limit on the groups one user may belong to. */
const MAX_GROUPS_PER_USER = 10;

/** Everything apply changes: the user's policies and groups, and whether Rectify's group existed. */
type MoveSnapshot = { userName: string; attached: string[]; inline: string[]; groups: string[]; rectifyGroupExisted: boolean };
type MoveChange =
  | { description: string; step: 'create-group'; group: string }
  | { description: string; step: 'attach-to-group'; group: string; policyArns: string[] }
  | { description: string; step: 'add-to-group'; group: string }
  | { description: string; step: 'detach-from-user'; group: string; policyArns: string[] };

/**
 * The creation of Rectify's group, described as `creationChange` describes every creation, except
 * that IAM groups take no tags: the group is marked as Rectify's by its path instead.
 */
function groupCreation(group: string) {
  const change = creationChange(GROUP, group, 'no encryption: an IAM group holds no data');
  return { ...change, description: change.description.replace(`tagged ${CREATED_BY_TAG}`, `marked as Rectify's by its path ${createdGroupPath(PLAYBOOK_ID)}, as IAM groups take no tags`) };
}

const refuse = (ctx: PlaybookContext<unknown>, why: string) =>
  new RemediationFailedError(`Finding ${ctx.request.findingId}: ${why}. Rectify changed nothing; move the user's policies by hand.`);

/** The group to move the policies to: one that already grants exactly them, else Rectify's own. */
async function chooseGroup(ctx: PlaybookContext<unknown>, current: MoveSnapshot): Promise<{ group: string; create: boolean; attach: string[] }> {
  const existing = await groupGrantingExactly(ctx, current.attached, PLAYBOOK_ID);
  if (existing) return { group: existing, create: false, attach: [] };
  const name = groupNameFor(current.userName);
  const ours = await readGroup(ctx, name);
  if (ours && ours.path !== createdGroupPath(PLAYBOOK_ID)) return Promise.reject(refuse(ctx, `a group named ${name} exists and is not Rectify's`));
  const foreign = ours?.attached.filter((arn) => !current.attached.includes(arn)) ?? [];
  if (foreign.length) return Promise.reject(refuse(ctx, `Rectify's group ${name} grants ${foreign.join(', ')}, which the user does not hold`));
  return { group: name, create: !ours, attach: current.attached.filter((arn) => !ours?.attached.includes(arn)) };
}

/**
 * Moves the managed policies attached directly to an IAM user to a group the user joins, as
 * Security Hub IAM.2 checks it (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-2;
 * AWS Config rule iam-user-no-policies-check,
 * https://docs.aws.amazon.com/config/latest/developerguide/iam-user-no-policies-check.html): the
 * control fails while the user has any managed or inline policy of its own, so `verify` reads both.
 *
 * The user's permissions stay the same: it joins a group that already grants exactly its managed
 * policies and nothing else, or else a group Rectify creates for it (`rectify-<user>`, path
 * `/rectify/iam-move-user-policies-to-group/`, since IAM groups take no tags) holding the same
 * policies; only then are the policies detached from the user, so there is no moment without them.
 * A user with inline policies is escalated: Rectify does not rewrite policy documents. Rollback
 * re-attaches the user's policies, takes it out of the group it joined and deletes Rectify's group
 * when Rectify created it and nobody else has joined it. Disruptive (approval by default): the
 * permissions do not change, but whatever manages the user's attachments (IaC) sees drift.
 */
export const moveUserPoliciesToGroup = definePlaybook<MoveSnapshot, MoveChange>({
  id: 'iam-move-user-policies-to-group', // PLAYBOOK_ID, spelled out for the tools that read playbook sources
  title: "Move an IAM user's managed policies to a group that grants the same",
  controls: [
    'IAM.2',
    'cis-aws-foundations-benchmark/v/1.2.0/1.16',
    'cis-aws-foundations-benchmark/v/3.0.0/1.15',
    'cis-aws-foundations-benchmark/v/5.0.0/1.14',
    'pci-dss/v/3.2.1/PCI.IAM.2',
  ],
  resourceType: 'AwsIamUser',
  impact: Impact.DISRUPTIVE,
  creates: [GROUP],
  permissions: [
    'iam:ListAttachedUserPolicies',
    'iam:ListUserPolicies',
    'iam:ListGroupsForUser',
    'iam:ListEntitiesForPolicy',
    'iam:GetGroup',
    'iam:ListAttachedGroupPolicies',
    'iam:ListGroupPolicies',
    'iam:CreateGroup',
    'iam:AttachGroupPolicy',
    'iam:AddUserToGroup',
    'iam:DetachUserPolicy',
    'iam:AttachUserPolicy',
    'iam:RemoveUserFromGroup',
    'iam:DetachGroupPolicy',
    'iam:DeleteGroup',
    'iam:ListUserTags',
  ],
  readTags: (ctx) => readUserTags(ctx),

  async snapshot(ctx) {
    const userName = userNameOf(ctx);
    return {
      userName,
      attached: await attachedPolicyArns(ctx, IdentityKind.USER, userName),
      inline: await userInlinePolicies(ctx, userName),
      groups: await groupsOfUser(ctx, userName),
      rectifyGroupExisted: (await readGroup(ctx, groupNameFor(userName))) !== null,
    };
  },

  async plan(ctx, current) {
    const user = current.userName;
    if (current.attached.length === 0 && current.inline.length === 0) return { summary: `IAM user ${user} has no policy of its own`, changes: [] };
    if (current.inline.length) throw refuse(ctx, `IAM user ${user} has inline policies (${current.inline.join(', ')}), which Rectify does not rewrite`);
    const { group, create, attach } = await chooseGroup(ctx, current);
    const joins = !current.groups.includes(group);
    if (joins && current.groups.length >= MAX_GROUPS_PER_USER) throw refuse(ctx, `IAM user ${user} is already in ${MAX_GROUPS_PER_USER} groups, IAM's maximum`);
    const policies = current.attached.join(', ');
    const changes: MoveChange[] = [
      ...(create ? [{ ...groupCreation(group), step: 'create-group' as const, group }] : []),
      ...(attach.length ? [{ description: `Attach ${attach.join(', ')} to group ${group}`, step: 'attach-to-group' as const, group, policyArns: attach }] : []),
      ...(joins ? [{ description: `Add IAM user ${user} to group ${group}, which grants exactly ${policies}`, step: 'add-to-group' as const, group }] : []),
      { description: `Detach ${policies} from IAM user ${user}: it keeps them through group ${group}`, step: 'detach-from-user', group, policyArns: current.attached },
    ];
    return {
      summary: `Move the ${current.attached.length} managed policies of IAM user ${user} to group ${group}`,
      changes,
      impact: {
        level: Impact.DISRUPTIVE,
        why: `IAM user ${user} keeps the same permissions through group ${group}, but anything that manages its attachments (CloudFormation, Terraform) sees drift and may attach them again.`,
      },
    };
  },

  async apply(ctx, plan) {
    const userName = userNameOf(ctx);
    for (const change of plan.changes) {
      if (change.step === 'create-group' && !(await readGroup(ctx, change.group))) await createGroup(ctx, change.group, createdGroupPath(PLAYBOOK_ID));
      if (change.step === 'attach-to-group') for (const arn of change.policyArns) await attachPolicy(ctx, IdentityKind.GROUP, change.group, arn);
      if (change.step === 'add-to-group' && !(await groupsOfUser(ctx, userName)).includes(change.group)) await addUserToGroup(ctx, change.group, userName);
      if (change.step === 'detach-from-user') {
        // Detach only what the group now grants the user: never a moment without the permission.
        const group = await readGroup(ctx, change.group);
        if (!group?.members.includes(userName)) throw new RemediationFailedError(`IAM user ${userName} is not in group ${change.group}; its policies stay attached.`);
        for (const arn of change.policyArns.filter((policy) => group.attached.includes(policy))) await detachPolicy(ctx, IdentityKind.USER, userName, arn);
      }
    }
  },

  async verify(ctx) {
    const userName = userNameOf(ctx);
    const own = [...(await attachedPolicyArns(ctx, IdentityKind.USER, userName)), ...(await userInlinePolicies(ctx, userName))];
    return own.length === 0
      ? { compliant: true, detail: `IAM user ${userName} has no managed or inline policy of its own` }
      : { compliant: false, detail: `IAM user ${userName} still has ${own.join(', ')} attached directly` };
  },

  async rollback(ctx, snapshot) {
    const user = snapshot.userName;
    const attached = await attachedPolicyArns(ctx, IdentityKind.USER, user);
    for (const arn of snapshot.attached.filter((policy) => !attached.includes(policy))) await attachPolicy(ctx, IdentityKind.USER, user, arn);
    // Leave only a group this playbook would have chosen: Rectify's, or one granting exactly the user's policies.
    for (const name of (await groupsOfUser(ctx, user)).filter((group) => !snapshot.groups.includes(group))) {
      const group = await readGroup(ctx, name);
      const chosen = group && (group.path === createdGroupPath(PLAYBOOK_ID) || (group.inline.length === 0 && group.attached.join() === snapshot.attached.join()));
      if (chosen) await removeUserFromGroup(ctx, name, user);
    }
    const ours = await readGroup(ctx, groupNameFor(user));
    if (!snapshot.rectifyGroupExisted && ours && ours.path === createdGroupPath(PLAYBOOK_ID) && ours.members.length === 0) {
      for (const arn of ours.attached) await detachPolicy(ctx, IdentityKind.GROUP, ours.name, arn);
      await deleteGroup(ctx, ours.name);
    }
  },
});
