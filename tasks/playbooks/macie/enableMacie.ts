import { DisableMacieCommand, EnableMacieCommand, GetMacieSessionCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** Macie's status in the region: `NONE` when Macie was never enabled there (or was disabled). */
type MacieSnapshot = { status: 'ENABLED' | 'PAUSED' | 'NONE' };

const where = (ctx: PlaybookContext<unknown>) => `account ${ctx.resource.account} in ${ctx.resource.region}`;

/** What enabling Macie costs, stated in the plan (Amazon Macie pricing). */
const COST =
  '$1–100/month: Macie bills the S3 buckets it monitors for inventory and security ($0.10 per bucket per month) and the objects it ' +
  'monitors for automated sensitive data discovery, which a new Macie account has on by default (30-day free trial); more for many buckets';

/**
 * Macie's session status. A region where Macie is off answers GetMacieSession with an error:
 * AWS documents AccessDeniedException "Macie is not enabled"; moto answers ResourceNotFoundException.
 * Any other error (a real permission problem) is not taken for "off".
 */
async function readStatus(ctx: PlaybookContext<unknown>): Promise<MacieSnapshot['status']> {
  try {
    const { status } = await ctx.aws.client(Macie2Client).send(new GetMacieSessionCommand({}));
    return status === 'ENABLED' || status === 'PAUSED' ? status : 'NONE';
  } catch (error) {
    const { name, message } = error as Error;
    if (name === 'ResourceNotFoundException' || (name === 'AccessDeniedException' && /macie is not enabled/i.test(message))) return 'NONE';
    throw error;
  }
}

/**
 * Turns Amazon Macie on in the finding's account and region (Macie.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/macie-controls.html#macie-1; AWS Config
 * rule `macie-status-check`, https://docs.aws.amazon.com/config/latest/developerguide/macie-status-check.html:
 * NON_COMPLIANT unless the Macie session's `status` is `ENABLED`). `verify` reads exactly that.
 *
 * Enabling Macie bills per monitored bucket and object ({@link COST}), so every plan is disruptive.
 * A paused Macie is compliant neither; someone paused it on purpose, so Rectify does not resume it
 * and says how. Rollback disables Macie only when it was off at the snapshot. DisableMacie deletes
 * Macie's configuration and findings in the region (nothing the account had before the run, but what
 * Macie produced since): both the plan and the rollback say so.
 * Not emulated: moto 5.2.1's GetMacieSession answers dates the SDK refuses (tested with aws-sdk-client-mock).
 */
export const enableMacie = definePlaybook<MacieSnapshot, { description: string }>({
  id: 'macie-enable',
  title: 'Turn Amazon Macie on in an account and region',
  controls: ['Macie.1'],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  // EnableMacie creates the service-linked role AWSServiceRoleForAmazonMacie when the account has none.
  permissions: ['iam:CreateServiceLinkedRole', 'macie2:DisableMacie', 'macie2:EnableMacie', 'macie2:GetMacieSession'],
  notEmulated: 'moto 5.2.1 answers GetMacieSession with dates the AWS SDK cannot parse, and starts every region with Macie enabled',

  snapshot: async (ctx) => ({ status: await readStatus(ctx) }),

  plan(ctx, current) {
    if (current.status === 'ENABLED') return { summary: `Macie is enabled in ${where(ctx)}`, changes: [] };
    if (current.status === 'PAUSED') refusePaused(ctx);
    const why = `Macie adds cost (${COST}); workloads and data are unaffected (Macie only reads bucket metadata and samples objects)`;
    return {
      summary: `Turn Amazon Macie on in ${where(ctx)} (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [
        {
          description:
            `Enable Amazon Macie in ${where(ctx)} (findings published every 15 minutes, Macie's default; cost ${COST}). ` +
            'Rollback disables Macie again, which deletes the configuration and findings Macie made in this region since',
        },
      ],
    };
  },

  async apply(ctx) {
    const status = await readStatus(ctx);
    if (status === 'ENABLED') return;
    if (status === 'PAUSED') refusePaused(ctx);
    await ctx.aws.client(Macie2Client).send(new EnableMacieCommand({ status: 'ENABLED' }));
  },

  async verify(ctx) {
    const status = await readStatus(ctx);
    return { compliant: status === 'ENABLED', detail: `Macie in ${where(ctx)} is ${status === 'NONE' ? 'not enabled' : status.toLowerCase()}` };
  },

  async rollback(ctx, snapshot) {
    // Only a Macie this playbook turned on (off at the snapshot) is disabled; this deletes what Macie made since.
    if (snapshot.status !== 'NONE' || (await readStatus(ctx)) === 'NONE') return;
    await ctx.aws.client(Macie2Client).send(new DisableMacieCommand({}));
  },
});

function refusePaused(ctx: PlaybookContext<unknown>): never {
  throw new RemediationFailedError(
    `Macie is paused in ${where(ctx)} (finding ${ctx.request.findingId}): someone suspended it, keeping its configuration and findings. ` +
      'Rectify does not resume a deliberate pause: if the pause is over, resume Macie in its console (or UpdateMacieSession status ENABLED). Nothing was changed.',
  );
}
