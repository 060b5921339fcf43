import { KMSClient, paginateListResourceTags } from '@aws-sdk/client-kms';
import type { ReadTags, Tags } from './common.js';

/** Tags of a KMS key (`kms:ListResourceTags`, every page). */
export const readKmsKeyTags: ReadTags = async (aws, { arn }) => {
  const tags: Tags = {};
  for await (const page of paginateListResourceTags({ client: aws.client(KMSClient) }, { KeyId: arn })) {
    for (const tag of page.Tags ?? []) if (tag.TagKey !== undefined) tags[tag.TagKey] = tag.TagValue ?? '';
  }
  return tags;
};
