import { CreateDetectorCommand, DeleteDetectorCommand, GetDetectorCommand, GuardDutyClient, ListDetectorsCommand, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { createdByTags, creationChange, isCreatedBy, type CreatedResource } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The playbook's id, the value of the `rectify:created-by` tag on the detector it creates. */
const PLAYBOOK_ID = 'guardduty-enable-detector';

/** What a detector costs: GuardDuty bills what it analyses, so the bill follows the account's activity. */
const DETECTOR: CreatedResource = {
  type: 'AWS::GuardDuty::Detector',
  monthlyCost: '$10–100',
  costBasis:
    'GuardDuty bills per million CloudTrail management events and per GB of VPC flow logs and DNS logs it analyses, plus the protection plans ' +
    'enabled by default for a new detector (S3 data events and others, each billed by volume); a 30-day free trial per account and region shows the estimate. Busy accounts pay more than $100',
};

/** The region's detector (GuardDuty allows at most one per account and region) and whether it is on. */
type DetectorSnapshot = { detectorId: string | null; enabled: boolean };

const where = (ctx: PlaybookContext<unknown>) => `account ${ctx.resource.account} in ${ctx.resource.region}`;

async function readDetector(ctx: PlaybookContext<unknown>): Promise<DetectorSnapshot & { tags: Record<string, string> }> {
  const guardduty = ctx.aws.client(GuardDutyClient);
  const { DetectorIds = [] } = await guardduty.send(new ListDetectorsCommand({}));
  const detectorId = DetectorIds[0];
  if (!detectorId) return { detectorId: null, enabled: false, tags: {} };
  const detector = await guardduty.send(new GetDetectorCommand({ DetectorId: detectorId }));
  return { detectorId, enabled: detector.Status === 'ENABLED', tags: detector.Tags ?? {} };
}

/**
 * Turns GuardDuty on in the finding's account and region (GuardDuty.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-1;
 * AWS Config rule `guardduty-enabled-centralized`,
 * https://docs.aws.amazon.com/config/latest/developerguide/guardduty-enabled-centralized.html:
 * NON_COMPLIANT unless the region has a detector whose status is ENABLED; Security Hub sets no
 * `CentralMonitoringAccount`). `verify` reads exactly that.
 *
 * A region has at most one detector. A disabled one is enabled again (its settings, protection
 * plans and findings kept) rather than replaced; only when there is none does Rectify create one,
 * tagged `rectify:created-by`. GuardDuty bills by the volume it analyses ({@link DETECTOR}), so
 * every plan is disruptive and says so. Rollback disables the detector it re-enabled, and deletes
 * the detector it created, only while its live tags still say Rectify created it; deleting a
 * detector deletes its findings, which the rollback plan of the approval page states.
 * A member account whose detector an administrator manages is not special-cased: GuardDuty refuses
 * the change there, and the execution fails and rolls back, naming the error.
 */
export const enableGuardDuty = definePlaybook<DetectorSnapshot, { description: string }>({
  id: 'guardduty-enable-detector',
  title: 'Turn GuardDuty on in an account and region',
  controls: ['GuardDuty.1', 'pci-dss/v/3.2.1/PCI.GuardDuty.1'],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  creates: [DETECTOR],
  permissions: [
    'guardduty:CreateDetector',
    'guardduty:DeleteDetector',
    'guardduty:GetDetector',
    'guardduty:ListDetectors',
    'guardduty:TagResource',
    'guardduty:UpdateDetector',
    'iam:CreateServiceLinkedRole',
  ],

  async snapshot(ctx) {
    const { detectorId, enabled } = await readDetector(ctx);
    return { detectorId, enabled };
  },

  plan(ctx, current) {
    if (current.enabled) return { summary: `GuardDuty is on in ${where(ctx)} (detector ${current.detectorId})`, changes: [] };
    const why = `GuardDuty bills by the volume of events and logs it analyses (${DETECTOR.monthlyCost}/month, more in busy accounts); workloads are unaffected`;
    const change = current.detectorId
      ? {
          description:
            `Enable GuardDuty detector ${current.detectorId} in ${where(ctx)} again, with its existing settings and protection plans; ` +
            `cost ${DETECTOR.monthlyCost}/month: ${DETECTOR.costBasis}; rollback disables it again`,
        }
      : creationChange(DETECTOR, `GuardDuty detector of ${where(ctx)}`, "findings encrypted at rest by GuardDuty with AWS owned keys; rollback deleting it deletes its findings too");
    return { summary: `Turn GuardDuty on in ${where(ctx)} (disruptive: ${why})`, impact: { level: 'disruptive', why }, changes: [change] };
  },

  async apply(ctx) {
    const current = await readDetector(ctx);
    if (current.enabled) return;
    const guardduty = ctx.aws.client(GuardDutyClient);
    if (current.detectorId) await guardduty.send(new UpdateDetectorCommand({ DetectorId: current.detectorId, Enable: true }));
    else await guardduty.send(new CreateDetectorCommand({ Enable: true, Tags: createdByTags(PLAYBOOK_ID) }));
  },

  async verify(ctx) {
    const { detectorId, enabled } = await readDetector(ctx);
    const state = detectorId ? `detector ${detectorId} is ${enabled ? 'enabled' : 'disabled'}` : 'there is no detector';
    return { compliant: enabled, detail: `GuardDuty in ${where(ctx)}: ${state}` };
  },

  async rollback(ctx, snapshot) {
    const now = await readDetector(ctx);
    if (!now.detectorId || snapshot.enabled) return;
    const guardduty = ctx.aws.client(GuardDutyClient);
    if (snapshot.detectorId === null) {
      // Created by this run: removed only while its live tags still say Rectify made it.
      if (isCreatedBy(now.tags, PLAYBOOK_ID)) await guardduty.send(new DeleteDetectorCommand({ DetectorId: now.detectorId }));
      return;
    }
    if (now.detectorId === snapshot.detectorId && now.enabled) await guardduty.send(new UpdateDetectorCommand({ DetectorId: now.detectorId, Enable: false }));
  },
});
