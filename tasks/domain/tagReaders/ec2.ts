import {
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewaysCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Tag as Ec2Tag,
} from '@aws-sdk/client-ec2';
import { fromList, lastSegment, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

function ec2Reader(describe: (ec2: EC2Client, id: string) => Promise<{ Tags?: Ec2Tag[] } | undefined>): ReadTags {
  return async (aws, { arn }) => {
    const found = await describe(aws.client(EC2Client), lastSegment(arn));
    if (!found) throw new ResourceNotFoundForTagsError(arn);
    return fromList(found.Tags);
  };
}

/** Tag readers of EC2 resource types (`ec2:Describe*`: the tags come with the resource). */
export const ec2TagReaders: Readonly<Record<string, ReadTags>> = {
  AwsEc2SecurityGroup: ec2Reader(async (ec2, id) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.find((g) => g.GroupId === id)),
  AwsEc2Instance: ec2Reader(async (ec2, id) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id),
  ),
  AwsEc2Subnet: ec2Reader(async (ec2, id) => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets?.find((s) => s.SubnetId === id)),
  AwsEc2Vpc: ec2Reader(async (ec2, id) => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs?.find((v) => v.VpcId === id)),
  AwsEc2Volume: ec2Reader(async (ec2, id) => (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes?.find((v) => v.VolumeId === id)),
  AwsEc2TransitGateway: ec2Reader(async (ec2, id) =>
    (await ec2.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [id] }))).TransitGateways?.find((g) => g.TransitGatewayId === id),
  ),
  AwsEc2NetworkAcl: ec2Reader(async (ec2, id) => (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls?.find((a) => a.NetworkAclId === id)),
  AwsEc2LaunchTemplate: ec2Reader(async (ec2, id) =>
    (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] }))).LaunchTemplates?.find((t) => t.LaunchTemplateId === id),
  ),
};
