import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { lastSegment, type ReadTags } from './common.js';

/** Tags of an EKS cluster (`eks:DescribeCluster`; a missing cluster answers ResourceNotFoundException). */
export const readEksClusterTags: ReadTags = async (aws, { arn }) => {
  const { cluster } = await aws.client(EKSClient).send(new DescribeClusterCommand({ name: lastSegment(arn) }));
  return { ...(cluster?.tags ?? {}) };
};
