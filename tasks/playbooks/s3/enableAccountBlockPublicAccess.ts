import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { ALL_ON, normaliseBlockPublicAccess, settingsOff, type BlockPublicAccess } from './blockPublicAccess.js';

/** `null`: the account has no Block Public Access configuration at all. */
type AccountBlockPublicAccessSnapshot = BlockPublicAccess | null;

/** Each setting and what turning it on does across the account, for the reviewer. */
const SETTINGS: Record<keyof BlockPublicAccess, string> = {
  BlockPublicAcls: 'reject new public ACLs on every bucket and object',
  IgnorePublicAcls: 'ignore existing public ACLs on every bucket and object',
  BlockPublicPolicy: 'reject bucket and access point policies that grant public access',
  RestrictPublicBuckets: 'limit every bucket with a public policy to AWS services and the bucket owner',
};

// The finding names the account (`AWS::::Account:<id>`); S3 Control addresses it by id.
const accountOf = (ctx: PlaybookContext<unknown>) => ({ AccountId: ctx.resource.account });

async function readConfiguration(ctx: PlaybookContext<unknown>): Promise<AccountBlockPublicAccessSnapshot> {
  try {
    const { PublicAccessBlockConfiguration: c } = await ctx.aws.client(S3ControlClient).send(new GetPublicAccessBlockCommand(accountOf(ctx)));
    return normaliseBlockPublicAccess(c);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchPublicAccessBlockConfiguration') return null;
    throw error;
  }
}

/**
 * Turns on all four account-level S3 Block Public Access settings (S3.1). Changes only the
 * account's PublicAccessBlock configuration: bucket policies, ACLs, the buckets' own Block Public
 * Access settings and access points are left as they are.
 *
 * Disruptive: the account-level settings override every bucket in the account, including
 * buckets that are public on purpose (static websites, public datasets), and the finding names
 * the account, so no bucket's exemption tag is consulted. Rollback restores the previous
 * configuration, or deletes it when the account had none.
 */
export const enableAccountBlockPublicAccess = definePlaybook<AccountBlockPublicAccessSnapshot, { description: string }>({
  id: 's3-enable-account-block-public-access',
  title: 'Turn on S3 Block Public Access for a whole account',
  controls: [
    'S3.1',
    // CIS splits its one block-public-access requirement: .1 is the account level (S3.1), .2 the bucket level (S3.8).
    'cis-aws-foundations-benchmark/v/1.4.0/2.1.5.1',
    'cis-aws-foundations-benchmark/v/3.0.0/2.1.4.1',
    'cis-aws-foundations-benchmark/v/5.0.0/2.1.4.1',
    'pci-dss/v/3.2.1/PCI.S3.6',
  ],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  // S3 Control's GetPublicAccessBlock and PutPublicAccessBlock are authorised by these account
  // actions; DeletePublicAccessBlock (rollback to "no configuration") by s3:PutAccountPublicAccessBlock.
  permissions: ['s3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock'],

  snapshot: (ctx) => readConfiguration(ctx),

  plan(ctx, current) {
    const changes = settingsOff(current).map((name) => ({
      description: `Turn on ${name} for account ${ctx.resource.account} (${SETTINGS[name]})`,
    }));
    const summary = changes.length
      ? `Turn on ${changes.length} account-level Block Public Access setting(s) for account ${ctx.resource.account}`
      : `Account ${ctx.resource.account} already blocks public access to S3`;
    return { summary, changes };
  },

  async apply(ctx) {
    await ctx.aws.client(S3ControlClient).send(new PutPublicAccessBlockCommand({ ...accountOf(ctx), PublicAccessBlockConfiguration: ALL_ON }));
  },

  async verify(ctx) {
    const off = settingsOff(await readConfiguration(ctx));
    return off.length === 0
      ? { compliant: true, detail: `Account ${ctx.resource.account} has all four Block Public Access settings on` }
      : { compliant: false, detail: `Account ${ctx.resource.account} has ${off.join(', ')} off` };
  },

  async rollback(ctx, snapshot) {
    const s3control = ctx.aws.client(S3ControlClient);
    if (snapshot === null) await s3control.send(new DeletePublicAccessBlockCommand(accountOf(ctx)));
    else await s3control.send(new PutPublicAccessBlockCommand({ ...accountOf(ctx), PublicAccessBlockConfiguration: snapshot }));
  },
});
