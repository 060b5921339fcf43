import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { ALL_ON, normaliseBlockPublicAccess, settingsOff, type BlockPublicAccess } from './blockPublicAccess.js';

/** `null`: the bucket has no Block Public Access configuration of its own. */
type BlockPublicAccessSnapshot = BlockPublicAccess | null;

/** Each setting and what turning it on does, for the reviewer reading the plan. */
const SETTINGS: Record<keyof BlockPublicAccess, string> = {
  BlockPublicAcls: 'reject new public ACLs',
  IgnorePublicAcls: 'ignore existing public ACLs',
  BlockPublicPolicy: 'reject bucket policies that grant public access',
  RestrictPublicBuckets: 'limit a public policy to AWS services and the bucket owner',
};

function bucketOf(ctx: PlaybookContext<unknown>) {
  // Bucket names are global: refuse to touch a bucket of the same name owned by another account.
  return { Bucket: ctx.resource.name, ExpectedBucketOwner: ctx.resource.account };
}

async function readConfiguration(ctx: PlaybookContext<unknown>): Promise<BlockPublicAccessSnapshot> {
  try {
    const { PublicAccessBlockConfiguration: c } = await ctx.aws.client(S3Client).send(new GetPublicAccessBlockCommand(bucketOf(ctx)));
    return normaliseBlockPublicAccess(c);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchPublicAccessBlockConfiguration') return null;
    throw error;
  }
}

/**
 * Turns on all four bucket-level S3 Block Public Access settings (S3.8; also satisfies S3.2 and
 * S3.3, public read and write). Changes only the bucket's PublicAccessBlock configuration: bucket
 * policy, ACLs, objects and the account-level settings are left as they are.
 */
export const enableBucketBlockPublicAccess = definePlaybook<BlockPublicAccessSnapshot, { description: string }>({
  id: 's3-enable-bucket-block-public-access',
  title: 'Turn on S3 Block Public Access for a bucket',
  controls: [
    'S3.8',
    'S3.2',
    'S3.3',
    // CIS .2 is the bucket level (S3.8); PCI DSS v3.2.1 PCI.S3.2 is S3.2 (read) and PCI.S3.1 is S3.3 (write).
    'cis-aws-foundations-benchmark/v/1.4.0/2.1.5.2',
    'cis-aws-foundations-benchmark/v/3.0.0/2.1.4.2',
    'cis-aws-foundations-benchmark/v/5.0.0/2.1.4.2',
    'pci-dss/v/3.2.1/PCI.S3.2',
    'pci-dss/v/3.2.1/PCI.S3.1',
  ],
  resourceType: 'AwsS3Bucket',
  impact: 'non-disruptive',
  // DeletePublicAccessBlock (rollback to "no configuration") is authorised by s3:PutBucketPublicAccessBlock.
  permissions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],

  snapshot: (ctx) => readConfiguration(ctx),

  plan(ctx, current) {
    const changes = settingsOff(current).map((name) => ({
      description: `Turn on ${name} for bucket ${ctx.resource.name} (${SETTINGS[name]})`,
    }));
    const summary = changes.length
      ? `Turn on ${changes.length} Block Public Access setting(s) for bucket ${ctx.resource.name}`
      : `Bucket ${ctx.resource.name} already blocks public access`;
    return { summary, changes };
  },

  async apply(ctx) {
    await ctx.aws.client(S3Client).send(new PutPublicAccessBlockCommand({ ...bucketOf(ctx), PublicAccessBlockConfiguration: ALL_ON }));
  },

  async verify(ctx) {
    const off = settingsOff(await readConfiguration(ctx));
    return off.length === 0
      ? { compliant: true, detail: `Bucket ${ctx.resource.name} has all four Block Public Access settings on` }
      : { compliant: false, detail: `Bucket ${ctx.resource.name} has ${off.join(', ')} off` };
  },

  async rollback(ctx, snapshot) {
    const s3 = ctx.aws.client(S3Client);
    if (snapshot === null) await s3.send(new DeletePublicAccessBlockCommand(bucketOf(ctx)));
    else await s3.send(new PutPublicAccessBlockCommand({ ...bucketOf(ctx), PublicAccessBlockConfiguration: snapshot }));
  },
});
