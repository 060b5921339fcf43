import { EMRClient, GetBlockPublicAccessConfigurationCommand, PutBlockPublicAccessConfigurationCommand } from '@aws-sdk/client-emr';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The one port EMR.2 lets stay open to the internet: SSH, EMR's own default exception. */
const SSH = 22;

type PortRange = { minRange: number; maxRange: number };
/** The region's EMR block public access configuration, ranges sorted. */
type BlockPublicAccessSnapshot = { blockPublicSecurityGroupRules: boolean; permittedRanges: PortRange[] };

async function readConfiguration(ctx: PlaybookContext<unknown>): Promise<BlockPublicAccessSnapshot> {
  const { BlockPublicAccessConfiguration: configuration } = await ctx.aws.client(EMRClient).send(new GetBlockPublicAccessConfigurationCommand({}));
  const permittedRanges = (configuration?.PermittedPublicSecurityGroupRuleRanges ?? [])
    .map((r) => ({ minRange: r.MinRange ?? 0, maxRange: r.MaxRange ?? r.MinRange ?? 0 }))
    .sort((a, b) => a.minRange - b.minRange || a.maxRange - b.maxRange);
  return { blockPublicSecurityGroupRules: configuration?.BlockPublicSecurityGroupRules ?? false, permittedRanges };
}

async function writeConfiguration(ctx: PlaybookContext<unknown>, configuration: BlockPublicAccessSnapshot): Promise<void> {
  await ctx.aws.client(EMRClient).send(
    new PutBlockPublicAccessConfigurationCommand({
      BlockPublicAccessConfiguration: {
        BlockPublicSecurityGroupRules: configuration.blockPublicSecurityGroupRules,
        PermittedPublicSecurityGroupRuleRanges: configuration.permittedRanges.map((r) => ({ MinRange: r.minRange, MaxRange: r.maxRange })),
      },
    }),
  );
}

const isSshOnly = (r: PortRange) => r.minRange === SSH && r.maxRange === SSH;
const rangeText = (r: PortRange) => (r.minRange === r.maxRange ? `${r.minRange}` : `${r.minRange}-${r.maxRange}`);

/** Why EMR.2 fails this configuration, or undefined when it passes (the rule: on, and no permitted port but 22). */
function whyNonCompliant(configuration: BlockPublicAccessSnapshot): string | undefined {
  if (!configuration.blockPublicSecurityGroupRules) return 'block public access is off';
  const others = configuration.permittedRanges.filter((r) => !isSshOnly(r));
  if (others.length > 0) return `ports other than 22 are permitted to be public: ${others.map(rangeText).join(', ')}`;
  return undefined;
}

/**
 * Turns on Amazon EMR block public access for the finding's account and region, permitting no
 * public port but SSH (22) (EMR.2, https://docs.aws.amazon.com/securityhub/latest/userguide/emr-controls.html#emr-2;
 * AWS Config rule `emr-block-public-access`,
 * https://docs.aws.amazon.com/config/latest/developerguide/emr-block-public-access.html:
 * NON_COMPLIANT when `BlockPublicSecurityGroupRules` is false, or when ports other than 22 are in
 * `PermittedPublicSecurityGroupRuleRanges`). `verify` evaluates exactly that. A permitted port 22
 * stays permitted; no port is added. Running clusters are unaffected, but EMR will refuse to
 * create a cluster whose security groups allow inbound traffic from anywhere on another port, so
 * every plan is disruptive and names the ports it stops permitting. Rollback restores the
 * previous configuration. Not emulated: moto 5.2.1 stores `BlockPublicSecurityGroupRules` false
 * as true, so the restore of a disabled configuration cannot be shown (tested with aws-sdk-client-mock).
 */
export const enableEmrBlockPublicAccess = definePlaybook<BlockPublicAccessSnapshot, { description: string }>({
  id: 'emr-enable-block-public-access',
  title: 'Turn on Amazon EMR block public access, permitting only port 22',
  controls: ['EMR.2'],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  permissions: ['elasticmapreduce:GetBlockPublicAccessConfiguration', 'elasticmapreduce:PutBlockPublicAccessConfiguration'],
  notEmulated: 'moto 5.2.1 stores PutBlockPublicAccessConfiguration BlockPublicSecurityGroupRules false as true, so a rollback to disabled cannot be shown',

  snapshot: readConfiguration,

  plan(ctx, current) {
    const reason = whyNonCompliant(current);
    const where = `account ${ctx.resource.account} in ${ctx.resource.region}`;
    if (!reason) return { summary: `Amazon EMR block public access is on for ${where}, permitting no public port but 22`, changes: [] };
    const dropped = current.permittedRanges.filter((r) => !isSshOnly(r));
    const kept = current.permittedRanges.filter(isSshOnly);
    const why =
      `EMR will refuse to create clusters in ${where} whose security groups allow inbound traffic from anywhere` +
      `${dropped.length ? ` on ports ${dropped.map(rangeText).join(', ')}, permitted until now` : ''}${kept.length ? ' other than on port 22' : ''}; ` +
      'running clusters are unaffected, but a pipeline that launches such clusters fails';
    return {
      summary: `Turn on Amazon EMR block public access for ${where} (${reason}; disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [
        {
          description:
            `Set BlockPublicSecurityGroupRules to true for Amazon EMR in ${where}` +
            (dropped.length ? ` and stop permitting public ports ${dropped.map(rangeText).join(', ')}` : '') +
            (kept.length ? '; port 22 stays permitted' : ''),
        },
      ],
    };
  },

  async apply(ctx) {
    const current = await readConfiguration(ctx);
    if (!whyNonCompliant(current)) return;
    await writeConfiguration(ctx, { blockPublicSecurityGroupRules: true, permittedRanges: current.permittedRanges.filter(isSshOnly) });
  },

  async verify(ctx) {
    const reason = whyNonCompliant(await readConfiguration(ctx));
    const where = `account ${ctx.resource.account} in ${ctx.resource.region}`;
    return { compliant: !reason, detail: reason ? `Amazon EMR in ${where}: ${reason}` : `Amazon EMR block public access is on for ${where}, permitting no public port but 22` };
  },

  async rollback(ctx, snapshot) {
    const current = await readConfiguration(ctx);
    if (JSON.stringify(current) !== JSON.stringify(snapshot)) await writeConfiguration(ctx, snapshot);
  },
});
