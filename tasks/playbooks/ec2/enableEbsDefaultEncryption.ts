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
 * Why turning encryption by default on is disruptive, though nothing running changes: what
 * launches and shares volumes from then on can break, and only a person knows whether it does.
 */
const IMPACT = {
  level: 'disruptive',
  why:
    'launches of instance types without EBS encryption support fail from then on, and snapshots and AMIs of new volumes ' +
    'encrypted with the AWS managed aws/ebs key can no longer be shared with other accounts',
} as const;

/**
 * Turns on EBS encryption by default for the finding's account in the finding's region (EC2.7,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-7; AWS Config rule
 * `ec2-ebs-encryption-by-default`, https://docs.aws.amazon.com/config/latest/developerguide/ec2-ebs-encryption-by-default.html).
 * The rule reads `GetEbsEncryptionByDefault` and nothing else (not which key is the default), and
 * so does `verify`. The finding's resource is the account itself (`AwsAccount`,
 * `AWS::::Account:<id>`), so the account and region come from the finding, not from a resource name.
 *
 * Changes only that one regional setting. Existing volumes and snapshots stay as they are
 * (encryption by default applies to volumes created afterwards), other regions are untouched,
 * and the default KMS key is left as configured (`aws/ebs` unless someone chose another).
 * Disruptive ({@link IMPACT}). Rollback turns the setting off again only when it was off before.
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
  impact: IMPACT.level,
  permissions: ['ec2:GetEbsEncryptionByDefault', 'ec2:EnableEbsEncryptionByDefault', 'ec2:DisableEbsEncryptionByDefault'],

  snapshot: async (ctx) => ({ encryptionByDefault: await encryptionByDefault(ctx) }),

  plan(ctx, current) {
    if (current.encryptionByDefault) return { summary: `EBS encryption by default is already on in ${where(ctx)}`, changes: [] };
    return {
      summary: `Turn on EBS encryption by default in ${where(ctx)} (${IMPACT.level}: ${IMPACT.why})`,
      changes: [
        {
          description:
            `Turn on EBS encryption by default in ${where(ctx)}: volumes created from now on are encrypted with the ` +
            'default EBS KMS key; existing volumes and snapshots are not changed',
        },
      ],
      impact: IMPACT,
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
