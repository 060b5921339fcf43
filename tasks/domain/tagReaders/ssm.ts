import { ListTagsForResourceCommand, SSMClient } from '@aws-sdk/client-ssm';
import { fromList, lastSegment, type ReadTags } from './common.js';

/** Tags of an SSM document of the account (`ssm:ListTagsForResource`; SSM answers InvalidResourceId for a document that does not exist). */
export const readDocumentTags: ReadTags = async (aws, { arn }) => {
  const { TagList } = await aws.client(SSMClient).send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: lastSegment(arn) }));
  return fromList(TagList);
};
