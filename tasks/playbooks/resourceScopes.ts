/**
 * Which resources the member roles may act on, per IAM action: the resource types the Service
 * Authorization Reference gives each action the playbooks declare, as ARN patterns of the member
 * account (docs/decisions/017). The member roles name these patterns instead of `*`; an action
 * with no resource type is granted on `*`, which IAM requires, and the catalog says so.
 *
 * Reviewed by hand against the Reference, and checked by test/permissions/resourceScopes.test.ts
 * against the IAM dataset: a declared action the Reference scopes that is missing here fails the
 * test with the line to add, and so does a pattern that does not fit the action's ARN format.
 * Kept here, not generated, because the dataset the test reads is AGPL-licensed and stays a test
 * dependency: nothing derived from it ships.
 */

/** A resource type as `<service>:<type>`, the Reference's name for it. */
export type ResourceType = keyof typeof RESOURCE_ARN_PATTERNS;

/** The ARN patterns of a resource type (most have one). */
export function patternsOf(type: ResourceType): readonly string[] {
  const patterns: string | readonly string[] = RESOURCE_ARN_PATTERNS[type];
  return typeof patterns === 'string' ? [patterns] : patterns;
}

/**
 * ARN patterns by resource type. `${Partition}` and `${Account}` are the member account's, filled
 * where the policy is built; the region is `*` on purpose: one member role serves every region
 * whose findings the administrator account aggregates, and which those are is not known at
 * deploy time. EC2 snapshots, S3 buckets and API Gateway resources carry no account in their ARN. A type may list several
 * patterns where the roles need a few named resources of it and nothing else of it (IAM roles).
 */
export const RESOURCE_ARN_PATTERNS = {
  'access-analyzer:Analyzer': 'arn:${Partition}:access-analyzer:*:${Account}:analyzer/*',
  'account:account': 'arn:${Partition}:account::${Account}:account',
  // API Gateway ARNs carry no account: the member role reaches only its own account's APIs and settings.
  'apigateway:Account': 'arn:${Partition}:apigateway:*::/account',
  'apigateway:Stage': 'arn:${Partition}:apigateway:*::/restapis/*/stages/*',
  'autoscaling:autoScalingGroup': 'arn:${Partition}:autoscaling:*:${Account}:autoScalingGroup:*:autoScalingGroupName/*',
  'autoscaling:launchConfiguration': 'arn:${Partition}:autoscaling:*:${Account}:launchConfiguration:*:launchConfigurationName/*',
  'cloudformation:stack': 'arn:${Partition}:cloudformation:*:${Account}:stack/*',
  'cloudtrail:trail': 'arn:${Partition}:cloudtrail:*:${Account}:trail/*',
  'cloudwatch:alarm': 'arn:${Partition}:cloudwatch:*:${Account}:alarm:*',
  'config:ConfigurationRecorder': 'arn:${Partition}:config:*:${Account}:configuration-recorder/*',
  'dynamodb:table': 'arn:${Partition}:dynamodb:*:${Account}:table/*',
  'ec2:instance': 'arn:${Partition}:ec2:*:${Account}:instance/*',
  'ec2:network-acl': 'arn:${Partition}:ec2:*:${Account}:network-acl/*',
  'ecr:repository': 'arn:${Partition}:ecr:*:${Account}:repository/*',
  'ecs:cluster': 'arn:${Partition}:ecs:*:${Account}:cluster/*',
  'eks:cluster': 'arn:${Partition}:eks:*:${Account}:cluster/*',
  // Application, Network and Gateway Load Balancers: loadbalancer/app|net|gwy/<name>/<id>.
  'elasticloadbalancing:loadbalancer': 'arn:${Partition}:elasticloadbalancing:*:${Account}:loadbalancer/*',
  // Application Load Balancer listeners only: ELB.1 (the one playbook that modifies a listener) evaluates ALBs alone.
  'elasticloadbalancing:listener/app': 'arn:${Partition}:elasticloadbalancing:*:${Account}:listener/app/*',
  'ec2:launch-template': 'arn:${Partition}:ec2:*:${Account}:launch-template/*',
  'ec2:security-group': 'arn:${Partition}:ec2:*:${Account}:security-group/*',
  'ec2:security-group-rule': 'arn:${Partition}:ec2:*:${Account}:security-group-rule/*',
  'ec2:snapshot': 'arn:${Partition}:ec2:*::snapshot/*',
  'ec2:subnet': 'arn:${Partition}:ec2:*:${Account}:subnet/*',
  'ec2:transit-gateway': 'arn:${Partition}:ec2:*:${Account}:transit-gateway/*',
  // AWS managed policies carry the account "aws": only the one IAM.18 reads. Customer managed
  // policies of the member account: IAM.1 adds a fixed version to one (never to an AWS managed policy).
  'iam:policy': ['arn:${Partition}:iam::aws:policy/AWSSupportAccess', 'arn:${Partition}:iam::${Account}:policy/*'],
  'ec2:vpc': 'arn:${Partition}:ec2:*:${Account}:vpc/*',
  'ec2:vpc-flow-log': 'arn:${Partition}:ec2:*:${Account}:vpc-flow-log/*',
  'guardduty:detector': 'arn:${Partition}:guardduty:*:${Account}:detector/*',
  // Only the role IAM.18 creates and the service-linked role CreateAnalyzer (IAM.28) creates: a member role
  // allowed to attach policies to any role could grant itself anything.
  'iam:role': [
    'arn:${Partition}:iam::${Account}:role/rectify-aws-support',
    'arn:${Partition}:iam::${Account}:role/aws-service-role/access-analyzer.amazonaws.com/AWSServiceRoleForAccessAnalyzer',
    // The role CloudTrail.5 creates for CloudTrail to deliver to CloudWatch Logs (cloudtrail/logsDeliveryRole.ts).
    'arn:${Partition}:iam::${Account}:role/rectify-cloudtrail-logs',
    // The service-linked roles GuardDuty.1, Macie.1 and Config.1 create when missing, and the flow-log delivery role of EC2.6.
    'arn:${Partition}:iam::${Account}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty',
    'arn:${Partition}:iam::${Account}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie',
    'arn:${Partition}:iam::${Account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
    'arn:${Partition}:iam::${Account}:role/rectify-vpc-flow-logs-*',
  ],
  'iam:user': 'arn:${Partition}:iam::${Account}:user/*',
  // Only the groups IAM.2 creates (path /rectify/…): a member role allowed to attach policies to any
  // group could grant any of its users anything.
  'iam:group': 'arn:${Partition}:iam::${Account}:group/rectify/*',
  'kinesis:kmsKey': 'arn:${Partition}:kms:*:${Account}:key/*',
  'kinesis:stream': 'arn:${Partition}:kinesis:*:${Account}:stream/*',
  // Only aliases Rectify creates (cloudtrail/trailKey.ts's alias/rectify-cloudtrail, CloudWatch.1–14's topic key):
  // an alias of the account's is never repointed or deleted.
  'kms:alias': 'arn:${Partition}:kms:*:${Account}:alias/rectify-*',
  'kms:key': 'arn:${Partition}:kms:*:${Account}:key/*',
  'lambda:function': 'arn:${Partition}:lambda:*:${Account}:function:*',
  'logs:log-group': 'arn:${Partition}:logs:*:${Account}:log-group:*',
  'rds:db': 'arn:${Partition}:rds:*:${Account}:db:*',
  'rds:snapshot': 'arn:${Partition}:rds:*:${Account}:snapshot:*',
  // Aurora, Multi-AZ, Neptune and DocumentDB clusters and their snapshots share these (RDS API).
  'rds:cluster': 'arn:${Partition}:rds:*:${Account}:cluster:*',
  'rds:cluster-snapshot': 'arn:${Partition}:rds:*:${Account}:cluster-snapshot:*',
  'redshift:cluster': 'arn:${Partition}:redshift:*:${Account}:cluster:*',
  's3:bucket': 'arn:${Partition}:s3:::*',
  's3:object': 'arn:${Partition}:s3:::*/*',
  'sns:topic': 'arn:${Partition}:sns:*:${Account}:*',
  'secretsmanager:Secret': 'arn:${Partition}:secretsmanager:*:${Account}:secret:*',
  'sqs:queue': 'arn:${Partition}:sqs:*:${Account}:*',
  // AWS-owned documents only (their ARNs carry no account): playbooks run AWS's runbooks, never a document of the account.
  'ssm:document': 'arn:${Partition}:ssm:*::document/*',
  'ssm:automation-definition': 'arn:${Partition}:ssm:*:*:automation-definition/*',
  'ssm:automation-execution': 'arn:${Partition}:ssm:*:${Account}:automation-execution/*',
  // Only the setting SSM.7 changes.
  'ssm:servicesetting': 'arn:${Partition}:ssm:*:${Account}:servicesetting/ssm/documents/console/public-sharing-permission',
  'states:statemachine': 'arn:${Partition}:states:*:${Account}:stateMachine:*',
} as const satisfies Readonly<Record<string, string | readonly string[]>>;

/**
 * The resource types each scoped action is authorized on, as Rectify calls it: the required
 * types, and an optional one only where a call involves it (a tag read of a trail, not of an event
 * data store). Actions absent here have no resource type in the Reference.
 */
export const ACTION_RESOURCE_TYPES: Readonly<Record<string, readonly ResourceType[]>> = {
  'autoscaling:UpdateAutoScalingGroup': ['autoscaling:autoScalingGroup'],
  'autoscaling:CreateLaunchConfiguration': ['autoscaling:launchConfiguration'],
  'autoscaling:DeleteLaunchConfiguration': ['autoscaling:launchConfiguration'],
  'access-analyzer:CreateAnalyzer': ['access-analyzer:Analyzer'],
  'access-analyzer:DeleteAnalyzer': ['access-analyzer:Analyzer'],
  // The member account itself (accountInOrganization is for calls from the management account, which Rectify does not make).
  'account:DeleteAlternateContact': ['account:account'],
  'account:GetAlternateContact': ['account:account'],
  'account:PutAlternateContact': ['account:account'],
  'apigateway:GET': ['apigateway:Account', 'apigateway:Stage'],
  'apigateway:PATCH': ['apigateway:Stage'],
  'cloudformation:DescribeStacks': ['cloudformation:stack'],
  'cloudformation:UpdateTerminationProtection': ['cloudformation:stack'],
  'cloudtrail:GetTrail': ['cloudtrail:trail'],
  'cloudtrail:GetEventSelectors': ['cloudtrail:trail'],
  'cloudtrail:GetTrailStatus': ['cloudtrail:trail'],
  'cloudtrail:ListTags': ['cloudtrail:trail'],
  'cloudtrail:UpdateTrail': ['cloudtrail:trail'],
  'cloudwatch:DeleteAlarms': ['cloudwatch:alarm'],
  'cloudwatch:DescribeAlarms': ['cloudwatch:alarm'],
  'cloudwatch:DisableAlarmActions': ['cloudwatch:alarm'],
  'cloudwatch:EnableAlarmActions': ['cloudwatch:alarm'],
  'cloudwatch:ListTagsForResource': ['cloudwatch:alarm'],
  'cloudwatch:PutMetricAlarm': ['cloudwatch:alarm'],
  'cloudwatch:TagResource': ['cloudwatch:alarm'],
  'cloudtrail:PutEventSelectors': ['cloudtrail:trail'],
  'config:DeleteConfigurationRecorder': ['config:ConfigurationRecorder'],
  'config:DescribeConfigurationRecorderStatus': ['config:ConfigurationRecorder'],
  'config:DescribeConfigurationRecorders': ['config:ConfigurationRecorder'],
  'config:PutConfigurationRecorder': ['config:ConfigurationRecorder'],
  'config:StartConfigurationRecorder': ['config:ConfigurationRecorder'],
  'config:StopConfigurationRecorder': ['config:ConfigurationRecorder'],
  'dynamodb:DescribeContinuousBackups': ['dynamodb:table'],
  'dynamodb:DescribeTable': ['dynamodb:table'],
  'dynamodb:ListTagsOfResource': ['dynamodb:table'],
  'dynamodb:UpdateContinuousBackups': ['dynamodb:table'],
  'dynamodb:UpdateTable': ['dynamodb:table'],
  // A rule ARN is part of the request when the rule already exists (re-authorizing on rollback).
  'ec2:AuthorizeSecurityGroupEgress': ['ec2:security-group', 'ec2:security-group-rule'],
  'ec2:AuthorizeSecurityGroupIngress': ['ec2:security-group', 'ec2:security-group-rule'],
  // EC2.6 creates flow logs of VPCs, tagged on create (the only resource Rectify tags with CreateTags), and deletes only those.
  'ec2:CreateFlowLogs': ['ec2:vpc', 'ec2:vpc-flow-log'],
  'ec2:CreateTags': ['ec2:vpc-flow-log'],
  'ec2:DeleteFlowLogs': ['ec2:vpc-flow-log'],
  'ec2:DescribeSnapshotAttribute': ['ec2:snapshot'],
  'ec2:ModifyInstanceMetadataOptions': ['ec2:instance'],
  'ec2:CreateLaunchTemplateVersion': ['ec2:launch-template'],
  'ec2:DeleteLaunchTemplateVersions': ['ec2:launch-template'],
  'ec2:ModifyLaunchTemplate': ['ec2:launch-template'],
  'ec2:ModifySnapshotAttribute': ['ec2:snapshot'],
  'ec2:ModifySubnetAttribute': ['ec2:subnet'],
  'ec2:ModifyTransitGateway': ['ec2:transit-gateway'],
  'ec2:CreateNetworkAclEntry': ['ec2:network-acl'],
  'ec2:DeleteNetworkAclEntry': ['ec2:network-acl'],
  'ec2:ReplaceNetworkAclEntry': ['ec2:network-acl'],
  'ec2:RevokeSecurityGroupEgress': ['ec2:security-group'],
  'ec2:RevokeSecurityGroupIngress': ['ec2:security-group'],
  'guardduty:DeleteDetector': ['guardduty:detector'],
  'guardduty:GetDetector': ['guardduty:detector'],
  // Only the detector GuardDuty.1 creates is tagged (on create).
  'guardduty:TagResource': ['guardduty:detector'],
  'guardduty:UpdateDetector': ['guardduty:detector'],
  'iam:AttachRolePolicy': ['iam:role'],
  'ecr:BatchGetRepositoryScanningConfiguration': ['ecr:repository'],
  'ecr:DescribeRepositories': ['ecr:repository'],
  'ecr:ListTagsForResource': ['ecr:repository'],
  'ecr:PutImageScanningConfiguration': ['ecr:repository'],
  'ecr:PutImageTagMutability': ['ecr:repository'],
  'ecs:DescribeClusters': ['ecs:cluster'],
  'ecs:UpdateCluster': ['ecs:cluster'],
  'eks:DescribeCluster': ['eks:cluster'],
  'eks:UpdateClusterConfig': ['eks:cluster'],
  'elasticloadbalancing:ModifyLoadBalancerAttributes': ['elasticloadbalancing:loadbalancer'],
  'elasticloadbalancing:ModifyListener': ['elasticloadbalancing:listener/app'],
  'iam:CreateLoginProfile': ['iam:user'],
  'iam:CreateRole': ['iam:role'],
  'iam:CreateServiceLinkedRole': ['iam:role'],
  'iam:DeleteRole': ['iam:role'],
  'iam:DetachRolePolicy': ['iam:role'],
  'iam:DeleteLoginProfile': ['iam:user'],
  'iam:GetAccessKeyLastUsed': ['iam:user'],
  'iam:GetLoginProfile': ['iam:user'],
  'iam:DeleteRolePolicy': ['iam:role'],
  'iam:DeleteServiceLinkedRole': ['iam:role'],
  'iam:GetRole': ['iam:role'],
  'iam:ListRoleTags': ['iam:role'],
  'iam:PutRolePolicy': ['iam:role'],
  'iam:GetUser': ['iam:user'],
  'iam:ListAccessKeys': ['iam:user'],
  'iam:ListEntitiesForPolicy': ['iam:policy'],
  'iam:ListUserTags': ['iam:user'],
  'iam:SimulatePrincipalPolicy': ['iam:role'],
  'iam:TagRole': ['iam:role'],
  'iam:UpdateAccessKey': ['iam:user'],
  'iam:AttachUserPolicy': ['iam:user'],
  'iam:DetachUserPolicy': ['iam:user'],
  'iam:ListAttachedUserPolicies': ['iam:user'],
  'iam:CreatePolicyVersion': ['iam:policy'],
  'iam:DeletePolicyVersion': ['iam:policy'],
  'iam:GetPolicy': ['iam:policy'],
  'iam:GetPolicyVersion': ['iam:policy'],
  'iam:ListPolicyTags': ['iam:policy'],
  'iam:ListPolicyVersions': ['iam:policy'],
  'iam:SetDefaultPolicyVersion': ['iam:policy'],
  'iam:AddUserToGroup': ['iam:group'],
  'iam:AttachGroupPolicy': ['iam:group'],
  'iam:CreateGroup': ['iam:group'],
  'iam:DeleteGroup': ['iam:group'],
  'iam:DetachGroupPolicy': ['iam:group'],
  'iam:GetGroup': ['iam:group'],
  'iam:ListAttachedGroupPolicies': ['iam:group'],
  'iam:ListGroupPolicies': ['iam:group'],
  'iam:ListGroupsForUser': ['iam:user'],
  'iam:ListUserPolicies': ['iam:user'],
  'iam:RemoveUserFromGroup': ['iam:group'],
  'kms:CancelKeyDeletion': ['kms:key'],
  'kinesis:DescribeStreamSummary': ['kinesis:stream'],
  'kinesis:ListTagsForStream': ['kinesis:stream'],
  'kinesis:StartStreamEncryption': ['kinesis:kmsKey', 'kinesis:stream'],
  'kinesis:StopStreamEncryption': ['kinesis:kmsKey', 'kinesis:stream'],
  'kms:DescribeKey': ['kms:key'],
  'kms:DisableKeyRotation': ['kms:key'],
  'kms:EnableKey': ['kms:key'],
  'kms:EnableKeyRotation': ['kms:key'],
  'kms:GetKeyPolicy': ['kms:key'],
  'kms:GetKeyRotationStatus': ['kms:key'],
  'kms:ListResourceTags': ['kms:key'],
  'kms:PutKeyPolicy': ['kms:key'],
  'kms:ScheduleKeyDeletion': ['kms:key'],
  'kms:CreateAlias': ['kms:alias', 'kms:key'],
  'kms:DeleteAlias': ['kms:alias', 'kms:key'],
  'kms:TagResource': ['kms:key'],
  'lambda:AddPermission': ['lambda:function'],
  'lambda:GetFunctionConfiguration': ['lambda:function'],
  'lambda:GetPolicy': ['lambda:function'],
  // RotateSecret invokes the secret's rotation function as the caller (SecretsManager.1, .4).
  'lambda:InvokeFunction': ['lambda:function'],
  'lambda:ListTags': ['lambda:function'],
  'lambda:RemovePermission': ['lambda:function'],
  'rds:DescribeDBClusterSnapshotAttributes': ['rds:cluster-snapshot'],
  'rds:DescribeDBClusters': ['rds:cluster'],
  'logs:CreateLogGroup': ['logs:log-group'],
  'logs:DeleteMetricFilter': ['logs:log-group'],
  'logs:DescribeMetricFilters': ['logs:log-group'],
  'logs:PutMetricFilter': ['logs:log-group'],
  'logs:DeleteLogGroup': ['logs:log-group'],
  'logs:ListTagsForResource': ['logs:log-group'],
  'logs:PutRetentionPolicy': ['logs:log-group'],
  'logs:TagResource': ['logs:log-group'],
  'rds:DescribeDBInstances': ['rds:db'],
  'rds:DescribeDBSnapshotAttributes': ['rds:snapshot'],
  'rds:ListTagsForResource': ['rds:db', 'rds:snapshot', 'rds:cluster', 'rds:cluster-snapshot'],
  // Only the cluster: Rectify never changes a cluster's parameter or option groups.
  'rds:ModifyDBCluster': ['rds:cluster'],
  'rds:ModifyDBClusterSnapshotAttribute': ['rds:cluster-snapshot'],
  'rds:ModifyDBInstance': ['rds:db'],
  'rds:ModifyDBSnapshotAttribute': ['rds:snapshot'],
  'redshift:DescribeClusters': ['redshift:cluster'],
  'redshift:ModifyCluster': ['redshift:cluster'],
  's3:CreateBucket': ['s3:bucket'],
  's3:DeleteBucket': ['s3:bucket'],
  'redshift:DescribeLoggingStatus': ['redshift:cluster'],
  'redshift:EnableLogging': ['redshift:cluster'],
  'redshift:DisableLogging': ['redshift:cluster'],
  's3:DeleteBucketPolicy': ['s3:bucket'],
  's3:DeleteObject': ['s3:object'],
  's3:DeleteObjectVersion': ['s3:object'],
  'secretsmanager:CancelRotateSecret': ['secretsmanager:Secret'],
  'secretsmanager:DescribeSecret': ['secretsmanager:Secret'],
  'secretsmanager:RotateSecret': ['secretsmanager:Secret'],
  's3:GetBucketAcl': ['s3:bucket'],
  's3:GetBucketOwnershipControls': ['s3:bucket'],
  's3:GetBucketPolicy': ['s3:bucket'],
  's3:GetBucketPolicyStatus': ['s3:bucket'],
  's3:GetBucketPublicAccessBlock': ['s3:bucket'],
  's3:GetBucketTagging': ['s3:bucket'],
  's3:GetBucketVersioning': ['s3:bucket'],
  's3:GetBucketWebsite': ['s3:bucket'],
  's3:ListBucket': ['s3:bucket'],
  's3:ListBucketVersions': ['s3:bucket'],
  's3:PutBucketAcl': ['s3:bucket'],
  's3:PutBucketOwnershipControls': ['s3:bucket'],
  's3:PutBucketPolicy': ['s3:bucket'],
  's3:PutBucketPublicAccessBlock': ['s3:bucket'],
  's3:PutBucketTagging': ['s3:bucket'],
  's3:PutBucketVersioning': ['s3:bucket'],
  's3:PutEncryptionConfiguration': ['s3:bucket'],
  'sns:CreateTopic': ['sns:topic'],
  'sns:DeleteTopic': ['sns:topic'],
  'sns:GetTopicAttributes': ['sns:topic'],
  'sns:ListSubscriptionsByTopic': ['sns:topic'],
  'sns:ListTagsForResource': ['sns:topic'],
  'sns:Subscribe': ['sns:topic'],
  'sns:TagResource': ['sns:topic'],
  'sns:SetTopicAttributes': ['sns:topic'],
  's3:GetBucketLogging': ['s3:bucket'],
  's3:PutBucketLogging': ['s3:bucket'],
  'sqs:GetQueueAttributes': ['sqs:queue'],
  'sqs:GetQueueUrl': ['sqs:queue'],
  'sqs:ListQueueTags': ['sqs:queue'],
  'sqs:SetQueueAttributes': ['sqs:queue'],
  'ssm:DescribeDocumentPermission': ['ssm:document'],
  'ssm:GetAutomationExecution': ['ssm:automation-execution'],
  'ssm:GetServiceSetting': ['ssm:servicesetting'],
  // Documents only: the tags of the SSM documents findings name (tasks/domain/tagReaders/ssm.ts).
  'ssm:ListTagsForResource': ['ssm:document'],
  'ssm:ModifyDocumentPermission': ['ssm:document'],
  'ssm:ResetServiceSetting': ['ssm:servicesetting'],
  'ssm:StartAutomationExecution': ['ssm:document', 'ssm:automation-definition', 'ssm:automation-execution'],
  'ssm:StopAutomationExecution': ['ssm:automation-execution'],
  'ssm:UpdateServiceSetting': ['ssm:servicesetting'],
  'states:DescribeStateMachine': ['states:statemachine'],
  'states:ListTagsForResource': ['states:statemachine'],
  'states:UpdateStateMachine': ['states:statemachine'],
};

/**
 * Actions granted on other patterns of their resource type than {@link RESOURCE_ARN_PATTERNS} gives
 * it: SSM.4 reads and changes the sharing (and its tag reader the tags) of the account's own
 * documents, while `ssm:document` stays AWS-owned documents only for starting runbooks.
 */
export const ACTION_ARN_PATTERNS: Readonly<Record<string, readonly string[]>> = {
  'ssm:DescribeDocumentPermission': ['arn:${Partition}:ssm:*:${Account}:document/*'],
  'ssm:ListTagsForResource': ['arn:${Partition}:ssm:*:${Account}:document/*'],
  'ssm:ModifyDocumentPermission': ['arn:${Partition}:ssm:*:${Account}:document/*'],
  // Simulating a state machine's role (StepFunctions.1 checks it can deliver logs before changing anything): read-only, any role of the account.
  'iam:SimulatePrincipalPolicy': ['arn:${Partition}:iam::${Account}:role/*'],
  // Rectify deletes only the delivery buckets it creates (s3/deliveryBucket.ts names them rectify-…), and what was delivered into them.
  's3:DeleteBucket': ['arn:${Partition}:s3:::rectify-*'],
  's3:DeleteObject': ['arn:${Partition}:s3:::rectify-*/*'],
  's3:DeleteObjectVersion': ['arn:${Partition}:s3:::rectify-*/*'],
  // IAM.2 reads any group of the account and lets a user join (and, on rollback, leave) an existing
  // group that grants exactly the user's own policies; it changes the policies of Rectify's groups only.
  'iam:AddUserToGroup': ['arn:${Partition}:iam::${Account}:group/*'],
  'iam:GetGroup': ['arn:${Partition}:iam::${Account}:group/*'],
  'iam:ListAttachedGroupPolicies': ['arn:${Partition}:iam::${Account}:group/*'],
  'iam:ListGroupPolicies': ['arn:${Partition}:iam::${Account}:group/*'],
  'iam:RemoveUserFromGroup': ['arn:${Partition}:iam::${Account}:group/*'],
  // The delivery roles of EC2.6 and CloudTrail.5 are the only roles Rectify writes inline policies on; Config.1's the only service-linked role it deletes.
  'iam:DeleteRolePolicy': ['arn:${Partition}:iam::${Account}:role/rectify-vpc-flow-logs-*', 'arn:${Partition}:iam::${Account}:role/rectify-cloudtrail-logs'],
  'iam:PutRolePolicy': ['arn:${Partition}:iam::${Account}:role/rectify-vpc-flow-logs-*', 'arn:${Partition}:iam::${Account}:role/rectify-cloudtrail-logs'],
  'iam:DeleteServiceLinkedRole': ['arn:${Partition}:iam::${Account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig'],
};

/** Where an ARN pattern is filled in: the partition and account, possibly CloudFormation tokens. */
export interface ScopeAccount {
  readonly partition: string;
  readonly account: string;
}

/**
 * The resources a member role is granted `action` on: the ARN patterns of its resource types in
 * the member account, or `['*']` for an action IAM cannot scope.
 *
 * @example
 * resourcesFor('s3:PutBucketPolicy', { partition: 'aws', account: '111122223333' }); // ['arn:aws:s3:::*']
 * resourcesFor('ec2:DescribeSecurityGroups', scope); // ['*']: IAM has no resource type for it
 */
export function resourcesFor(action: string, scope: ScopeAccount): string[] {
  const types = ACTION_RESOURCE_TYPES[action];
  if (!types) return ['*'];
  const patterns = ACTION_ARN_PATTERNS[action] ?? types.flatMap((type) => patternsOf(type));
  return patterns.map((pattern) => pattern.replace('${Partition}', scope.partition).replace('${Account}', scope.account));
}

/** Whether IAM lets a policy scope `action` to resources (it is in {@link ACTION_RESOURCE_TYPES}). */
export function isScoped(action: string): boolean {
  return action in ACTION_RESOURCE_TYPES;
}
