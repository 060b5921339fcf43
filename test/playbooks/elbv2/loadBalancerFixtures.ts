import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  DescribeLoadBalancerAttributesCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
  type LoadBalancerTypeEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import type { Playbook } from '../../../tasks/playbooks/definePlaybook.js';
import { requestFor } from '../../support/request.js';

/** A load balancer in two fresh subnets, with the attributes given set after creation. */
export async function createLoadBalancer(clients: AwsClients, type: LoadBalancerTypeEnum, attributes: Record<string, string> = {}): Promise<string> {
  const ec2 = clients.client(EC2Client);
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }));
  const subnets = await Promise.all(
    ['a', 'b'].map(async (zone, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: `10.50.${i}.0/24`, AvailabilityZone: `us-east-1${zone}` }))).Subnet!.SubnetId!),
  );
  const elb = clients.client(ElasticLoadBalancingV2Client);
  const { LoadBalancers } = await elb.send(
    new CreateLoadBalancerCommand({ Name: `web-${crypto.randomUUID().slice(0, 8)}`, Type: type, Subnets: subnets, Tags: [{ Key: 'team', Value: 'web' }] }),
  );
  const arn = LoadBalancers![0]!.LoadBalancerArn!;
  const Attributes = Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));
  if (Attributes.length > 0) await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes }));
  return arn;
}

/** The load balancer's attributes as ELB reports them, by key. */
export async function attributesOf(clients: AwsClients, arn: string): Promise<Record<string, string>> {
  const { Attributes = [] } = await clients.client(ElasticLoadBalancingV2Client).send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }));
  return Object.fromEntries(Attributes.map((a) => [a.Key!, a.Value!]));
}

/** A playbook context for a load balancer finding of `controlId`. */
export function loadBalancerContext(playbook: Playbook, clients: AwsClients, arn: string, controlId: string, settings?: unknown) {
  return createPlaybookContext(playbook, requestFor({ resourceType: 'AwsElbv2LoadBalancer', resourceId: arn, controlId }), clients, settings);
}
