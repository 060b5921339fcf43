import { ListTagsForResourceCommand, RDSClient } from '@aws-sdk/client-rds';
import { fromList, type ReadTags } from './common.js';

/** Tags of an RDS instance, cluster or (cluster) snapshot (`rds:ListTagsForResource`). */
export const readRdsTags: ReadTags = async (aws, { arn }) =>
  fromList((await aws.client(RDSClient).send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList);
