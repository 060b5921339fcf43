import { DeletePublicAccessBlockCommand, PutPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { definePlaybook, type PlanImpact, type PlaybookContext } from '../definePlaybook.js';
import { ALL_ON, readAccountConfiguration, settingsOff, type BlockPublicAccess, type SettingName } from './blockPublicAccess.js';

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

/** What each setting cuts off across the account when turned on; the Block* ones only refuse public ACLs and policies set from now on. */
const CUTS_OFF: Partial<Record<SettingName, string>> = {
  IgnorePublicAcls: 'public ACLs on every bucket and object stop working',
  RestrictPublicBuckets: 'buckets and access points with a public policy are limited to AWS services and principals of the account',
};

/**
 * The impact of turning on `names` for the whole account. Disruptive when IgnorePublicAcls or
 * RestrictPublicBuckets is among them: establishing that no bucket, object or access point of the
 * account serves the public would take reads this playbook does not (and, bound to the finding's
 * Region, cannot) make: every object's ACL, and buckets and access points in every Region.
 * BlockPublicAcls and BlockPublicPolicy only refuse public ACLs and policies set from now on.
 */
function accountImpact(account: string, names: readonly SettingName[]): PlanImpact {
  const effects = names.flatMap((name) => (CUTS_OFF[name] ? [`${name}: ${CUTS_OFF[name]}`] : []));
  if (effects.length === 0) {
    return {
      level: 'non-disruptive',
      why: `turning on ${names.join(', ')} for account ${account} only refuses public ACLs or policies set from now on: access granted today is unchanged`,
    };
  }
  return {
    level: 'disruptive',
    why:
      `turning on ${names.join(', ')} for account ${account} overrides every bucket and access point in every Region (${effects.join('; ')}), ` +
      'and Rectify cannot establish that none serves public access today: that would take reading every object ACL and every Region',
  };
}

/**
 * Turns on all four account-level S3 Block Public Access settings. Changes only the account's
 * PublicAccessBlock configuration: bucket policies, ACLs, the buckets' own Block Public Access
 * settings and access points are left as they are.
 *
 * - Control: S3.1, https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-1
 * - Config rule: s3-account-level-public-access-blocks-periodic, https://docs.aws.amazon.com/config/latest/developerguide/s3-account-level-public-access-blocks-periodic.html
 *   with Security Hub's fixed parameters (all four true): fails when any setting is false or not
 *   configured. `verify` reads exactly those four.
 *
 * Declared disruptive, and so is every plan that turns on IgnorePublicAcls or RestrictPublicBuckets
 * (`accountImpact`): the account-level settings override every bucket, including buckets that
 * are public on purpose (static websites, public datasets), and the finding names the account,
 * so no bucket's exemption tag is consulted. Rollback restores the previous configuration, or
 * deletes it when the account had none.
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

  snapshot: (ctx) => readAccountConfiguration(ctx),

  plan(ctx, current) {
    const off = settingsOff(current);
    if (off.length === 0) return { summary: `Account ${ctx.resource.account} already blocks public access to S3`, changes: [] };
    return {
      summary: `Turn on ${off.length} account-level Block Public Access setting(s) for account ${ctx.resource.account}`,
      changes: off.map((name) => ({ description: `Turn on ${name} for account ${ctx.resource.account} (${SETTINGS[name]})` })),
      impact: accountImpact(ctx.resource.account, off),
    };
  },

  async apply(ctx) {
    await ctx.aws.client(S3ControlClient).send(new PutPublicAccessBlockCommand({ ...accountOf(ctx), PublicAccessBlockConfiguration: ALL_ON }));
  },

  async verify(ctx) {
    const off = settingsOff(await readAccountConfiguration(ctx));
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
