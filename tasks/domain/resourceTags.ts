import { CloudTrailClient, ListTagsCommand as ListTrailTagsCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Tag as Ec2Tag,
} from '@aws-sdk/client-ec2';
import { IAMClient, paginateListUserTags } from '@aws-sdk/client-iam';
import { KMSClient, paginateListResourceTags } from '@aws-sdk/client-kms';
import { LambdaClient, ListTagsCommand as ListFunctionTagsCommand } from '@aws-sdk/client-lambda';
import { ListTagsForResourceCommand as ListRdsTagsCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetBucketTaggingCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListTagsForResourceCommand as ListTopicTagsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clientFactory.js';

/** The resource whose tags are read: its canonical ARN (docs/decisions/008) and the account it must be in. */
export interface TaggedResource {
  readonly arn: string;
  readonly account: string;
}

type Tags = Record<string, string>;

/**
 * Reads the live tags of one resource type with that service's own API. A reader must vouch
 * for the resource: when the resource does not exist (or is not the finding's account's), it
 * throws, and the caller fails closed. (The Resource Groups Tagging API cannot do this: it
 * answers nothing for a resource that was never tagged, exactly as for one that does not exist.)
 */
interface TagReader {
  /** IAM actions the reader calls (the member read role is generated from these). */
  readonly permissions: readonly string[];
  read(aws: AwsClients, resource: TaggedResource): Promise<Tags>;
}

class ResourceNotFoundForTagsError extends Error {
  constructor(arn: string) {
    super(`${arn} was not found, so its tags cannot vouch for it`);
    this.name = 'ResourceNotFound';
  }
}

const lastSegment = (arn: string) => arn.split(/[:/]/).pop() ?? arn;
const fromList = (list: readonly { Key?: string; Value?: string }[] | undefined): Tags =>
  Object.fromEntries((list ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));

function ec2Reader(
  action: string,
  describe: (ec2: EC2Client, id: string) => Promise<{ Tags?: Ec2Tag[] } | undefined>,
): TagReader {
  return {
    permissions: [`ec2:${action}`],
    async read(aws, { arn }) {
      const found = await describe(aws.client(EC2Client), lastSegment(arn));
      if (!found) throw new ResourceNotFoundForTagsError(arn);
      return fromList(found.Tags);
    },
  };
}

const READERS: Readonly<Record<string, TagReader>> = {
  AwsEc2SecurityGroup: ec2Reader('DescribeSecurityGroups', async (ec2, id) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.find((g) => g.GroupId === id)),
  AwsEc2Instance: ec2Reader('DescribeInstances', async (ec2, id) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id),
  ),
  AwsEc2Subnet: ec2Reader('DescribeSubnets', async (ec2, id) => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets?.find((s) => s.SubnetId === id)),
  AwsEc2Vpc: ec2Reader('DescribeVpcs', async (ec2, id) => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs?.find((v) => v.VpcId === id)),
  AwsEc2Volume: ec2Reader('DescribeVolumes', async (ec2, id) => (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes?.find((v) => v.VolumeId === id)),
  AwsKmsKey: {
    permissions: ['kms:ListResourceTags'],
    async read(aws, { arn }) {
      const tags: Tags = {};
      for await (const page of paginateListResourceTags({ client: aws.client(KMSClient) }, { KeyId: arn })) {
        for (const tag of page.Tags ?? []) if (tag.TagKey !== undefined) tags[tag.TagKey] = tag.TagValue ?? '';
      }
      return tags;
    },
  },
  AwsSqsQueue: {
    permissions: ['sqs:GetQueueUrl', 'sqs:ListQueueTags'],
    async read(aws, { arn, account }) {
      const sqs = aws.client(SQSClient);
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: lastSegment(arn), QueueOwnerAWSAccountId: account }));
      if (!QueueUrl) throw new ResourceNotFoundForTagsError(arn);
      return { ...(await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags };
    },
  },
  AwsSnsTopic: {
    permissions: ['sns:ListTagsForResource'],
    async read(aws, { arn }) {
      return fromList((await aws.client(SNSClient).send(new ListTopicTagsCommand({ ResourceArn: arn }))).Tags);
    },
  },
  AwsDynamoDbTable: {
    permissions: ['dynamodb:ListTagsOfResource'],
    async read(aws, { arn }) {
      const tags: Tags = {};
      let next: string | undefined;
      do {
        const page = await aws.client(DynamoDBClient).send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken: next }));
        Object.assign(tags, fromList(page.Tags));
        next = page.NextToken;
      } while (next);
      return tags;
    },
  },
  AwsCloudTrailTrail: {
    permissions: ['cloudtrail:ListTags'],
    async read(aws, { arn }) {
      const answer = await aws.client(CloudTrailClient).send(new ListTrailTagsCommand({ ResourceIdList: [arn] }));
      const mine = answer.ResourceTagList?.find((r) => r.ResourceId === arn);
      if (!mine) throw new ResourceNotFoundForTagsError(arn);
      return fromList(mine.TagsList);
    },
  },
  AwsLambdaFunction: {
    permissions: ['lambda:ListTags'],
    async read(aws, { arn }) {
      return { ...(await aws.client(LambdaClient).send(new ListFunctionTagsCommand({ Resource: arn }))).Tags };
    },
  },
  AwsIamUser: {
    permissions: ['iam:ListUserTags'],
    async read(aws, { arn }) {
      const tags: Tags = {};
      for await (const page of paginateListUserTags({ client: aws.client(IAMClient) }, { UserName: lastSegment(arn) })) Object.assign(tags, fromList(page.Tags));
      return tags;
    },
  },
  AwsS3Bucket: {
    permissions: ['s3:ListAllMyBuckets', 's3:GetBucketTagging'],
    async read(aws, { arn, account }) {
      // A bucket name is global: only a bucket the finding's account owns is its resource.
      // ListBuckets answers only the caller's own buckets (ExpectedBucketOwner below says the same where it is enforced).
      const name = lastSegment(arn);
      let owned = false;
      let token: string | undefined;
      do {
        const page = await aws.client(S3Client).send(new ListBucketsCommand({ Prefix: name, MaxBuckets: 1000, ContinuationToken: token }));
        owned = (page.Buckets ?? []).some((b) => b.Name === name);
        token = page.ContinuationToken;
      } while (!owned && token);
      if (!owned) throw new ResourceNotFoundForTagsError(`${arn} (not a bucket of account ${account})`);
      try {
        // ExpectedBucketOwner: a bucket name is global; a bucket of another account is not this finding's resource.
        return fromList((await aws.client(S3Client).send(new GetBucketTaggingCommand({ Bucket: lastSegment(arn), ExpectedBucketOwner: account }))).TagSet);
      } catch (error) {
        if ((error as Error).name === 'NoSuchTagSet') return {};
        throw error;
      }
    },
  },
  // An account has no resource tags: exempt it in the register, mark it production with `productionAccounts`.
  AwsAccount: { permissions: [], read: async () => ({}) },
};
for (const type of ['AwsRdsDbInstance', 'AwsRdsDbSnapshot', 'AwsRdsDbClusterSnapshot']) {
  (READERS as Record<string, TagReader>)[type] = {
    permissions: ['rds:ListTagsForResource'],
    async read(aws, { arn }) {
      return fromList((await aws.client(RDSClient).send(new ListRdsTagsCommand({ ResourceName: arn }))).TagList);
    },
  };
}

/** Resource types whose live tags Rectify can read (a test keeps every playbook's type here). */
export const TAG_READABLE_TYPES: readonly string[] = Object.keys(READERS);

/** IAM actions that read the tags of these resource types (all types when none are given). */
export function tagReadPermissions(types: readonly string[] = TAG_READABLE_TYPES): string[] {
  return [...new Set(types.flatMap((type) => READERS[type]?.permissions ?? []))].sort();
}

/** A resource type has no tag reader: its tags cannot vouch for anything, so the check fails closed. */
export class NoTagReaderError extends Error {
  constructor(type: string) {
    super(`Rectify has no way to read the live tags of a ${type}; it will not decide exemption or criticality without them`);
    this.name = 'NoTagReader';
  }
}

/**
 * Live tags of a resource, read with its own service's API. Throws when they cannot be read
 * (denied, throttled, not found, or no reader for the type): callers fail closed.
 */
export async function readResourceTags(aws: AwsClients, type: string, resource: TaggedResource): Promise<Tags> {
  const reader = READERS[type];
  if (!reader) throw new NoTagReaderError(type);
  return reader.read(aws, resource);
}

/**
 * The values of every tag whose key equals `key` ignoring case. AWS tag keys are case-sensitive,
 * so `Environment` and `environment` can both exist; every check looks at all of them.
 */
export function tagValues(tags: Tags, key: string): string[] {
  const wanted = key.toLowerCase();
  return Object.entries(tags)
    .filter(([k]) => k.toLowerCase() === wanted)
    .map(([, value]) => value);
}

/** The tag-read actions for the resource types these playbooks act on. */
export function tagReadPermissionsFor(playbooks: readonly { readonly resourceType: string }[]): string[] {
  return tagReadPermissions([...new Set(playbooks.map((p) => p.resourceType))]);
}

/**
 * Live tags of a playbook's resource: the playbook's own reader when it declares one, else the
 * reader of its resource type. Throws when they cannot be read.
 */
export async function liveTagsOf(
  playbook: { readTags?(ctx: never): Promise<Tags> },
  ctx: { readonly aws: AwsClients; readonly resource: { readonly id: string; readonly type: string; readonly account: string } },
): Promise<Tags> {
  if (playbook.readTags) return (playbook.readTags as (c: typeof ctx) => Promise<Tags>)(ctx);
  return readResourceTags(ctx.aws, ctx.resource.type, { arn: ctx.resource.id, account: ctx.resource.account });
}
