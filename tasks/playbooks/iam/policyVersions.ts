// The IAM.1 playbook's reading of a customer managed policy: its default version's document, its
// versions, what it is attached to, and which statements grant full administrative access.
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  paginateListEntitiesForPolicy,
  paginateListPolicyVersions,
} from '@aws-sdk/client-iam';
import type { PlaybookContext } from '../definePlaybook.js';

/** One statement of a policy document, as IAM stores it (strings or lists). */
export type PolicyStatement = { Effect?: string; Action?: string | string[]; Resource?: string | string[] } & Record<string, unknown>;
/** A policy document: `Statement` may be one object or a list. */
export type PolicyDocument = { Version?: string; Statement?: PolicyStatement | PolicyStatement[] } & Record<string, unknown>;

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Whether a statement is what iam-policy-no-statements-with-admin-access fails: `"Effect": "Allow"`
 * with `"Action": "*"` over `"Resource": "*"` (a list holding `*` grants the same).
 */
export function grantsFullAdmin(statement: PolicyStatement): boolean {
  return statement.Effect === 'Allow' && asList(statement.Action).includes('*') && asList(statement.Resource).includes('*');
}

/** The statements of a document, always as a list. */
export const statementsOf = (document: PolicyDocument): PolicyStatement[] => asList(document.Statement);

/** IAM returns documents URL-encoded (RFC 3986); parse either form. */
export function parseDocument(text: string): PolicyDocument {
  try {
    return JSON.parse(decodeURIComponent(text)) as PolicyDocument;
  } catch {
    return JSON.parse(text) as PolicyDocument;
  }
}

/** The policy's default version id and how many identities use it as a permissions boundary. */
export async function readPolicy(ctx: PlaybookContext<unknown>, PolicyArn: string) {
  const { Policy } = await ctx.aws.client(IAMClient).send(new GetPolicyCommand({ PolicyArn }));
  return { defaultVersionId: Policy?.DefaultVersionId ?? '', boundaryUses: Policy?.PermissionsBoundaryUsageCount ?? 0 };
}

/** The document of one version of the policy. */
export async function readVersionDocument(ctx: PlaybookContext<unknown>, PolicyArn: string, VersionId: string): Promise<PolicyDocument> {
  const { PolicyVersion } = await ctx.aws.client(IAMClient).send(new GetPolicyVersionCommand({ PolicyArn, VersionId }));
  return parseDocument(PolicyVersion?.Document ?? '{}');
}

/** The ids of every version of the policy, sorted. */
export async function versionIds(ctx: PlaybookContext<unknown>, PolicyArn: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateListPolicyVersions({ client: ctx.aws.client(IAMClient) }, { PolicyArn })) {
    for (const version of page.Versions ?? []) if (version.VersionId) ids.push(version.VersionId);
  }
  return ids.sort();
}

/** An identity the policy is attached to (a service-linked role never is: IAM does not let a customer policy be attached to one). */
export type AttachedEntity = { kind: 'User' | 'Group' | 'Role'; name: string };

/** Every user, group and role the policy is attached to. */
export async function attachedEntities(ctx: PlaybookContext<unknown>, PolicyArn: string): Promise<AttachedEntity[]> {
  const entities: AttachedEntity[] = [];
  for await (const page of paginateListEntitiesForPolicy({ client: ctx.aws.client(IAMClient) }, { PolicyArn })) {
    for (const user of page.PolicyUsers ?? []) if (user.UserName) entities.push({ kind: 'User', name: user.UserName });
    for (const group of page.PolicyGroups ?? []) if (group.GroupName) entities.push({ kind: 'Group', name: group.GroupName });
    for (const role of page.PolicyRoles ?? []) if (role.RoleName) entities.push({ kind: 'Role', name: role.RoleName });
  }
  return entities;
}
