import { GetPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import type { PlaybookContext } from '../definePlaybook.js';

/** The four S3 Block Public Access settings, shared by the bucket-level (S3.8) and account-level (S3.1) playbooks. */
export type BlockPublicAccess = {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
};
export type SettingName = keyof BlockPublicAccess;

export const SETTING_NAMES = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const satisfies readonly SettingName[];

/** The settings that act on ACLs, and those that act on bucket (and access point) policies. */
export const ACL_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls'] as const satisfies readonly SettingName[];
export const POLICY_SETTINGS = ['BlockPublicPolicy', 'RestrictPublicBuckets'] as const satisfies readonly SettingName[];

export const ALL_ON: BlockPublicAccess = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ALL_OFF: BlockPublicAccess = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

/** A configuration as S3 returns it (fields may be missing), with every setting explicit. */
export function normaliseBlockPublicAccess(c: Partial<Record<SettingName, boolean | undefined>> | undefined): BlockPublicAccess {
  return {
    BlockPublicAcls: c?.BlockPublicAcls ?? false,
    IgnorePublicAcls: c?.IgnorePublicAcls ?? false,
    BlockPublicPolicy: c?.BlockPublicPolicy ?? false,
    RestrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
  };
}

/** The settings that are off; `null` (no configuration) has all four off. */
export function settingsOff(config: BlockPublicAccess | null, among: readonly SettingName[] = SETTING_NAMES): SettingName[] {
  return among.filter((name) => !config?.[name]);
}

/** `config` with `names` turned on; the others as they are (off when there is no configuration). */
export function withSettingsOn(config: BlockPublicAccess | null, names: readonly SettingName[]): BlockPublicAccess {
  const next = { ...(config ?? ALL_OFF) };
  for (const name of names) next[name] = true;
  return next;
}

/**
 * The account's Block Public Access configuration (S3 Control, authorised by
 * `s3:GetAccountPublicAccessBlock`); `null` when the account has none.
 */
export async function readAccountConfiguration(ctx: PlaybookContext<unknown>): Promise<BlockPublicAccess | null> {
  try {
    const command = new GetPublicAccessBlockCommand({ AccountId: ctx.resource.account });
    return normaliseBlockPublicAccess((await ctx.aws.client(S3ControlClient).send(command)).PublicAccessBlockConfiguration);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchPublicAccessBlockConfiguration') return null;
    throw error;
  }
}
