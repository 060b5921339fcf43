import { DescribeClustersCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { fromList, lastSegment, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/**
 * Tags of a Redshift cluster, as DescribeClusters reports them (`redshift:DescribeClusters`): the
 * call fails for a cluster that does not exist, so the tags vouch for the cluster.
 */
export const readRedshiftClusterTags: ReadTags = async (aws, { arn }) => {
  const { Clusters = [] } = await aws.client(RedshiftClient).send(new DescribeClustersCommand({ ClusterIdentifier: lastSegment(arn) }));
  const cluster = Clusters[0];
  if (!cluster) throw new ResourceNotFoundForTagsError(arn);
  return fromList(cluster.Tags);
};
