import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand, UpdateDetectorCommand, type DetectorFeature } from '@aws-sdk/client-guardduty';
import { RemediationFailedError } from '../../domain/errors.js';
import { readDetectorTags } from '../../domain/tagReaders/guardduty.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/**
 * The GuardDuty protection plan each control checks, by the detector feature its AWS Config rule reads
 * (Security Hub GuardDuty controls, https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html).
 */
const FEATURE_OF: Readonly<Record<string, { feature: DetectorFeature; plan: string; rule: string }>> = {
  'GuardDuty.5': { feature: 'EKS_AUDIT_LOGS', plan: 'EKS Audit Log Monitoring', rule: 'guardduty-eks-protection-audit-enabled' },
  'GuardDuty.6': { feature: 'LAMBDA_NETWORK_LOGS', plan: 'Lambda Protection', rule: 'guardduty-lambda-protection-enabled' },
  'GuardDuty.9': { feature: 'RDS_LOGIN_EVENTS', plan: 'RDS Protection', rule: 'guardduty-rds-protection-enabled' },
  'GuardDuty.10': { feature: 'S3_DATA_EVENTS', plan: 'S3 Protection', rule: 'guardduty-s3-protection-enabled' },
};

/** The region's detector and the status of every feature it reports, sorted by name. */
type ProtectionSnapshot = { detectorId: string; features: { name: string; status: string }[] };

function planOf(ctx: PlaybookContext<unknown>) {
  const entry = FEATURE_OF[ctx.controlId];
  if (!entry) throw new RemediationFailedError(`Playbook guardduty-enable-protection-plan has no protection plan for control ${ctx.controlId} (finding ${ctx.request.findingId})`);
  return entry;
}
const where = (ctx: PlaybookContext<unknown>) => `account ${ctx.resource.account} in ${ctx.resource.region}`;

/** The finding's detector (these controls name it: `…:detector/<id>`), else the region's one detector. */
async function detectorIdOf(ctx: PlaybookContext<unknown>): Promise<string | undefined> {
  if (/:detector\/[^/]+$/.test(ctx.resource.id)) return ctx.resource.name;
  const { DetectorIds = [] } = await ctx.aws.client(GuardDutyClient).send(new ListDetectorsCommand({}));
  return DetectorIds[0];
}

async function readProtection(ctx: PlaybookContext<unknown>): Promise<ProtectionSnapshot & { enabled: boolean }> {
  const guardduty = ctx.aws.client(GuardDutyClient);
  const detectorId = await detectorIdOf(ctx);
  if (!detectorId) {
    throw new RemediationFailedError(
      `GuardDuty is not enabled in ${where(ctx)} (finding ${ctx.request.findingId}): a protection plan needs a detector. Remediate GuardDuty.1 first ` +
        '(playbook guardduty-enable-detector), then this finding. Nothing was changed.',
    );
  }
  const detector = await guardduty.send(new GetDetectorCommand({ DetectorId: detectorId }));
  const features = (detector.Features ?? []).map((f) => ({ name: f.Name ?? '', status: f.Status ?? 'DISABLED' })).sort((a, b) => a.name.localeCompare(b.name));
  return { detectorId, features, enabled: detector.Status === 'ENABLED' };
}

const statusOf = (snapshot: ProtectionSnapshot, feature: string) => snapshot.features.find((f) => f.name === feature)?.status ?? 'DISABLED';

/** Set one feature's status, sending only that feature: GuardDuty changes the features an UpdateDetector names and keeps the others. */
async function setFeature(ctx: PlaybookContext<unknown>, detectorId: string, feature: DetectorFeature, status: 'ENABLED' | 'DISABLED'): Promise<void> {
  await ctx.aws.client(GuardDutyClient).send(new UpdateDetectorCommand({ DetectorId: detectorId, Features: [{ Name: feature, Status: status }] }));
}

/**
 * Turns on the GuardDuty protection plan one control checks, in a standalone account:
 * GuardDuty.5 EKS Audit Log Monitoring (https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-5,
 * AWS Config rule `guardduty-eks-protection-audit-enabled`), GuardDuty.6 Lambda Protection
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-6, `guardduty-lambda-protection-enabled`),
 * GuardDuty.9 RDS Protection (https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-9,
 * `guardduty-rds-protection-enabled`), GuardDuty.10 S3 Protection
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-10, `guardduty-s3-protection-enabled`). Each rule is
 * NON_COMPLIANT unless the detector's feature is ENABLED; `verify` reads that feature of the region's
 * detector. In an organisation the rules also check every member account from the delegated
 * administrator, which only that administrator can change: this playbook fixes the finding's own
 * account, so such a finding may stay FAILED for the members (verify reads this account only).
 *
 * Minimal change: one UpdateDetector naming only the control's feature. A region without a detector
 * is refused (GuardDuty.1 comes first). Each plan is billed by volume, so the plan is disruptive.
 * Rollback turns the feature off again only when it was off before and is still on.
 * Not emulated: moto's UpdateDetector replaces every feature (tested with aws-sdk-client-mock).
 */
export const enableProtectionPlan = definePlaybook<ProtectionSnapshot, { description: string }>({
  id: 'guardduty-enable-protection-plan',
  title: 'Turn on the GuardDuty protection plan a control checks (EKS audit logs, Lambda, RDS, S3)',
  controls: ['GuardDuty.5', 'GuardDuty.6', 'GuardDuty.9', 'GuardDuty.10'],
  // The controls' resource is the detector (AWS::GuardDuty::Detector).
  resourceType: 'AwsGuardDutyDetector',
  impact: 'disruptive',
  permissions: ['guardduty:GetDetector', 'guardduty:ListDetectors', 'guardduty:UpdateDetector'],
  notEmulated: "moto 5.2.1's UpdateDetector replaces the detector's whole Features list where GuardDuty changes only the features named",

  // The finding may name the detector or only the account and region: the shared reader (GetDetector) on the detector found.
  async readTags(ctx) {
    const detectorId = await detectorIdOf(ctx);
    if (!detectorId) return {};
    const arn = `arn:${ctx.resource.partition}:guardduty:${ctx.resource.region}:${ctx.resource.account}:detector/${detectorId}`;
    return readDetectorTags(ctx.aws, { arn, account: ctx.resource.account });
  },

  async snapshot(ctx) {
    const { detectorId, features } = await readProtection(ctx);
    return { detectorId, features };
  },

  plan(ctx, current) {
    const { feature, plan } = planOf(ctx);
    if (statusOf(current, feature) === 'ENABLED') return { summary: `GuardDuty ${plan} is on in ${where(ctx)}`, changes: [] };
    const why = `GuardDuty bills ${plan} by the volume it analyses ($1–100/month in most accounts, a 30-day free trial shows the estimate); workloads are unaffected`;
    return {
      summary: `Turn on GuardDuty ${plan} in ${where(ctx)} (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [{ description: `Enable feature ${feature} (${plan}) of GuardDuty detector ${current.detectorId}; other protection plans unchanged; rollback turns it off again` }],
    };
  },

  async apply(ctx) {
    const { feature } = planOf(ctx);
    const current = await readProtection(ctx);
    if (statusOf(current, feature) !== 'ENABLED') await setFeature(ctx, current.detectorId, feature, 'ENABLED');
  },

  async verify(ctx) {
    const { feature, plan } = planOf(ctx);
    const current = await readProtection(ctx);
    const status = statusOf(current, feature);
    return { compliant: status === 'ENABLED', detail: `GuardDuty ${plan} (${feature}) of detector ${current.detectorId} in ${where(ctx)} is ${status.toLowerCase()}` };
  },

  async rollback(ctx, snapshot) {
    const { feature } = planOf(ctx);
    if (statusOf(snapshot, feature) === 'ENABLED') return;
    const now = await readProtection(ctx);
    if (now.detectorId === snapshot.detectorId && statusOf(now, feature) === 'ENABLED') await setFeature(ctx, now.detectorId, feature, 'DISABLED');
  },
});
