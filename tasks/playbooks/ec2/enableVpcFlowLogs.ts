import { CreateFlowLogsCommand, DeleteFlowLogsCommand, DescribeFlowLogsCommand, DescribeVpcsCommand, EC2Client, paginateDescribeFlowLogs, type FlowLog } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { createdByTagList, creationChange, isCreatedBy } from '../createdResources.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { createLogGroup, deleteCreatedLogGroup, logGroupExists } from '../logGroups.js';
import {
  deleteCreatedFlowLogRole,
  ensureFlowLogRole,
  existingFlowLogRole,
  FLOW_LOG,
  FLOW_LOG_GROUP,
  FLOW_LOG_ROLE,
  FLOW_LOG_ROLE_PERMISSIONS,
  flowLogGroupName,
  flowLogRoleArn,
  flowLogRoleName,
  refuseForeignRole,
} from './flowLogDelivery.js';

/** The playbook's id, the value of the `rectify:created-by` tag on what it creates. */
const PLAYBOOK_ID = 'ec2-enable-vpc-flow-logs';

/** Traffic types that satisfy EC2.6, whose `trafficType` is REJECT and not customizable: a flow log of REJECT or ALL traffic. */
const PASSING_TRAFFIC = ['REJECT', 'ALL'] as const;

const Settings = z.object({
  /** What the created flow log captures: REJECT (what EC2.6 checks, and the cheapest) or ALL. ACCEPT alone would not pass. @default 'REJECT' */
  trafficType: z.enum(PASSING_TRAFFIC).default('REJECT'),
  /** Retention of the log group Rectify creates (a CloudWatch Logs retention value). @default 365 */
  retentionInDays: z.union([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map((d) => z.literal(d))).default(365),
  /** A KMS key to encrypt the created log group with (its key policy must allow CloudWatch Logs). @default CloudWatch Logs' own keys */
  kmsKeyId: z.string().min(1).optional(),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings>;

/** The VPC's flow logs (ids, sorted) and whether Rectify's log group and role existed. */
type FlowLogSnapshot = { flowLogIds: string[]; logGroupExisted: boolean; roleExisted: boolean };

const vpcIdOf = (ctx: Ctx) => ctx.resource.name;

async function flowLogsOf(ctx: Ctx): Promise<FlowLog[]> {
  const { FlowLogs = [] } = await ctx.aws.client(EC2Client).send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [vpcIdOf(ctx)] }] }));
  return FlowLogs;
}

/** EC2.6's condition (`vpc-flow-logs-enabled`, trafficType REJECT): an active flow log of the VPC capturing rejected traffic (REJECT or ALL). */
const passes = (flowLog: FlowLog) => flowLog.FlowLogStatus === 'ACTIVE' && (PASSING_TRAFFIC as readonly string[]).includes(flowLog.TrafficType ?? '');

/**
 * Turns on VPC flow logging for a VPC, to CloudWatch Logs (EC2.6,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6; AWS Config rule
 * `vpc-flow-logs-enabled`, https://docs.aws.amazon.com/config/latest/developerguide/vpc-flow-logs-enabled.html,
 * with `trafficType` REJECT, which Security Hub does not let accounts change: NON_COMPLIANT unless
 * the VPC has an active flow log capturing rejected traffic; its remediation accepts REJECT or ALL).
 * `verify` reads exactly that with DescribeFlowLogs.
 *
 * CloudWatch Logs rather than S3 by default: a log group per VPC is removed by rollback without
 * touching another VPC's logs, where one shared bucket would have to outlive the rollback of the
 * first VPC that created it. Rectify creates what is missing, each tagged `rectify:created-by`:
 * the log group `/aws/vpc/flow-logs/rectify/<vpc-id>` (retention, optional KMS key), the region's
 * delivery role `rectify-vpc-flow-logs-<region>` (trusted by VPC Flow Logs only, for this account's
 * flow logs of this region; allowed to write only to Rectify's flow log groups there), and a flow
 * log of REJECT traffic. A role of that name that is not ours is never used. CloudWatch Logs bills
 * the records, so every plan is disruptive. Rollback deletes the flow logs it added and the log
 * group and role it created, each only while still tagged ours; the role stays while another flow
 * log still delivers with it.
 */
export const enableVpcFlowLogs = definePlaybook<FlowLogSnapshot, { description: string }, Settings>({
  id: 'ec2-enable-vpc-flow-logs',
  title: 'Turn on VPC flow logging to CloudWatch Logs',
  controls: [
    'EC2.6',
    'cis-aws-foundations-benchmark/v/1.2.0/2.9',
    'cis-aws-foundations-benchmark/v/1.4.0/3.9',
    'cis-aws-foundations-benchmark/v/3.0.0/3.7',
    'cis-aws-foundations-benchmark/v/5.0.0/3.7',
    'pci-dss/v/3.2.1/PCI.EC2.6',
  ],
  resourceType: 'AwsEc2Vpc',
  impact: 'disruptive',
  creates: [FLOW_LOG_GROUP, FLOW_LOG_ROLE, FLOW_LOG],
  permissions: [
    'ec2:CreateFlowLogs',
    'ec2:CreateTags',
    'ec2:DeleteFlowLogs',
    'ec2:DescribeFlowLogs',
    'ec2:DescribeVpcs',
    ...FLOW_LOG_ROLE_PERMISSIONS,
    'logs:CreateLogGroup',
    'logs:DeleteLogGroup',
    'logs:DescribeLogGroups',
    'logs:ListTagsForResource',
    'logs:PutRetentionPolicy',
    'logs:TagResource',
  ],
  settings: Settings,

  async snapshot(ctx) {
    // A VPC that no longer exists fails here (InvalidVpcID.NotFound), before any plan.
    await ctx.aws.client(EC2Client).send(new DescribeVpcsCommand({ VpcIds: [vpcIdOf(ctx)] }));
    return {
      flowLogIds: (await flowLogsOf(ctx)).map((f) => f.FlowLogId!).sort(),
      logGroupExisted: await logGroupExists(ctx, flowLogGroupName(vpcIdOf(ctx))),
      roleExisted: (await existingFlowLogRole(ctx, PLAYBOOK_ID)) !== undefined,
    };
  },

  async plan(ctx, current) {
    const vpc = vpcIdOf(ctx);
    if ((await flowLogsOf(ctx)).some(passes)) return { summary: `VPC ${vpc} has an active flow log of rejected traffic`, changes: [] };
    const role = await existingFlowLogRole(ctx, PLAYBOOK_ID);
    if (role && !role.ours) refuseForeignRole(ctx, PLAYBOOK_ID); // never use a role that is not ours
    const group = flowLogGroupName(vpc);
    const encryption = ctx.settings.kmsKeyId ? `encrypted with ${ctx.settings.kmsKeyId}` : "encrypted with CloudWatch Logs' keys";
    const changes = [
      ...(current.logGroupExisted ? [] : [creationChange(FLOW_LOG_GROUP, group, `retention ${ctx.settings.retentionInDays} days, ${encryption}`)]),
      ...(role
        ? []
        : [
            creationChange(
              FLOW_LOG_ROLE,
              flowLogRoleName(ctx),
              `trusted only by vpc-flow-logs.amazonaws.com for flow logs of account ${ctx.resource.account} in ${ctx.resource.region} (aws:SourceAccount, aws:SourceArn); may write only to ${group.replace(vpc, '*')}`,
            ),
          ]),
      creationChange(FLOW_LOG, `flow log of VPC ${vpc} (${ctx.settings.trafficType} traffic, to ${group})`, 'records stored in the log group above'),
    ];
    const why = `it adds cost: CloudWatch Logs bills the ingestion and storage of the flow log records (${FLOW_LOG_GROUP.monthlyCost}/month for rejected traffic, more for ALL); traffic is unaffected`;
    return { summary: `Turn on flow logging of ${ctx.settings.trafficType} traffic for VPC ${vpc} (disruptive: ${why})`, impact: { level: 'disruptive', why }, changes };
  },

  async apply(ctx) {
    const vpc = vpcIdOf(ctx);
    if ((await flowLogsOf(ctx)).some(passes)) return;
    const group = flowLogGroupName(vpc);
    if (!(await logGroupExists(ctx, group))) await createLogGroup(ctx, group, { playbookId: PLAYBOOK_ID, retentionInDays: ctx.settings.retentionInDays, kmsKeyId: ctx.settings.kmsKeyId });
    await ensureFlowLogRole(ctx, PLAYBOOK_ID);
    const { Unsuccessful = [] } = await ctx.aws.client(EC2Client).send(
      new CreateFlowLogsCommand({
        ResourceType: 'VPC',
        ResourceIds: [vpc],
        TrafficType: ctx.settings.trafficType,
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: group,
        DeliverLogsPermissionArn: flowLogRoleArn(ctx),
        TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: createdByTagList(PLAYBOOK_ID) }],
      }),
    );
    if (Unsuccessful.length > 0) {
      const [first] = Unsuccessful;
      throw new RemediationFailedError(`EC2 refused the flow log for VPC ${vpc} (finding ${ctx.request.findingId}): ${first?.Error?.Code} ${first?.Error?.Message}`);
    }
  },

  async verify(ctx) {
    const flowLogs = await flowLogsOf(ctx);
    const passing = flowLogs.find(passes);
    const detail = passing
      ? `VPC ${vpcIdOf(ctx)} has active flow log ${passing.FlowLogId} of ${passing.TrafficType} traffic`
      : `VPC ${vpcIdOf(ctx)} has no active flow log of REJECT or ALL traffic (${flowLogs.length ? flowLogs.map((f) => `${f.FlowLogId}: ${f.TrafficType} ${f.FlowLogStatus}`).join(', ') : 'no flow log'})`;
    return { compliant: Boolean(passing), detail };
  },

  async rollback(ctx, snapshot) {
    const added = (await flowLogsOf(ctx)).filter((f) => !snapshot.flowLogIds.includes(f.FlowLogId!) && isCreatedBy(f.Tags, PLAYBOOK_ID));
    if (added.length > 0) await ctx.aws.client(EC2Client).send(new DeleteFlowLogsCommand({ FlowLogIds: added.map((f) => f.FlowLogId!) }));
    const group = flowLogGroupName(vpcIdOf(ctx));
    if (!snapshot.logGroupExisted && (await logGroupExists(ctx, group))) await deleteCreatedLogGroup(ctx, group, PLAYBOOK_ID);
    if (!snapshot.roleExisted && !(await roleStillDelivers(ctx))) await deleteCreatedFlowLogRole(ctx, PLAYBOOK_ID);
  },
});

/** Whether any flow log of the region (another VPC's, created since) still delivers with the region's role. */
async function roleStillDelivers(ctx: Ctx): Promise<boolean> {
  for await (const page of paginateDescribeFlowLogs({ client: ctx.aws.client(EC2Client) }, {})) {
    if ((page.FlowLogs ?? []).some((f) => f.DeliverLogsPermissionArn === flowLogRoleArn(ctx))) return true;
  }
  return false;
}
