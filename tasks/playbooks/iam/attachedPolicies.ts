// Managed policies attached to one IAM identity: read, attach, detach. Shared by the IAM.2 and
// IAM.27 playbooks, which move or remove attachments and put them back on rollback.
import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
} from '@aws-sdk/client-iam';
import type { PlaybookContext } from '../definePlaybook.js';

/** The identities these playbooks attach managed policies to. */
export const IdentityKind = { USER: 'user', GROUP: 'group' } as const;
export type IdentityKind = (typeof IdentityKind)[keyof typeof IdentityKind];

const isNoSuchEntity = (error: unknown) => error instanceof Error && error.name === 'NoSuchEntityException';

/** ARNs of the managed policies attached to the identity, sorted (a snapshot must compare equal). */
export async function attachedPolicyArns(ctx: PlaybookContext<unknown>, kind: IdentityKind, name: string): Promise<string[]> {
  const client = ctx.aws.client(IAMClient);
  const arns: string[] = [];
  const pages =
    kind === IdentityKind.USER
      ? paginateListAttachedUserPolicies({ client }, { UserName: name })
      : paginateListAttachedGroupPolicies({ client }, { GroupName: name });
  for await (const page of pages) {
    for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
  }
  return arns.sort();
}

/** Attach a managed policy; attaching one already attached changes nothing in IAM. */
export async function attachPolicy(ctx: PlaybookContext<unknown>, kind: IdentityKind, name: string, PolicyArn: string): Promise<void> {
  const client = ctx.aws.client(IAMClient);
  if (kind === IdentityKind.USER) await client.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn }));
  else await client.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn }));
}

/** Detach a managed policy; one no longer attached is not an error (apply and rollback are idempotent). */
export async function detachPolicy(ctx: PlaybookContext<unknown>, kind: IdentityKind, name: string, PolicyArn: string): Promise<void> {
  const client = ctx.aws.client(IAMClient);
  try {
    if (kind === IdentityKind.USER) await client.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn }));
    else await client.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn }));
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }
}
