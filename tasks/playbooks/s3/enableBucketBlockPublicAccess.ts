import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import {
  ACL_SETTINGS,
  normaliseBlockPublicAccess,
  POLICY_SETTINGS,
  readAccountConfiguration,
  SETTING_NAMES,
  settingsOff,
  withSettingsOn,
  type BlockPublicAccess,
  type SettingName,
} from './blockPublicAccess.js';
import { bucketImpact } from './bucketImpact.js';
import { EXPOSURE_READ_PERMISSIONS, readBucketExposure, type Access, type BucketExposure } from './bucketExposure.js';

/** `null`: the bucket has no Block Public Access configuration of its own. */
type BlockPublicAccessSnapshot = BlockPublicAccess | null;
type Change = { description: string; setting: SettingName };

/** Each setting and what turning it on does, for the reviewer reading the plan. */
const SETTINGS: Record<SettingName, string> = {
  BlockPublicAcls: 'reject new public ACLs',
  IgnorePublicAcls: 'ignore existing public ACLs',
  BlockPublicPolicy: 'reject bucket policies that grant public access',
  RestrictPublicBuckets: 'limit a public policy to AWS services and the bucket owner',
};

/** What a control checks: all four settings, or no public access of a kind (`any`: read or write) left unrestricted. */
type Condition = 'all-settings' | Access | 'any';

/**
 * What each control checks: S3.8 and its CIS aliases all four bucket-level settings; S3.2 (PCI.S3.2)
 * no public read, S3.3 (PCI.S3.1) no public write, CloudTrail.6 (the trail's bucket, CIS v1.2.0 2.3,
 * v1.4.0 3.3) no public access at all, through the bucket's policy or ACL unless the Block Public
 * Access settings for that source restrict it.
 */
const CONDITION: Readonly<Record<string, Condition>> = {
  'CloudTrail.6': 'any',
  'cis-aws-foundations-benchmark/v/1.2.0/2.3': 'any',
  'cis-aws-foundations-benchmark/v/1.4.0/3.3': 'any',
  'S3.2': 'read',
  'pci-dss/v/3.2.1/PCI.S3.2': 'read',
  'S3.3': 'write',
  'pci-dss/v/3.2.1/PCI.S3.1': 'write',
};
const conditionOf = (ctx: PlaybookContext<unknown>) => CONDITION[ctx.controlId] ?? 'all-settings';

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
 * The bucket-level settings the finding's control requires on. For S3.2/S3.3 a source that grants
 * public read (write) needs both of its settings: the rule says only that Block Public Access must
 * "restrict" public policies or ACLs, so requiring both is the reading that can never pass what
 * the control fails.
 */
function requiredSettings(condition: Condition, exposure: BucketExposure | undefined): SettingName[] {
  if (condition === 'all-settings' || !exposure) return [...SETTING_NAMES];
  const open = exposure.grants.filter((grant) => grantsAccess(grant, condition));
  return [...(open.some((g) => g.source === 'acl') ? ACL_SETTINGS : []), ...(open.some((g) => g.source === 'policy') ? POLICY_SETTINGS : [])];
}

/** Whether a public grant gives the access the control is about. */
const grantsAccess = (grant: { access: readonly Access[] }, condition: Exclude<Condition, 'all-settings'>) => condition === 'any' || grant.access.includes(condition);
const accessWords = (condition: Exclude<Condition, 'all-settings'>) => (condition === 'any' ? 'public' : `public ${condition}`);

/** The required settings that are off, with the bucket's exposure when the control depends on it. */
async function missingSettings(ctx: PlaybookContext<unknown>, config: BlockPublicAccessSnapshot) {
  const condition = conditionOf(ctx);
  const exposure = condition === 'all-settings' ? undefined : await readBucketExposure(ctx);
  const off = settingsOff(config, requiredSettings(condition, exposure));
  return { condition, exposure, off };
}

/**
 * Turns on the bucket-level S3 Block Public Access settings the finding's control requires.
 * Changes only the bucket's PublicAccessBlock configuration: bucket policy, ACLs, objects and the
 * account-level settings are left as they are.
 *
 * - S3.8 (CIS 2.1.5.2 / 2.1.4.2): https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-8,
 *   Config rule s3-bucket-level-public-access-prohibited: fails when any of the four bucket-level
 *   settings is false. All four are turned on; `verify` reads exactly those four.
 * - S3.2 (PCI.S3.2): https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-2,
 *   rule s3-bucket-public-read-prohibited; S3.3 (PCI.S3.1): …/s3-controls.html#s3-3, rule s3-bucket-public-write-prohibited.
 *   Compliant when Block Public Access restricts public policies or the policy allows no public
 *   read (write), and restricts public ACLs or the ACL allows none. Only the pair for a source
 *   that grants it is turned on (BlockPublicAcls+IgnorePublicAcls, BlockPublicPolicy+RestrictPublicBuckets).
 *   Not documented, decided towards failing: which settings "restrict" (both of the pair are
 *   required), and whether account-level settings count (only the bucket's do).
 * - CloudTrail.6 (CIS v1.2.0 2.3, v1.4.0 3.3): https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-6,
 *   rule `cloudtrail-s3-bucket-public-access-prohibited`
 *   (https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-s3-bucket-public-access-prohibited.html):
 *   the bucket a trail writes to must not be publicly accessible, so S3.2's and S3.3's reading
 *   applies to read and write together; the finding names the bucket.
 *
 * Impact is the plan's (`bucketImpact`): disruptive when it cuts off public access the bucket
 * may serve today, with the grants named; non-disruptive otherwise.
 */
export const enableBucketBlockPublicAccess = definePlaybook<BlockPublicAccessSnapshot, Change>({
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
    'CloudTrail.6',
    'cis-aws-foundations-benchmark/v/1.2.0/2.3',
    'cis-aws-foundations-benchmark/v/1.4.0/3.3',
  ],
  resourceType: 'AwsS3Bucket',
  impact: 'non-disruptive',
  permissions: [
    's3:GetBucketPublicAccessBlock',
    // DeletePublicAccessBlock (rollback to "no configuration") is authorised by s3:PutBucketPublicAccessBlock.
    's3:PutBucketPublicAccessBlock',
    // What the bucket grants the public today (S3.2/S3.3 and the plan's impact), and whether the account already blocks it.
    ...EXPOSURE_READ_PERMISSIONS,
    's3:GetAccountPublicAccessBlock',
  ],

  snapshot: (ctx) => readConfiguration(ctx),

  async plan(ctx, current) {
    const { condition, exposure, off } = await missingSettings(ctx, current);
    const what = condition === 'all-settings' ? 'blocks public access' : `allows no ${accessWords(condition)} access`;
    if (off.length === 0) return { summary: `Bucket ${ctx.resource.name} already ${what} (${ctx.controlId})`, changes: [] };
    const changes = off.map((setting) => ({ setting, description: `Turn on ${setting} for bucket ${ctx.resource.name} (${SETTINGS[setting]})` }));
    const impact = bucketImpact(ctx.resource.name, off, exposure ?? (await readBucketExposure(ctx)), await readAccountConfiguration(ctx));
    return { summary: `Turn on ${off.length} Block Public Access setting(s) for bucket ${ctx.resource.name} (${ctx.controlId})`, changes, impact };
  },

  async apply(ctx, plan) {
    // Only the plan's settings, merged into the live configuration: a setting someone turned on meanwhile stays on.
    const live = await readConfiguration(ctx);
    const off = settingsOff(live, plan.changes.map((change) => change.setting));
    if (off.length === 0) return;
    await ctx.aws.client(S3Client).send(new PutPublicAccessBlockCommand({ ...bucketOf(ctx), PublicAccessBlockConfiguration: withSettingsOn(live, off) }));
  },

  async verify(ctx) {
    const { condition, exposure, off } = await missingSettings(ctx, await readConfiguration(ctx));
    if (off.length === 0) {
      const met = condition === 'all-settings' ? 'all four Block Public Access settings are on' : `it grants no ${accessWords(condition)} access that Block Public Access leaves unrestricted`;
      return { compliant: true, detail: `Bucket ${ctx.resource.name} meets ${ctx.controlId}: ${met}` };
    }
    const open = exposure?.grants.filter((grant) => condition !== 'all-settings' && grantsAccess(grant, condition)) ?? [];
    const because = open.length > 0 ? ` while ${open.map((grant) => grant.description).join(', ')}` : '';
    return { compliant: false, detail: `Bucket ${ctx.resource.name} has ${off.join(', ')} off${because} (${ctx.controlId})` };
  },

  async rollback(ctx, snapshot) {
    const s3 = ctx.aws.client(S3Client);
    if (snapshot === null) await s3.send(new DeletePublicAccessBlockCommand(bucketOf(ctx)));
    else await s3.send(new PutPublicAccessBlockCommand({ ...bucketOf(ctx), PublicAccessBlockConfiguration: snapshot }));
  },
});
