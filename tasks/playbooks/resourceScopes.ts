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

/**
 * ARN patterns by resource type. `${Partition}` and `${Account}` are the member account's, filled
 * where the policy is built; the region is `*` on purpose: one member role serves every region
 * whose findings the administrator account aggregates, and which those are is not known at
 * deploy time. EC2 snapshots, S3 buckets and API Gateway resources carry no account in their ARN.
 */
export const RESOURCE_ARN_PATTERNS = {
  // API Gateway ARNs carry no account: the member role reaches only its own account's APIs and settings.
  'apigateway:Account': 'arn:${Partition}:apigateway:*::/account',
  'apigateway:Stage': 'arn:${Partition}:apigateway:*::/restapis/*/stages/*',
  'cloudformation:stack': 'arn:${Partition}:cloudformation:*:${Account}:stack/*',
  'cloudtrail:trail': 'arn:${Partition}:cloudtrail:*:${Account}:trail/*',
  'dynamodb:table': 'arn:${Partition}:dynamodb:*:${Account}:table/*',
  'ec2:instance': 'arn:${Partition}:ec2:*:${Account}:instance/*',
  'ecr:repository': 'arn:${Partition}:ecr:*:${Account}:repository/*',
  'ecs:cluster': 'arn:${Partition}:ecs:*:${Account}:cluster/*',
  'eks:cluster': 'arn:${Partition}:eks:*:${Account}:cluster/*',
  // Application, Network and Gateway Load Balancers: loadbalancer/app|net|gwy/<name>/<id>.
  'elasticloadbalancing:loadbalancer': 'arn:${Partition}:elasticloadbalancing:*:${Account}:loadbalancer/*',
  'ec2:security-group': 'arn:${Partition}:ec2:*:${Account}:security-group/*',
  'ec2:security-group-rule': 'arn:${Partition}:ec2:*:${Account}:security-group-rule/*',
  'ec2:snapshot': 'arn:${Partition}:ec2:*::snapshot/*',
  'ec2:subnet': 'arn:${Partition}:ec2:*:${Account}:subnet/*',
  'iam:role': 'arn:${Partition}:iam::${Account}:role/*',
  'iam:user': 'arn:${Partition}:iam::${Account}:user/*',
  'kinesis:kmsKey': 'arn:${Partition}:kms:*:${Account}:key/*',
  'kinesis:stream': 'arn:${Partition}:kinesis:*:${Account}:stream/*',
  'kms:key': 'arn:${Partition}:kms:*:${Account}:key/*',
  'lambda:function': 'arn:${Partition}:lambda:*:${Account}:function:*',
  'logs:log-group': 'arn:${Partition}:logs:*:${Account}:log-group:*',
  'rds:db': 'arn:${Partition}:rds:*:${Account}:db:*',
  'rds:snapshot': 'arn:${Partition}:rds:*:${Account}:snapshot:*',
  's3:bucket': 'arn:${Partition}:s3:::*',
  'sqs:queue': 'arn:${Partition}:sqs:*:${Account}:*',
  // AWS-owned documents only (their ARNs carry no account): playbooks run AWS's runbooks, never a document of the account.
  'ssm:document': 'arn:${Partition}:ssm:*::document/*',
  'ssm:automation-definition': 'arn:${Partition}:ssm:*:*:automation-definition/*',
  'ssm:automation-execution': 'arn:${Partition}:ssm:*:${Account}:automation-execution/*',
  'states:statemachine': 'arn:${Partition}:states:*:${Account}:stateMachine:*',
} as const;

/**
 * The resource types each scoped action is authorized on, as Rectify calls it: the required
 * types, and an optional one only where a call involves it (a tag read of a trail, not of an event
 * data store). Actions absent here have no resource type in the Reference.
 */
export const ACTION_RESOURCE_TYPES: Readonly<Record<string, readonly ResourceType[]>> = {
  'apigateway:GET': ['apigateway:Account', 'apigateway:Stage'],
  'apigateway:PATCH': ['apigateway:Stage'],
  'cloudformation:DescribeStacks': ['cloudformation:stack'],
  'cloudformation:UpdateTerminationProtection': ['cloudformation:stack'],
  'cloudtrail:GetTrail': ['cloudtrail:trail'],
  'cloudtrail:ListTags': ['cloudtrail:trail'],
  'cloudtrail:UpdateTrail': ['cloudtrail:trail'],
  'dynamodb:DescribeContinuousBackups': ['dynamodb:table'],
  'dynamodb:ListTagsOfResource': ['dynamodb:table'],
  'dynamodb:UpdateContinuousBackups': ['dynamodb:table'],
  // A rule ARN is part of the request when the rule already exists (re-authorizing on rollback).
  'ec2:AuthorizeSecurityGroupEgress': ['ec2:security-group', 'ec2:security-group-rule'],
  'ec2:AuthorizeSecurityGroupIngress': ['ec2:security-group', 'ec2:security-group-rule'],
  'ec2:DescribeSnapshotAttribute': ['ec2:snapshot'],
  'ec2:ModifyInstanceMetadataOptions': ['ec2:instance'],
  'ec2:ModifySnapshotAttribute': ['ec2:snapshot'],
  'ec2:ModifySubnetAttribute': ['ec2:subnet'],
  'ec2:RevokeSecurityGroupEgress': ['ec2:security-group'],
  'ec2:RevokeSecurityGroupIngress': ['ec2:security-group'],
  'ecr:BatchGetRepositoryScanningConfiguration': ['ecr:repository'],
  'ecr:DescribeRepositories': ['ecr:repository'],
  'ecr:ListTagsForResource': ['ecr:repository'],
  'ecr:PutImageScanningConfiguration': ['ecr:repository'],
  'ecs:DescribeClusters': ['ecs:cluster'],
  'ecs:UpdateCluster': ['ecs:cluster'],
  'eks:DescribeCluster': ['eks:cluster'],
  'eks:UpdateClusterConfig': ['eks:cluster'],
  'elasticloadbalancing:ModifyLoadBalancerAttributes': ['elasticloadbalancing:loadbalancer'],
  'iam:CreateLoginProfile': ['iam:user'],
  'iam:DeleteLoginProfile': ['iam:user'],
  'iam:GetAccessKeyLastUsed': ['iam:user'],
  'iam:GetLoginProfile': ['iam:user'],
  'iam:GetUser': ['iam:user'],
  'iam:ListAccessKeys': ['iam:user'],
  'iam:ListUserTags': ['iam:user'],
  'iam:SimulatePrincipalPolicy': ['iam:role'],
  'iam:UpdateAccessKey': ['iam:user'],
  'kinesis:DescribeStreamSummary': ['kinesis:stream'],
  'kinesis:ListTagsForStream': ['kinesis:stream'],
  'kinesis:StartStreamEncryption': ['kinesis:kmsKey', 'kinesis:stream'],
  'kinesis:StopStreamEncryption': ['kinesis:kmsKey', 'kinesis:stream'],
  'kms:DescribeKey': ['kms:key'],
  'kms:DisableKeyRotation': ['kms:key'],
  'kms:EnableKeyRotation': ['kms:key'],
  'kms:GetKeyRotationStatus': ['kms:key'],
  'kms:ListResourceTags': ['kms:key'],
  'lambda:AddPermission': ['lambda:function'],
  'lambda:GetFunctionConfiguration': ['lambda:function'],
  'lambda:GetPolicy': ['lambda:function'],
  'lambda:ListTags': ['lambda:function'],
  'lambda:RemovePermission': ['lambda:function'],
  'logs:CreateLogGroup': ['logs:log-group'],
  'logs:DeleteLogGroup': ['logs:log-group'],
  'logs:ListTagsForResource': ['logs:log-group'],
  'logs:PutRetentionPolicy': ['logs:log-group'],
  'logs:TagResource': ['logs:log-group'],
  'rds:DescribeDBInstances': ['rds:db'],
  'rds:DescribeDBSnapshotAttributes': ['rds:snapshot'],
  'rds:ListTagsForResource': ['rds:db', 'rds:snapshot'],
  'rds:ModifyDBInstance': ['rds:db'],
  'rds:ModifyDBSnapshotAttribute': ['rds:snapshot'],
  's3:DeleteBucketPolicy': ['s3:bucket'],
  's3:GetBucketAcl': ['s3:bucket'],
  's3:GetBucketOwnershipControls': ['s3:bucket'],
  's3:GetBucketPolicy': ['s3:bucket'],
  's3:GetBucketPolicyStatus': ['s3:bucket'],
  's3:GetBucketPublicAccessBlock': ['s3:bucket'],
  's3:GetBucketTagging': ['s3:bucket'],
  's3:GetBucketVersioning': ['s3:bucket'],
  's3:GetBucketWebsite': ['s3:bucket'],
  's3:ListBucketVersions': ['s3:bucket'],
  's3:PutBucketPolicy': ['s3:bucket'],
  's3:PutBucketPublicAccessBlock': ['s3:bucket'],
  's3:PutBucketVersioning': ['s3:bucket'],
  'sqs:GetQueueAttributes': ['sqs:queue'],
  'sqs:GetQueueUrl': ['sqs:queue'],
  'sqs:ListQueueTags': ['sqs:queue'],
  'sqs:SetQueueAttributes': ['sqs:queue'],
  'ssm:GetAutomationExecution': ['ssm:automation-execution'],
  'ssm:StartAutomationExecution': ['ssm:document', 'ssm:automation-definition', 'ssm:automation-execution'],
  'ssm:StopAutomationExecution': ['ssm:automation-execution'],
  'states:DescribeStateMachine': ['states:statemachine'],
  'states:ListTagsForResource': ['states:statemachine'],
  'states:UpdateStateMachine': ['states:statemachine'],
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
  return types.map((type) => RESOURCE_ARN_PATTERNS[type].replace('${Partition}', scope.partition).replace('${Account}', scope.account));
}

/** Whether IAM lets a policy scope `action` to resources (it is in {@link ACTION_RESOURCE_TYPES}). */
export function isScoped(action: string): boolean {
  return action in ACTION_RESOURCE_TYPES;
}
