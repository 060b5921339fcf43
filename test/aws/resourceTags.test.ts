import { describe, expect, it } from 'vitest';
import { readResourceTags } from '../../tasks/domain/resourceTags.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { useMoto } from '../support/moto.js';

describe('readResourceTags against moto', () => {
  const aws = useMoto();

  it('returns the tags of the resource asked about, and never another resource\'s', async () => {
    // Prepare: a production bucket beside an untagged key
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: 'tagged-prod' } });
    await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: 'tagged-prod', Tagging: { TagSet: [{ Key: 'environment', Value: 'prod' }] } } });
    const key = (await callAws({ service: 'KMS', command: 'CreateKey', params: {} })) as { KeyMetadata: { Arn: string } };
    // Act
    const bucketTags = await readResourceTags(aws.clients(), 'arn:aws:s3:::tagged-prod');
    const keyTags = await readResourceTags(aws.clients(), key.KeyMetadata.Arn);
    // Assess
    expect(bucketTags).toEqual({ environment: 'prod' });
    expect(keyTags).toEqual({});
    expect(await readResourceTags(aws.clients(), 'AWS::::Account:123456789012')).toEqual({});
  });
});
