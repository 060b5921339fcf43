import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../tasks/aws/clientFactory.js';

/** A control whose non-compliant resource is cheap to create in moto, and how to create one. */
export interface StormControl {
  readonly controlId: string;
  readonly resourceType: string;
  /** Create a non-compliant resource with these tags; returns its ARN. */
  create(aws: AwsClients, name: string, tags: Record<string, string>): Promise<string>;
}

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

async function bucket(aws: AwsClients, name: string, tags: Record<string, string>): Promise<string> {
  const s3 = aws.client(S3Client);
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  if (Object.keys(tags).length > 0) await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: tagList(tags) } }));
  return `arn:aws:s3:::${name}`;
}

/** Six non-disruptive playbooks: automatic unless the resource is production. */
export const STORM_CONTROLS: readonly StormControl[] = [
  // A new bucket has no public access block (S3.8) and no versioning (S3.14).
  { controlId: 'S3.8', resourceType: 'AwsS3Bucket', create: bucket },
  { controlId: 'S3.14', resourceType: 'AwsS3Bucket', create: bucket },
  {
    controlId: 'KMS.4',
    resourceType: 'AwsKmsKey',
    async create(aws, name, tags) {
      const key = await aws.client(KMSClient).send(
        new CreateKeyCommand({ Description: name, Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }),
      );
      return key.KeyMetadata!.Arn!;
    },
  },
  {
    controlId: 'SQS.1',
    resourceType: 'AwsSqsQueue',
    async create(aws, name, tags) {
      await aws.client(SQSClient).send(new CreateQueueCommand({ QueueName: name, Attributes: { SqsManagedSseEnabled: 'false' }, tags }));
      return `arn:aws:sqs:${aws.region}:${aws.account}:${name}`;
    },
  },
  {
    controlId: 'DynamoDB.2',
    resourceType: 'AwsDynamoDbTable',
    async create(aws, name, tags) {
      const table = await aws.client(DynamoDBClient).send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          ...(Object.keys(tags).length > 0 ? { Tags: tagList(tags) } : {}),
        }),
      );
      return table.TableDescription!.TableArn!;
    },
  },
  {
    controlId: 'EC2.19',
    resourceType: 'AwsEc2SecurityGroup',
    async create(aws, name, tags) {
      const ec2 = aws.client(EC2Client);
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: 'storm: SSH open to the world',
          ...(Object.keys(tags).length > 0 ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: tagList(tags) }] } : {}),
        }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      );
      return `arn:aws:ec2:${aws.region}:${aws.account}:security-group/${GroupId}`;
    },
  },
];
