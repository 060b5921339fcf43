import {
  CreateBucketCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type ObjectOwnership,
  type PublicAccessBlockConfiguration,
  type PutBucketAclCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';

export const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
export const ACLS_ONLY = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false };
export const POLICY_ONLY = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: true };
export const ALL_USERS = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"';
export const AUTHENTICATED_USERS = 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"';
export const arnOf = (bucket: string) => `arn:aws:s3:::${bucket}`;

/** A bucket policy statement that lets everyone do `actions` on the bucket's objects. */
export const everyone = (bucket: string, Sid: string, ...actions: string[]) => ({
  Sid,
  Effect: 'Allow',
  Principal: '*',
  Action: actions.length === 1 ? actions[0] : actions,
  Resource: `${arnOf(bucket)}/*`,
});

export interface BucketSetup {
  readonly configuration?: PublicAccessBlockConfiguration;
  /** The grant headers of PutBucketAcl (`GrantRead`, …), or a canned ACL. */
  readonly acl?: Omit<PutBucketAclCommandInput, 'Bucket'>;
  readonly statements?: (bucket: string) => object[];
  readonly ownership?: ObjectOwnership;
  /** Keys of objects to put in the bucket. */
  readonly objects?: string[];
}

/** A fresh bucket in moto, configured as given. */
export async function createBucket(s3: S3Client, setup: BucketSetup = {}): Promise<string> {
  const Bucket = `rectify-${crypto.randomUUID()}`;
  await s3.send(new CreateBucketCommand({ Bucket }));
  if (setup.ownership) await s3.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: setup.ownership }] } }));
  if (setup.acl) await s3.send(new PutBucketAclCommand({ Bucket, ...setup.acl }));
  if (setup.statements) await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: setup.statements(Bucket) }) }));
  for (const Key of setup.objects ?? []) await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'hello' }));
  if (setup.configuration) await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: setup.configuration }));
  return Bucket;
}

/** The bucket's own configuration as S3 reports it, or the error name when it has none. */
export async function configurationOf(s3: S3Client, Bucket: string): Promise<PublicAccessBlockConfiguration | string> {
  try {
    return (await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration!;
  } catch (error) {
    return (error as Error).name;
  }
}

/** The settings a plan turns on (the registry's Playbook type erases the playbook's change type). */
export const settingsOf = (plan: { readonly changes: readonly object[] }) => plan.changes.map((change) => (change as { setting?: string }).setting);
