import { DescribeTransitGatewaysCommand, EC2Client, ModifyTransitGatewayCommand, type TransitGateway } from '@aws-sdk/client-ec2';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The one option EC2.23 reads, as EC2 spells it. */
type AutoAccept = 'enable' | 'disable';
type TransitGatewaySnapshot = { transitGatewayId: string; autoAcceptSharedAttachments: AutoAccept };

/** States in which a transit gateway no longer exists for Rectify to change. */
const GONE_STATES = new Set(['deleting', 'deleted']);

async function describeTransitGateway(ctx: PlaybookContext<unknown>): Promise<TransitGateway> {
  const gone = (cause?: unknown) =>
    new RemediationFailedError(
      `transit gateway ${ctx.resource.id} does not exist (finding ${ctx.request.findingId}): Rectify changed nothing; ` +
        'if it was deleted, Security Hub archives the finding at its next check',
      { cause },
    );
  let found: TransitGateway | undefined;
  try {
    const { TransitGateways = [] } = await ctx.aws.client(EC2Client).send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [ctx.resource.name] }));
    found = TransitGateways.find((gateway) => gateway.TransitGatewayId === ctx.resource.name);
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidTransitGatewayID.NotFound') throw gone(error);
    throw error;
  }
  if (!found || GONE_STATES.has(found.State ?? '')) throw gone();
  return found;
}

const autoAcceptOf = (gateway: TransitGateway): AutoAccept => (gateway.Options?.AutoAcceptSharedAttachments === 'enable' ? 'enable' : 'disable');

async function setAutoAccept(ctx: PlaybookContext<unknown>, value: AutoAccept): Promise<void> {
  // Only this option: ModifyTransitGateway leaves every option it is not given as it is.
  await ctx.aws
    .client(EC2Client)
    .send(new ModifyTransitGatewayCommand({ TransitGatewayId: ctx.resource.name, Options: { AutoAcceptSharedAttachments: value } }));
}

/**
 * Why turning auto-accept off is disruptive, though no traffic changes: what other accounts
 * automate against this gateway stops completing on its own, and only a person knows whether
 * anything does.
 */
const IMPACT = {
  level: 'disruptive',
  why:
    'existing attachments and routes keep working, but VPC attachment requests from accounts the gateway is shared with ' +
    'wait in pendingAcceptance until someone accepts them: pipelines in those accounts that create attachments stall',
} as const;

/**
 * Turns off automatic acceptance of shared VPC attachments on a transit gateway (EC2.23,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-23; AWS Config rule
 * `ec2-transit-gateway-auto-vpc-attach-disabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/ec2-transit-gateway-auto-vpc-attach-disabled.html):
 * the rule fails a gateway whose `AutoAcceptSharedAttachments` is `enable` and reads nothing else,
 * and neither does `verify`.
 *
 * Changes only that option: route tables, propagation, DNS, ECMP, CIDR blocks, existing
 * attachments and tags stay as they are. Disruptive ({@link IMPACT}). Rollback turns auto-accept
 * on again only when it was on before.
 */
export const disableTransitGatewayAutoAccept = definePlaybook<TransitGatewaySnapshot, { description: string }>({
  id: 'ec2-disable-transit-gateway-auto-accept',
  title: 'Stop a transit gateway from accepting shared VPC attachments automatically',
  controls: ['EC2.23'],
  resourceType: 'AwsEc2TransitGateway',
  impact: IMPACT.level,
  permissions: ['ec2:DescribeTransitGateways', 'ec2:ModifyTransitGateway'],

  async snapshot(ctx) {
    const gateway = await describeTransitGateway(ctx);
    return { transitGatewayId: ctx.resource.name, autoAcceptSharedAttachments: autoAcceptOf(gateway) };
  },

  plan(ctx, current) {
    if (current.autoAcceptSharedAttachments === 'disable') {
      return { summary: `Transit gateway ${current.transitGatewayId} does not accept shared VPC attachments automatically`, changes: [] };
    }
    return {
      summary: `Turn off automatic acceptance of shared VPC attachments on transit gateway ${current.transitGatewayId} (${IMPACT.level}: ${IMPACT.why})`,
      changes: [{ description: `Set AutoAcceptSharedAttachments to disable on transit gateway ${ctx.resource.id}` }],
      impact: IMPACT,
    };
  },

  async apply(ctx) {
    if (autoAcceptOf(await describeTransitGateway(ctx)) === 'enable') await setAutoAccept(ctx, 'disable');
  },

  async verify(ctx) {
    const value = autoAcceptOf(await describeTransitGateway(ctx));
    return {
      compliant: value === 'disable',
      detail: `Transit gateway ${ctx.resource.name} has AutoAcceptSharedAttachments ${value} (EC2.23)`,
    };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.autoAcceptSharedAttachments === 'enable' && autoAcceptOf(await describeTransitGateway(ctx)) === 'disable') await setAutoAccept(ctx, 'enable');
  },
});
