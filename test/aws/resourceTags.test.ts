import { describe, expect, it } from 'vitest';
import { IDENTIFIED_TYPES } from '../../tasks/domain/resourceIdentity.js';
import { readResourceTags, TAG_READABLE_TYPES, tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { allPlaybooks } from '../../tasks/playbooks/registry.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { useMoto } from '../support/moto.js';

const ACCOUNT = LOCAL_ADMIN_ACCOUNT;

describe('live tags, read with each service\'s own API (moto)', () => {
  const aws = useMoto();

  it('returns the tags of the resource asked about, and never another resource\'s', async () => {
    // Prepare: a production bucket beside an untagged key and a tagged security group
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: 'tagged-prod' } });
    await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: 'tagged-prod', Tagging: { TagSet: [{ Key: 'environment', Value: 'prod' }] } } });
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: 'untagged' } });
    const key = (await callAws({ service: 'KMS', command: 'CreateKey', params: {} })) as { KeyMetadata: { Arn: string } };
    const sg = (await callAws({
      service: 'EC2',
      command: 'CreateSecurityGroup',
      params: { GroupName: 'tagged', Description: 'x', TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'rectify:exempt', Value: '*' }] }] },
    })) as { GroupId: string };
    // Act
    const read = (type: string, arn: string) => readResourceTags(aws.clients(), type, { arn, account: ACCOUNT });
    // Assess
    expect(await read('AwsS3Bucket', 'arn:aws:s3:::tagged-prod')).toEqual({ environment: 'prod' });
    expect(await read('AwsS3Bucket', 'arn:aws:s3:::untagged')).toEqual({});
    expect(await read('AwsKmsKey', key.KeyMetadata.Arn)).toEqual({});
    expect(await read('AwsEc2SecurityGroup', `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${sg.GroupId}`)).toEqual({ 'rectify:exempt': '*' });
    expect(await read('AwsAccount', `AWS::::Account:${ACCOUNT}`)).toEqual({});
  });

  it('cannot vouch for a resource that does not exist: it throws, so the caller fails closed', async () => {
    // Act & Assess
    const read = (type: string, arn: string) => readResourceTags(aws.clients(), type, { arn, account: ACCOUNT });
    await expect(read('AwsEc2SecurityGroup', `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`)).rejects.toThrow();
    await expect(read('AwsS3Bucket', 'arn:aws:s3:::no-such-bucket-here')).rejects.toThrow();
    // A bucket of another account is not the finding's resource, even where its name resolves.
    await expect(readResourceTags(aws.clients('222222222222'), 'AwsS3Bucket', { arn: 'arn:aws:s3:::tagged-prod', account: '222222222222' })).rejects.toThrow(/not a bucket of account 222222222222/);
    await expect(read('AwsKmsKey', `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`)).rejects.toThrow();
    await expect(read('AwsSqsQueue', `arn:aws:sqs:us-east-1:${ACCOUNT}:no-such-queue`)).rejects.toThrow();
    await expect(read('AwsEc2CarrierGateway', 'arn:aws:ec2:us-east-1:1:carrier-gateway/x')).rejects.toThrow(/no way to read the live tags/);
  });

  it('every playbook\'s resource type has a canonical identity and a tag reader, and the reader\'s actions are derived', () => {
    // Prepare
    const types = [...new Set(allPlaybooks().map((p) => p.resourceType))];
    // Assess
    for (const type of types) {
      expect(IDENTIFIED_TYPES, type).toContain(type);
      expect(TAG_READABLE_TYPES, type).toContain(type);
    }
    expect(tagReadPermissionsFor(allPlaybooks())).toContain('ec2:DescribeSecurityGroups');
    expect(tagReadPermissionsFor(allPlaybooks())).not.toContain('tag:GetResources');
  });
});
