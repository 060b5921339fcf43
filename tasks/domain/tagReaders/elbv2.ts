import { DescribeLoadBalancersCommand, DescribeTagsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { fromList, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/**
 * Tags of an Application, Network or Gateway Load Balancer. DescribeLoadBalancers vouches for it
 * first (`LoadBalancerNotFound`): DescribeTags alone answers for any well-formed ARN in moto.
 */
export const readLoadBalancerTags: ReadTags = async (aws, { arn }) => {
  const client = aws.client(ElasticLoadBalancingV2Client);
  const { LoadBalancers = [] } = await client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }));
  if (LoadBalancers.length !== 1) throw new ResourceNotFoundForTagsError(arn);
  const { TagDescriptions = [] } = await client.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
  return fromList(TagDescriptions.find((d) => d.ResourceArn === arn)?.Tags);
};
