/** The four S3 Block Public Access settings, shared by the bucket-level (S3.8) and account-level (S3.1) playbooks. */
export type BlockPublicAccess = {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
};

export const SETTING_NAMES = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const satisfies readonly (keyof BlockPublicAccess)[];

export const ALL_ON: BlockPublicAccess = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/** A configuration as S3 returns it (fields may be missing), with every setting explicit. */
export function normaliseBlockPublicAccess(c: Partial<Record<keyof BlockPublicAccess, boolean | undefined>> | undefined): BlockPublicAccess {
  return {
    BlockPublicAcls: c?.BlockPublicAcls ?? false,
    IgnorePublicAcls: c?.IgnorePublicAcls ?? false,
    BlockPublicPolicy: c?.BlockPublicPolicy ?? false,
    RestrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
  };
}

/** The settings that are off; `null` (no configuration) has all four off. */
export function settingsOff(config: BlockPublicAccess | null): (keyof BlockPublicAccess)[] {
  return SETTING_NAMES.filter((name) => !config?.[name]);
}
