import {
  ConfigServiceClient,
  DeleteConfigurationRecorderCommand,
  DeleteDeliveryChannelCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
  type RecordingGroup,
} from '@aws-sdk/client-config-service';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { ParameterValue } from '../controlParameters.js';
import { creationChange, type CreatedResource } from '../createdResources.js';
import { definePlaybook, type PlaybookContext, type PlannedChange } from '../definePlaybook.js';
import { DELIVERY_BUCKET, DELIVERY_BUCKET_PERMISSIONS, deleteCreatedDeliveryBucket, deliveryBucketName, ensureDeliveryBucket } from '../s3/deliveryBucket.js';
import { configFailures, configSlrArn, configSlrExists, deleteConfigSlr, ensureConfigSlr, isConfigSlr, readConfigSetup, RECTIFY_CONFIG_NAME, type ConfigSetup } from './recorderState.js';

const PLAYBOOK_ID = 'config-enable-recorder';

const RECORDER: CreatedResource = {
  type: 'AWS::Config::ConfigurationRecorder',
  monthlyCost: '$10–100',
  costBasis: 'AWS Config bills $0.003 per configuration item recorded (continuous recording) plus rule evaluations; busy accounts with many changing resources pay more than $100',
};

const Parameters = z.object({
  /** Config.1's `includeConfigServiceLinkedRoleCheck` (Boolean, Security Hub default true): whether the recorder must use AWSServiceRoleForConfig. */
  includeConfigServiceLinkedRoleCheck: ParameterValue.boolean().default(true),
});
type Parameters = z.infer<typeof Parameters>;
const Settings = z.object({
  /** Whether a recorder Rectify creates also records global resources (IAM): record them in one region only, or they are billed in each. @default false */
  includeGlobalResourceTypes: z.boolean().default(false),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings, Parameters>;
type Snapshot = ConfigSetup & { slrExisted: boolean; bucketExisted: boolean };

const where = (ctx: Ctx) => `account ${ctx.resource.account} in ${ctx.resource.region}`;
const bucketOf = (ctx: Ctx) => deliveryBucketName(ctx, 'config');

/** Bucket policy grants AWS Config needs to deliver (AWS Config Developer Guide, "Permissions for the Amazon S3 Bucket"), for this account only. */
function configGrants(ctx: Ctx) {
  const { partition, account } = ctx.resource;
  const bucket = `arn:${partition}:s3:::${bucketOf(ctx)}`;
  const service = { Service: 'config.amazonaws.com' };
  const sourceAccount = { 'AWS:SourceAccount': account };
  return [
    { Sid: 'AWSConfigBucketPermissionsCheck', Effect: 'Allow', Principal: service, Action: 's3:GetBucketAcl', Resource: bucket, Condition: { StringEquals: sourceAccount } },
    { Sid: 'AWSConfigBucketExistenceCheck', Effect: 'Allow', Principal: service, Action: 's3:ListBucket', Resource: bucket, Condition: { StringEquals: sourceAccount } },
    {
      Sid: 'AWSConfigBucketDelivery',
      Effect: 'Allow',
      Principal: service,
      Action: 's3:PutObject',
      Resource: `${bucket}/AWSLogs/${account}/Config/*`,
      Condition: { StringEquals: { ...sourceAccount, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
  ];
}

async function bucketExists(ctx: Ctx): Promise<boolean> {
  try {
    await ctx.aws.client(S3Client).send(new HeadBucketCommand({ Bucket: bucketOf(ctx) }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

const failuresOf = (ctx: Ctx, setup: ConfigSetup) => configFailures(setup, (arn) => isConfigSlr(ctx, arn), ctx.parameters.includeConfigServiceLinkedRoleCheck);

/** The recorder Config.1 accepts: the existing one's name and global-resource choice kept, all supported types, the SLR where the control checks it. */
function targetRecorder(ctx: Ctx, setup: ConfigSetup, slrArn = configSlrArn(ctx)): { name: string; roleARN: string; recordingGroup: RecordingGroup } {
  const existing = setup.recorder;
  const keepsRole = existing && (!ctx.parameters.includeConfigServiceLinkedRoleCheck || isConfigSlr(ctx, existing.roleARN));
  const roleARN = keepsRole ? existing.roleARN : slrArn;
  const includeGlobalResourceTypes = existing ? existing.recordingGroup.includeGlobalResourceTypes ?? false : ctx.settings.includeGlobalResourceTypes;
  return { name: existing?.name ?? RECTIFY_CONFIG_NAME, roleARN, recordingGroup: { allSupported: true, includeGlobalResourceTypes } };
}

async function putRecorder(ctx: Ctx, recorder: { name: string; roleARN: string; recordingGroup: RecordingGroup }): Promise<void> {
  await ctx.aws.client(ConfigServiceClient).send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: recorder }));
}

/**
 * Turns AWS Config on in the finding's account and region, or fixes the recorder it has (Config.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/config-controls.html#config-1; a custom
 * Security Hub rule, no AWS Config rule: FAILED unless a configuration recorder records, records the
 * resources the region's enabled controls evaluate, uses the service-linked role AWSServiceRoleForConfig
 * when `includeConfigServiceLinkedRoleCheck` is true, and delivers through a delivery channel).
 * `verify` checks each ({@link configFailures}); which controls are enabled is not visible to the
 * member role, so it requires the recorder to record all supported resource types, a check at
 * least as strict as Security Hub's.
 *
 * Works with a recorder of any name: a region has at most one customer-managed recorder, and
 * Rectify fixes only what the control flags on it (starts it, points it at the service-linked role,
 * widens what it records, adds a delivery channel) and never creates a second. Only where there is
 * none does it create recorder and delivery channel `rectify`, the service-linked role if missing,
 * and a delivery bucket (tasks/playbooks/s3/deliveryBucket.ts, grants per the Config guide for this
 * account only). Config bills per configuration item recorded: every plan is disruptive and says
 * so. Rollback restores the recorder it changed and stops or removes only what it started or made.
 */
export const enableConfigRecorder = definePlaybook<Snapshot, PlannedChange, Settings, Parameters>({
  id: 'config-enable-recorder',
  title: 'Turn AWS Config recording on with the service-linked role',
  controls: [
    'Config.1',
    'cis-aws-foundations-benchmark/v/1.2.0/2.5',
    'cis-aws-foundations-benchmark/v/1.4.0/3.5',
    'cis-aws-foundations-benchmark/v/3.0.0/3.3',
    'cis-aws-foundations-benchmark/v/5.0.0/3.3',
    'pci-dss/v/3.2.1/PCI.Config.1',
  ],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  creates: [RECORDER, DELIVERY_BUCKET],
  permissions: [
    'config:DeleteConfigurationRecorder',
    'config:DeleteDeliveryChannel',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeConfigurationRecorders',
    'config:DescribeDeliveryChannels',
    'config:PutConfigurationRecorder',
    'config:PutDeliveryChannel',
    'config:StartConfigurationRecorder',
    'config:StopConfigurationRecorder',
    'iam:CreateServiceLinkedRole',
    'iam:DeleteServiceLinkedRole',
    'iam:ListRoles',
    'iam:PassRole',
    ...DELIVERY_BUCKET_PERMISSIONS,
  ],
  settings: Settings,
  parameters: { control: 'Config.1', schema: Parameters },

  async snapshot(ctx) {
    return { ...(await readConfigSetup(ctx)), slrExisted: await configSlrExists(ctx), bucketExisted: await bucketExists(ctx) };
  },

  plan(ctx, current) {
    const failures = failuresOf(ctx, current);
    if (failures.length === 0) return { summary: `AWS Config records in ${where(ctx)} with recorder ${current.recorder!.name}`, changes: [] };
    const target = targetRecorder(ctx, current);
    const changes: PlannedChange[] = [];
    const needsSlr = isConfigSlr(ctx, target.roleARN) && !current.slrExisted;
    if (needsSlr) changes.push({ description: `Create the service-linked role AWSServiceRoleForConfig (AWS-managed, free; rollback deletes it again)` });
    if (!current.recorder) {
      changes.push(creationChange(RECORDER, `configuration recorder ${RECTIFY_CONFIG_NAME}`, `recording all supported resource types${target.recordingGroup.includeGlobalResourceTypes ? ' and global resources' : ''} with AWSServiceRoleForConfig; configuration items kept by AWS Config`));
    } else if (!current.recorder.recordingGroup.allSupported || current.recorder.roleARN !== target.roleARN) {
      changes.push({
        description:
          `Change recorder ${current.recorder.name} (kept, not replaced): record all supported resource types (was ${current.recorder.recordingGroup.allSupported ? 'all' : 'a selection'}), role ${target.roleARN} (was ${current.recorder.roleARN || 'none'}). ` +
          'With the service-linked role Config delivers to the delivery bucket as config.amazonaws.com: its bucket policy must allow that, or delivery stops',
      });
    }
    if (!current.deliveryChannel) {
      if (!current.bucketExisted) changes.push(creationChange(DELIVERY_BUCKET, bucketOf(ctx), 'encrypted with SSE-S3, public access blocked, TLS only, writable only by AWS Config for this account'));
      changes.push({ description: `Create delivery channel ${RECTIFY_CONFIG_NAME} to bucket ${bucketOf(ctx)} (rollback deletes it)` });
    }
    if (!current.recorder?.recording) changes.push({ description: `Start recording with recorder ${target.name} (rollback stops it again)` });
    const why = `AWS Config bills every configuration item it records ($0.003 each): ${RECORDER.monthlyCost}/month, more than $100 in busy accounts; workloads are unaffected`;
    return { summary: `Make AWS Config record in ${where(ctx)}: ${failures.join('; ')} (disruptive: ${why})`, impact: { level: 'disruptive', why }, changes };
  },

  async apply(ctx) {
    const setup = await readConfigSetup(ctx);
    if (failuresOf(ctx, setup).length === 0) return;
    const usesSlr = isConfigSlr(ctx, targetRecorder(ctx, setup).roleARN);
    // The service-linked role's ARN as IAM reports it, created when missing.
    const target = targetRecorder(ctx, setup, usesSlr ? await ensureConfigSlr(ctx) : undefined);
    // Only what the control flags: a recorder that already records everything with the right role is not rewritten.
    if (!setup.recorder || !setup.recorder.recordingGroup.allSupported || setup.recorder.roleARN !== target.roleARN) await putRecorder(ctx, target);
    const config = ctx.aws.client(ConfigServiceClient);
    if (!setup.deliveryChannel) {
      await ensureDeliveryBucket(ctx, { name: bucketOf(ctx), playbookId: PLAYBOOK_ID, grants: configGrants(ctx) });
      await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: RECTIFY_CONFIG_NAME, s3BucketName: bucketOf(ctx) } }));
    }
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: target.name }));
  },

  async verify(ctx) {
    const failures = failuresOf(ctx, await readConfigSetup(ctx));
    return { compliant: failures.length === 0, detail: failures.length ? `AWS Config in ${where(ctx)}: ${failures.join('; ')}` : `AWS Config records all supported resources in ${where(ctx)}` };
  },

  async rollback(ctx, snapshot) {
    const now = await readConfigSetup(ctx);
    const config = ctx.aws.client(ConfigServiceClient);
    if (now.recorder && snapshot.recorder === null && now.recorder.name === RECTIFY_CONFIG_NAME) {
      if (now.recorder.recording) await config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: RECTIFY_CONFIG_NAME }));
      if (now.deliveryChannel?.name === RECTIFY_CONFIG_NAME) await config.send(new DeleteDeliveryChannelCommand({ DeliveryChannelName: RECTIFY_CONFIG_NAME }));
      await config.send(new DeleteConfigurationRecorderCommand({ ConfigurationRecorderName: RECTIFY_CONFIG_NAME }));
    } else if (now.recorder && snapshot.recorder && now.recorder.name === snapshot.recorder.name) {
      const { name, roleARN, recordingGroup, recording } = snapshot.recorder;
      if (now.recorder.recording && !recording) await config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: name }));
      if (JSON.stringify([now.recorder.roleARN, now.recorder.recordingGroup]) !== JSON.stringify([roleARN, recordingGroup])) await putRecorder(ctx, { name, roleARN, recordingGroup: recordingGroup as RecordingGroup });
      if (!snapshot.deliveryChannel && now.deliveryChannel?.name === RECTIFY_CONFIG_NAME && !recording) {
        await config.send(new DeleteDeliveryChannelCommand({ DeliveryChannelName: RECTIFY_CONFIG_NAME }));
      }
    }
    if (!snapshot.bucketExisted) await deleteCreatedDeliveryBucket(ctx, { name: bucketOf(ctx), playbookId: PLAYBOOK_ID });
    const after = await readConfigSetup(ctx);
    if (!snapshot.slrExisted && !(after.recorder && isConfigSlr(ctx, after.recorder.roleARN))) await deleteConfigSlr(ctx);
  },
});
