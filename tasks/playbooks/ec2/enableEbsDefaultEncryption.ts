import {
  DisableEbsEncryptionByDefaultCommand,
  EC2Client,
  EnableEbsEncryptionByDefaultCommand,
  GetEbsEncryptionByDefaultCommand,
} from '@aws-sdk/client-ec2';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

type EbsDefaultEncryptionSnapshot = { encryptionByDefault: boolean };

/** The finding names the account; the setting lives in one region of it. */
const where = (ctx: PlaybookContext<unknown>) => `account ${ctx.resource.account} in ${ctx.resource.region}`;

async function encryptionByDefault(ctx: PlaybookContext<unknown>): Promise<boolean> {
  const response = await ctx.aws.client(EC2Client).send(new GetEbsEncryptionByDefaultCommand({}));
  return response.EbsEncryptionByDefault ?? false;
}

/**
 * Turns on EBS encryption by default for the finding's account in the finding's region (EC2.7).
 * The finding's resource is the account itself (`AwsAccount`, `AWS::::Account:<id>`), so the
 * account and region come from the finding, not from a resource name.
 *
 * Changes only that one regional setting. Existing volumes and snapshots stay as they are
 * (encryption by default applies to volumes created afterwards), other regions are untouched,
 * and the default KMS key is left as configured (`aws/ebs` unless someone chose another).
 *
 * Disruptive: from then on new volumes are encrypted, so instance types without EBS encryption
 * support can no longer be launched, and snapshots of new volumes encrypted with the AWS managed
 * `aws/ebs` key cannot be shared with other accounts. Rollback turns the setting off again only
 * when it was off before.
 */
export const enableEbsDefaultEncryption = definePlaybook<EbsDefaultEncryptionSnapshot, { description: string }>({
  id: 'ec2-enable-ebs-default-encryption',
  title: 'Turn on EBS encryption by default in an account and region',
  controls: [
    'EC2.7',
    // Per-standard generator ids (findings without consolidated control ids).
    'cis-aws-foundations-benchmark/v/1.4.0/2.2.1',
    'cis-aws-foundations-benchmark/v/3.0.0/2.2.1',
    'cis-aws-foundations-benchmark/v/5.0.0/5.1.1',
  ],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  permissions: ['ec2:GetEbsEncryptionByDefault', 'ec2:EnableEbsEncryptionByDefault', 'ec2:DisableEbsEncryptionByDefault'],

  snapshot: async (ctx) => ({ encryptionByDefault: await encryptionByDefault(ctx) }),

  plan(ctx, current) {
    if (current.encryptionByDefault) return { summary: `EBS encryption by default is already on in ${where(ctx)}`, changes: [] };
    return {
      summary: `Turn on EBS encryption by default in ${where(ctx)}`,
      changes: [
        {
          description:
            `Turn on EBS encryption by default in ${where(ctx)}: volumes created from now on are encrypted with the ` +
            'default EBS KMS key; existing volumes and snapshots are not changed',
        },
      ],
    };
  },

  async apply(ctx) {
    if (await encryptionByDefault(ctx)) return;
    await ctx.aws.client(EC2Client).send(new EnableEbsEncryptionByDefaultCommand({}));
  },

  async verify(ctx) {
    const enabled = await encryptionByDefault(ctx);
    return { compliant: enabled, detail: `EBS encryption by default is ${enabled ? 'on' : 'off'} in ${where(ctx)}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.encryptionByDefault || !(await encryptionByDefault(ctx))) return;
    await ctx.aws.client(EC2Client).send(new DisableEbsEncryptionByDefaultCommand({}));
  },
});
