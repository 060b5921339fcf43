import { CloudTrailClient, GetTrailCommand, UpdateTrailCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

type LogFileValidationSnapshot = { logFileValidationEnabled: boolean };

/** The trail as CloudTrail names it in calls: its ARN, which also finds it outside its home Region. */
function trailOf(ctx: PlaybookContext<unknown>): string {
  return ctx.resource.id.startsWith('arn:') ? ctx.resource.id : ctx.resource.name;
}

async function readTrail(ctx: PlaybookContext<unknown>): Promise<Trail> {
  const { Trail: trail } = await ctx.aws.client(CloudTrailClient).send(new GetTrailCommand({ Name: trailOf(ctx) }));
  if (!trail) throw new RemediationFailedError(`GetTrail returned nothing for ${ctx.resource.id} (finding ${ctx.request.findingId})`);
  return trail;
}

/** Why this account and Region cannot update the trail, or undefined when it can. */
function whyNotUpdatable(ctx: PlaybookContext<unknown>, trail: Trail): string | undefined {
  // arn:aws:cloudtrail:<home region>:<owner account>:trail/<name>
  const [, , , arnRegion, owner] = (trail.TrailARN ?? ctx.resource.id).split(':');
  if (owner && owner !== ctx.resource.account) {
    return `it is an organization trail owned by account ${owner}: enable validation there, in the management account`;
  }
  const home = trail.HomeRegion ?? arnRegion;
  if (home && home !== ctx.resource.region) {
    return `its home Region is ${home}, and CloudTrail updates a trail only from its home Region: fix the finding there`;
  }
  return undefined;
}

/** Why enabling validation disrupts nothing: stated in every plan that changes the trail. */
const IMPACT = {
  level: 'non-disruptive',
  why: 'logging, delivery and every reader of the logs are unchanged; CloudTrail only adds an hourly digest file beside them',
} as const;

/**
 * Turns on log file integrity validation for a CloudTrail trail (CloudTrail.4,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-4; AWS Config rule
 * `cloud-trail-log-file-validation-enabled`, https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-log-file-validation-enabled.html):
 * the rule reads the trail's `LogFileValidationEnabled` and nothing else, and so does `verify`.
 * CloudTrail then delivers a signed digest file every hour beside the logs, in the same bucket.
 * Changes only that setting: bucket, prefix, encryption, SNS, CloudWatch Logs, event selectors
 * and whether the trail is logging stay as they are. Rollback turns validation off again; digest
 * files already delivered stay in the bucket. Refuses trails this account or Region cannot update
 * (organization trails of another account, multi-Region trails outside their home Region).
 */
export const enableLogFileValidation = definePlaybook<LogFileValidationSnapshot, { description: string }>({
  id: 'cloudtrail-enable-log-file-validation',
  title: 'Enable log file validation for a CloudTrail trail',
  controls: [
    'CloudTrail.4',
    'cis-aws-foundations-benchmark/v/1.2.0/2.2',
    'cis-aws-foundations-benchmark/v/1.4.0/3.2',
    'cis-aws-foundations-benchmark/v/3.0.0/3.2',
    'cis-aws-foundations-benchmark/v/5.0.0/3.2',
    'pci-dss/v/3.2.1/PCI.CloudTrail.3',
  ],
  resourceType: 'AwsCloudTrailTrail',
  impact: IMPACT.level,
  permissions: ['cloudtrail:GetTrail', 'cloudtrail:UpdateTrail'],

  snapshot: async (ctx) => ({ logFileValidationEnabled: (await readTrail(ctx)).LogFileValidationEnabled ?? false }),

  async plan(ctx, current) {
    const reason = whyNotUpdatable(ctx, await readTrail(ctx));
    if (reason) {
      throw new RemediationFailedError(
        `Cannot enable log file validation of trail ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. ` +
          'Rectify changed nothing; remediate this trail by hand or suppress the finding.',
      );
    }
    if (current.logFileValidationEnabled) return { summary: `Trail ${ctx.resource.name} already validates its log files`, changes: [] };
    const description = `Enable log file validation for trail ${ctx.resource.id}: CloudTrail will deliver hourly signed digest files to its bucket`;
    return {
      summary: `Enable log file validation for trail ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      changes: [{ description }],
      impact: IMPACT,
    };
  },

  async apply(ctx) {
    if ((await readTrail(ctx)).LogFileValidationEnabled) return;
    await ctx.aws.client(CloudTrailClient).send(new UpdateTrailCommand({ Name: trailOf(ctx), EnableLogFileValidation: true }));
  },

  async verify(ctx) {
    const enabled = (await readTrail(ctx)).LogFileValidationEnabled ?? false;
    return { compliant: enabled, detail: `Log file validation of trail ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.logFileValidationEnabled || !(await readTrail(ctx)).LogFileValidationEnabled) return;
    await ctx.aws.client(CloudTrailClient).send(new UpdateTrailCommand({ Name: trailOf(ctx), EnableLogFileValidation: false }));
  },
});
