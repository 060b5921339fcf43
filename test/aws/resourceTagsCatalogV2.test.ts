import { describe, expect, it } from 'vitest';
import { readResourceTags } from '../../tasks/domain/resourceTags.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { useMoto } from '../support/moto.js';

const ACCOUNT = LOCAL_ADMIN_ACCOUNT;
const EXEMPT = { 'rectify:exempt': '*' };

/** The tag readers of the load balancer, API Gateway, Step Functions, container, stream and CloudFormation playbooks' resource types. */
describe('live tags of the catalog v2 resource types (moto)', () => {
  const aws = useMoto();
  const read = (type: string, arn: string) => readResourceTags(aws.clients(), type, { arn, account: ACCOUNT });

  /** One tagged resource of each type, by type: its ARN. */
  async function taggedResources(): Promise<Record<string, string>> {
    const vpc = (await callAws({ service: 'EC2', command: 'CreateVpc', params: { CidrBlock: '10.70.0.0/16' } })) as { Vpc: { VpcId: string } };
    const subnets: string[] = [];
    for (const [i, zone] of ['a', 'b'].entries()) {
      const created = (await callAws({ service: 'EC2', command: 'CreateSubnet', params: { VpcId: vpc.Vpc.VpcId, CidrBlock: `10.70.${i}.0/24`, AvailabilityZone: `us-east-1${zone}` } })) as {
        Subnet: { SubnetId: string };
      };
      subnets.push(created.Subnet.SubnetId);
    }
    const lb = (await callAws({
      service: 'ElasticLoadBalancingV2',
      command: 'CreateLoadBalancer',
      params: { Name: 'tagged', Subnets: subnets, Tags: [{ Key: 'rectify:exempt', Value: '*' }] },
    })) as { LoadBalancers: { LoadBalancerArn: string }[] };
    await callAws({ service: 'ECR', command: 'CreateRepository', params: { repositoryName: 'team/tagged', tags: [{ Key: 'rectify:exempt', Value: '*' }] } });
    await callAws({ service: 'Kinesis', command: 'CreateStream', params: { StreamName: 'tagged', ShardCount: 1 } });
    await callAws({ service: 'Kinesis', command: 'AddTagsToStream', params: { StreamName: 'tagged', Tags: EXEMPT } });
    await callAws({ service: 'ECS', command: 'CreateCluster', params: { clusterName: 'tagged', tags: [{ key: 'rectify:exempt', value: '*' }] } });
    await callAws({
      service: 'EKS',
      command: 'CreateCluster',
      params: { name: 'tagged', roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`, resourcesVpcConfig: { subnetIds: subnets }, tags: EXEMPT },
    });
    const api = (await callAws({ service: 'APIGateway', command: 'CreateRestApi', params: { name: 'tagged' } })) as { id: string };
    const { items } = (await callAws({ service: 'APIGateway', command: 'GetResources', params: { restApiId: api.id } })) as { items: { id: string }[] };
    const method = { restApiId: api.id, resourceId: items[0]!.id, httpMethod: 'GET' };
    await callAws({ service: 'APIGateway', command: 'PutMethod', params: { ...method, authorizationType: 'NONE' } });
    await callAws({ service: 'APIGateway', command: 'PutIntegration', params: { ...method, type: 'MOCK' } });
    const deployment = (await callAws({ service: 'APIGateway', command: 'CreateDeployment', params: { restApiId: api.id } })) as { id: string };
    await callAws({ service: 'APIGateway', command: 'CreateStage', params: { restApiId: api.id, stageName: 'prod', deploymentId: deployment.id, tags: EXEMPT } });
    const stack = (await callAws({
      service: 'CloudFormation',
      command: 'CreateStack',
      params: { StackName: 'tagged', TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }), Tags: [{ Key: 'rectify:exempt', Value: '*' }] },
    })) as { StackId: string };
    const machine = (await callAws({
      service: 'SFN',
      command: 'CreateStateMachine',
      params: {
        name: 'tagged',
        roleArn: `arn:aws:iam::${ACCOUNT}:role/sfn`,
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
        tags: [{ key: 'rectify:exempt', value: '*' }],
      },
    })) as { stateMachineArn: string };
    return {
      AwsElbv2LoadBalancer: lb.LoadBalancers[0]!.LoadBalancerArn,
      AwsEcrRepository: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team/tagged`,
      AwsKinesisStream: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/tagged`,
      AwsEcsCluster: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/tagged`,
      AwsEksCluster: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/tagged`,
      AwsApiGatewayStage: `arn:aws:apigateway:us-east-1::/restapis/${api.id}/stages/prod`,
      AwsCloudFormationStack: stack.StackId,
      AwsStepFunctionStateMachine: machine.stateMachineArn,
    };
  }

  it('reads each resource\'s own tags', async () => {
    // Prepare
    const resources = await taggedResources();
    // Act
    const tags = Object.fromEntries(await Promise.all(Object.entries(resources).map(async ([type, arn]) => [type, await read(type, arn)] as const)));
    // Assess
    expect(Object.keys(tags)).toHaveLength(8);
    for (const [type, found] of Object.entries(tags)) expect(found, type).toMatchObject(EXEMPT);
  });

  it('cannot vouch for a resource that does not exist: it throws, so the caller fails closed', async () => {
    // Prepare
    const missing: Record<string, string> = {
      AwsElbv2LoadBalancer: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/gone/0123456789abcdef`,
      AwsEcrRepository: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/gone`,
      AwsKinesisStream: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/gone`,
      AwsEcsCluster: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/gone`,
      AwsEksCluster: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/gone`,
      AwsApiGatewayStage: 'arn:aws:apigateway:us-east-1::/restapis/gone123456/stages/prod',
      AwsCloudFormationStack: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/gone/5b8c4f70-1e0a-11ef-9a3b-0a1b2c3d4e5f`,
      AwsStepFunctionStateMachine: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:gone`,
    };
    // Act
    const answers = await Promise.all(Object.entries(missing).map(async ([type, arn]) => [type, await read(type, arn).then(() => 'answered', () => 'threw')] as const));
    // Assess
    expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(Object.keys(missing).map((type) => [type, 'threw'])));
  });
});
