import { GetBucketTaggingCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { fromList, lastSegment, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/** Tags of a bucket the finding's account owns (`s3:ListAllMyBuckets`, `s3:GetBucketTagging`). */
export const readBucketTags: ReadTags = async (aws, { arn, account }) => {
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
};
