import type { AwsClients } from '../../aws/clientFactory.js';

/** The resource whose tags are read: its canonical ARN (docs/decisions/008) and the account it must be in. */
export interface TaggedResource {
  readonly arn: string;
  readonly account: string;
}

export type Tags = Record<string, string>;

/** Reads the live tags of one resource with its service's own API; throws when the resource is not found. */
export type ReadTags = (aws: AwsClients, resource: TaggedResource) => Promise<Tags>;

/** The resource a reader was asked about does not exist (or is not the finding's account's). */
export class ResourceNotFoundForTagsError extends Error {
  constructor(arn: string) {
    super(`${arn} was not found, so its tags cannot vouch for it`);
    this.name = 'ResourceNotFound';
  }
}

export const lastSegment = (arn: string): string => arn.split(/[:/]/).pop() ?? arn;

export const fromList = (list: readonly { Key?: string; Value?: string }[] | undefined): Tags =>
  Object.fromEntries((list ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
