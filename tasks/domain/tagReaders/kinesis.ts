import { KinesisClient, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { fromList, lastSegment, type ReadTags, type Tags } from './common.js';

/** Tags of a Kinesis data stream (`kinesis:ListTagsForStream`, every page; a missing stream answers ResourceNotFoundException). */
export const readStreamTags: ReadTags = async (aws, { arn }) => {
  const tags: Tags = {};
  let start: string | undefined;
  for (;;) {
    const page = await aws.client(KinesisClient).send(new ListTagsForStreamCommand({ StreamName: lastSegment(arn), ExclusiveStartTagKey: start }));
    Object.assign(tags, fromList(page.Tags));
    start = page.Tags?.at(-1)?.Key;
    if (!page.HasMoreTags || !start) return tags;
  }
};
