/**
 * OCSF findings name a resource's type the CloudFormation way (`AWS::EC2::SecurityGroup`);
 * playbooks, identity rules and the register use the ASFF name (`AwsEc2SecurityGroup`).
 * Irregular names are listed; the rest follow the rule `AWS::Svc::Type` → `AwsSvcType` with the
 * service written as ASFF does (first letter upper, the rest lower). A type that maps to no
 * playbook's type simply ends NO_PLAYBOOK.
 */
const IRREGULAR: Readonly<Record<string, string>> = {
  'AWS::::Account': 'AwsAccount',
  'AWS::CloudTrail::Trail': 'AwsCloudTrailTrail',
  'AWS::DynamoDB::Table': 'AwsDynamoDbTable',
  'AWS::RDS::DBInstance': 'AwsRdsDbInstance',
  'AWS::RDS::DBSnapshot': 'AwsRdsDbSnapshot',
  'AWS::RDS::DBCluster': 'AwsRdsDbCluster',
  'AWS::RDS::DBClusterSnapshot': 'AwsRdsDbClusterSnapshot',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'AwsElbv2LoadBalancer',
  'AWS::ElasticLoadBalancing::LoadBalancer': 'AwsElbLoadBalancer',
  'AWS::ApiGateway::Stage': 'AwsApiGatewayStage',
  'AWS::ApiGatewayV2::Stage': 'AwsApiGatewayV2Stage',
  'AWS::CloudFormation::Stack': 'AwsCloudFormationStack',
  'AWS::CloudWatch::Alarm': 'AwsCloudWatchAlarm',
  'AWS::AutoScaling::AutoScalingGroup': 'AwsAutoScalingAutoScalingGroup',
  'AWS::EKS::Cluster': 'AwsEksCluster',
  'AWS::ECS::Cluster': 'AwsEcsCluster',
  'AWS::ECS::TaskDefinition': 'AwsEcsTaskDefinition',
  'AWS::ECR::Repository': 'AwsEcrRepository',
  'AWS::EMR::Cluster': 'AwsEmrCluster',
  'AWS::GuardDuty::Detector': 'AwsGuardDutyDetector',
  'AWS::Logs::LogGroup': 'AwsLogsLogGroup',
  'AWS::SecretsManager::Secret': 'AwsSecretsManagerSecret',
  'AWS::SSM::Document': 'AwsSsmDocument',
};

/**
 * The ASFF resource type for an OCSF `resources[].type`. A value that is already an ASFF name
 * (`AwsS3Bucket`) is kept.
 *
 * @example
 * asffResourceType('AWS::EC2::SecurityGroup'); // 'AwsEc2SecurityGroup'
 * asffResourceType('AWS::RDS::DBInstance'); // 'AwsRdsDbInstance'
 */
export function asffResourceType(ocsfType: string): string {
  const known = IRREGULAR[ocsfType];
  if (known) return known;
  const parts = ocsfType.split('::');
  if (parts.length !== 3 || parts[0] !== 'AWS' || !parts[1] || !parts[2]) return ocsfType;
  const service = parts[1].charAt(0).toUpperCase() + parts[1].slice(1).toLowerCase();
  return `Aws${service}${parts[2]}`;
}
