import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  type ConfigurationRecorder,
  type RecordingGroup,
} from '@aws-sdk/client-config-service';
import { CreateServiceLinkedRoleCommand, DeleteServiceLinkedRoleCommand, IAMClient, paginateListRoles, type Role } from '@aws-sdk/client-iam';
import type { PlaybookContext } from '../definePlaybook.js';

/**
 * What Config.1 reads of a region's AWS Config setup, normalised so that a snapshot taken after
 * rollback deep-equals the one taken before: the customer-managed configuration recorder (a region
 * has at most one, under any name), whether it records, and the delivery channel.
 */
export type ConfigSetup = {
  recorder: { name: string; roleARN: string; recordingGroup: RecordedTypes; recording: boolean } | null;
  deliveryChannel: { name: string; s3BucketName: string } | null;
};

/** A recorder's recording group as plain JSON (the SDK's `RecordingGroup`, with the fields it returns filled in). */
export type RecordedTypes = {
  allSupported: boolean;
  includeGlobalResourceTypes: boolean;
  resourceTypes: string[];
  exclusionByResourceTypes?: { resourceTypes: string[] };
  recordingStrategy?: { useOnly: string };
};

/** The name Rectify gives the recorder and delivery channel it creates where a region has none. */
export const RECTIFY_CONFIG_NAME = 'rectify';

/** AWS Config's service-linked role, the role Config.1 requires the recorder to use (`includeConfigServiceLinkedRoleCheck`). */
export const CONFIG_SLR_NAME = 'AWSServiceRoleForConfig';
export const configSlrArn = (ctx: PlaybookContext<unknown, unknown>) =>
  `arn:${ctx.resource.partition}:iam::${ctx.resource.account}:role/aws-service-role/config.amazonaws.com/${CONFIG_SLR_NAME}`;

/** A recorder of a service (Security Hub's service-linked recorder) is not the account's to change: only customer-managed recorders count. */
const isCustomerManaged = (recorder: ConfigurationRecorder) => !recorder.servicePrincipal && !recorder.name?.startsWith('AWSConfigurationRecorderFor');

/** The region's recorder, its recording status and delivery channel. */
export async function readConfigSetup(ctx: PlaybookContext<unknown, unknown>): Promise<ConfigSetup> {
  const config = ctx.aws.client(ConfigServiceClient);
  const { ConfigurationRecorders = [] } = await config.send(new DescribeConfigurationRecordersCommand({}));
  const recorder = ConfigurationRecorders.find(isCustomerManaged);
  const { DeliveryChannels = [] } = await config.send(new DescribeDeliveryChannelsCommand({}));
  const channel = DeliveryChannels[0];
  let recording = false;
  if (recorder) {
    const { ConfigurationRecordersStatus = [] } = await config.send(new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [recorder.name!] }));
    recording = ConfigurationRecordersStatus[0]?.recording ?? false;
  }
  return {
    recorder: recorder ? { name: recorder.name!, roleARN: recorder.roleARN ?? '', recordingGroup: normalise(recorder.recordingGroup), recording } : null,
    deliveryChannel: channel ? { name: channel.name!, s3BucketName: channel.s3BucketName ?? '' } : null,
  };
}

/** The recording group with only the fields PutConfigurationRecorder takes back, lists sorted. */
function normalise(group: RecordingGroup | undefined): RecordedTypes {
  return JSON.parse(
    JSON.stringify({
      allSupported: group?.allSupported ?? false,
      includeGlobalResourceTypes: group?.includeGlobalResourceTypes ?? false,
      resourceTypes: [...(group?.resourceTypes ?? [])].sort(),
      ...(group?.exclusionByResourceTypes?.resourceTypes?.length ? { exclusionByResourceTypes: { resourceTypes: [...group.exclusionByResourceTypes.resourceTypes].sort() } } : {}),
      ...(group?.recordingStrategy?.useOnly ? { recordingStrategy: { useOnly: group.recordingStrategy.useOnly } } : {}),
    }),
  ) as RecordedTypes;
}

/** What Config.1 flags in a setup, each in words a reviewer reads; none means compliant. */
export function configFailures(setup: ConfigSetup, isServiceLinkedRole: (roleArn: string) => boolean, checkServiceLinkedRole: boolean): string[] {
  const { recorder } = setup;
  if (!recorder) return ['no configuration recorder'];
  return [
    ...(recorder.recording ? [] : [`recorder ${recorder.name} is not recording`]),
    ...(recorder.recordingGroup.allSupported ? [] : [`recorder ${recorder.name} does not record all supported resource types`]),
    ...(checkServiceLinkedRole && !isServiceLinkedRole(recorder.roleARN) ? [`recorder ${recorder.name} uses ${recorder.roleARN || 'no role'}, not the service-linked role ${CONFIG_SLR_NAME}`] : []),
    ...(setup.deliveryChannel ? [] : ['no delivery channel']),
  ];
}

/**
 * AWS Config's service-linked role as the account has it, found by its path (IAM role names are
 * case-insensitive; moto 5.2.1 names it `AWSServiceRoleForconfig`, so a lookup by exact name would miss it).
 */
async function findConfigSlr(ctx: PlaybookContext<unknown, unknown>): Promise<Role | undefined> {
  for await (const page of paginateListRoles({ client: ctx.aws.client(IAMClient) }, { PathPrefix: '/aws-service-role/config.amazonaws.com/' })) {
    const role = (page.Roles ?? []).find((r) => r.RoleName?.toLowerCase() === CONFIG_SLR_NAME.toLowerCase());
    if (role) return role;
  }
  return undefined;
}

/** Whether AWS Config's service-linked role exists in the account. */
export const configSlrExists = async (ctx: PlaybookContext<unknown, unknown>): Promise<boolean> => (await findConfigSlr(ctx)) !== undefined;

/** The ARN of AWS Config's service-linked role, creating the role when the account has none. */
export async function ensureConfigSlr(ctx: PlaybookContext<unknown, unknown>): Promise<string> {
  const existing = await findConfigSlr(ctx);
  if (existing) return existing.Arn!;
  const { Role } = await ctx.aws.client(IAMClient).send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'config.amazonaws.com' }));
  return Role!.Arn!;
}

/** Delete AWS Config's service-linked role (only called when it did not exist at the snapshot and no recorder uses it). */
export async function deleteConfigSlr(ctx: PlaybookContext<unknown, unknown>): Promise<void> {
  const existing = await findConfigSlr(ctx);
  if (existing) await ctx.aws.client(IAMClient).send(new DeleteServiceLinkedRoleCommand({ RoleName: existing.RoleName! }));
}

/** Whether `roleArn` names AWS Config's service-linked role (role names compare case-insensitively, as IAM does). */
export const isConfigSlr = (ctx: PlaybookContext<unknown, unknown>, roleArn: string) => roleArn.toLowerCase() === configSlrArn(ctx).toLowerCase();
