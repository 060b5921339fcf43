import { DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { fromList, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/** Tags of an ECS cluster (`ecs:DescribeClusters` with TAGS); a missing cluster comes back as a failure, not an error. */
export const readEcsClusterTags: ReadTags = async (aws, { arn }) => {
  const { clusters = [] } = await aws.client(ECSClient).send(new DescribeClustersCommand({ clusters: [arn], include: ['TAGS'] }));
  const cluster = clusters.find((c) => c.clusterArn === arn && c.status !== 'INACTIVE');
  if (!cluster) throw new ResourceNotFoundForTagsError(arn);
  return fromList(cluster.tags?.map((t) => ({ Key: t.key, Value: t.value })));
};
