import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { AwsClients } from '../aws/clientFactory.js';

/** IAM actions needed to read tags of any resource type Rectify handles. */
export const TAG_READ_PERMISSIONS = ['tag:GetResources'] as const;

/**
 * Live tags of a resource through the Resource Groups Tagging API. Throws when the tags
 * cannot be read (denied, throttled, unreachable): callers fail closed.
 */
export async function readResourceTags(aws: AwsClients, resourceArn: string): Promise<Record<string, string>> {
  if (!resourceArn.startsWith('arn:')) {
    // Account-level resources (e.g. "AWS::::Account:123…") carry no tags.
    return {};
  }
  const response = await aws
    .client(ResourceGroupsTaggingAPIClient)
    .send(new GetResourcesCommand({ ResourceARNList: [resourceArn] }));
  const tags: Record<string, string> = {};
  // Only the mapping of this resource: an answer about others (moto ignores ResourceARNList
  // for some resource types) must never lend this resource their tags.
  for (const mapping of response.ResourceTagMappingList ?? []) {
    if (mapping.ResourceARN !== resourceArn) continue;
    for (const tag of mapping.Tags ?? []) {
      if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    }
  }
  return tags;
}
