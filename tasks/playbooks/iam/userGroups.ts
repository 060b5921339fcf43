// The IAM.2 playbook's groups: the groups of a user, a group's policies and members, and the one
// group Rectify creates per user. IAM groups take no tags, so Rectify marks its own by their path.
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  IAMClient,
  paginateListEntitiesForPolicy,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListUserPolicies,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import type { PlaybookContext } from '../definePlaybook.js';
import { attachedPolicyArns, IdentityKind } from './attachedPolicies.js';

const isNoSuchEntity = (error: unknown) => error instanceof Error && error.name === 'NoSuchEntityException';

/** The path that marks a group `playbookId` created (IAM groups cannot be tagged). */
export const createdGroupPath = (playbookId: string) => `/rectify/${playbookId}/`;
/** The name of the group Rectify creates for one user's policies. */
export const groupNameFor = (userName: string) => `rectify-${userName}`;

/** A group as the playbook weighs it: its path, members, managed policies and inline policy names. */
export type GroupState = { name: string; path: string; members: string[]; attached: string[]; inline: string[] };

async function inlineNames(ctx: PlaybookContext<unknown>, kind: IdentityKind, name: string): Promise<string[]> {
  const client = ctx.aws.client(IAMClient);
  const names: string[] = [];
  const pages =
    kind === IdentityKind.USER ? paginateListUserPolicies({ client }, { UserName: name }) : paginateListGroupPolicies({ client }, { GroupName: name });
  for await (const page of pages) names.push(...(page.PolicyNames ?? []));
  return names.sort();
}

/** Names of the user's inline policies, sorted. */
export const userInlinePolicies = (ctx: PlaybookContext<unknown>, userName: string) => inlineNames(ctx, IdentityKind.USER, userName);

/** Names of the groups the user belongs to, sorted. */
export async function groupsOfUser(ctx: PlaybookContext<unknown>, UserName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListGroupsForUser({ client: ctx.aws.client(IAMClient) }, { UserName })) {
    for (const group of page.Groups ?? []) if (group.GroupName) names.push(group.GroupName);
  }
  return names.sort();
}

/** The group, or `null` when it does not exist. */
export async function readGroup(ctx: PlaybookContext<unknown>, GroupName: string): Promise<GroupState | null> {
  try {
    const { Group, Users } = await ctx.aws.client(IAMClient).send(new GetGroupCommand({ GroupName }));
    return {
      name: GroupName,
      path: Group?.Path ?? '/',
      members: (Users ?? []).flatMap((user) => (user.UserName ? [user.UserName] : [])).sort(),
      attached: await attachedPolicyArns(ctx, IdentityKind.GROUP, GroupName),
      inline: await inlineNames(ctx, IdentityKind.GROUP, GroupName),
    };
  } catch (error) {
    if (isNoSuchEntity(error)) return null;
    throw error;
  }
}

/**
 * A group, other than Rectify's, that grants exactly these managed policies and nothing else
 * (no inline policy): joining it gives the user the same permissions. `null` when there is none.
 */
export async function groupGrantingExactly(ctx: PlaybookContext<unknown>, policyArns: readonly string[], playbookId: string): Promise<string | null> {
  if (policyArns.length === 0) return null;
  const candidates: string[] = [];
  for await (const page of paginateListEntitiesForPolicy({ client: ctx.aws.client(IAMClient) }, { PolicyArn: policyArns[0], EntityFilter: 'Group' })) {
    for (const group of page.PolicyGroups ?? []) if (group.GroupName) candidates.push(group.GroupName);
  }
  for (const name of candidates.sort()) {
    const group = await readGroup(ctx, name);
    const same = group && group.inline.length === 0 && group.attached.join('\n') === [...policyArns].sort().join('\n');
    if (same && group.path !== createdGroupPath(playbookId)) return name;
  }
  return null;
}

export async function createGroup(ctx: PlaybookContext<unknown>, GroupName: string, Path: string): Promise<void> {
  await ctx.aws.client(IAMClient).send(new CreateGroupCommand({ GroupName, Path }));
}

export async function addUserToGroup(ctx: PlaybookContext<unknown>, GroupName: string, UserName: string): Promise<void> {
  await ctx.aws.client(IAMClient).send(new AddUserToGroupCommand({ GroupName, UserName }));
}

export async function removeUserFromGroup(ctx: PlaybookContext<unknown>, GroupName: string, UserName: string): Promise<void> {
  try {
    await ctx.aws.client(IAMClient).send(new RemoveUserFromGroupCommand({ GroupName, UserName }));
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }
}

export async function deleteGroup(ctx: PlaybookContext<unknown>, GroupName: string): Promise<void> {
  await ctx.aws.client(IAMClient).send(new DeleteGroupCommand({ GroupName }));
}
