// The account password policy as the IAM.7 and IAM.11-IAM.17 playbook reads, checks and writes it.
import {
  DeleteAccountPasswordPolicyCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import type { PlaybookContext } from '../definePlaybook.js';

/**
 * The account password policy in IAM's own field names, `ExpirePasswords` left out (IAM derives it
 * from the age). `null` reuse prevention: passwords may be reused; `null` age: they never expire.
 */
export type PasswordPolicy = {
  MinimumPasswordLength: number;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  PasswordReusePrevention: number | null;
  MaxPasswordAge: number | null;
  AllowUsersToChangePassword: boolean;
  HardExpiry: boolean;
};
/** `null`: the account has no password policy of its own. */
export type PasswordPolicySnapshot = PasswordPolicy | null;

/**
 * Where a policy created for an account that has none starts: IAM's default policy as far as its
 * fields can say it (8 characters; its "three of four character classes" has no field, so no class
 * is required), reuse allowed, no expiry, no hard expiry, and users not allowed to change their own
 * password, which no policy granted before. Only what the control checks is then changed.
 */
const NO_POLICY: PasswordPolicy = {
  MinimumPasswordLength: 8,
  RequireUppercaseCharacters: false,
  RequireLowercaseCharacters: false,
  RequireSymbols: false,
  RequireNumbers: false,
  PasswordReusePrevention: null,
  MaxPasswordAge: null,
  AllowUsersToChangePassword: false,
  HardExpiry: false,
};

export async function readPolicy(ctx: PlaybookContext<unknown>): Promise<PasswordPolicySnapshot> {
  try {
    const { PasswordPolicy: p = {} } = await ctx.aws.client(IAMClient).send(new GetAccountPasswordPolicyCommand({}));
    return {
      MinimumPasswordLength: p.MinimumPasswordLength ?? 6,
      RequireUppercaseCharacters: p.RequireUppercaseCharacters ?? false,
      RequireLowercaseCharacters: p.RequireLowercaseCharacters ?? false,
      RequireSymbols: p.RequireSymbols ?? false,
      RequireNumbers: p.RequireNumbers ?? false,
      // IAM omits these when off; moto answers MaxPasswordAge 0. Both mean "not set".
      PasswordReusePrevention: p.PasswordReusePrevention || null,
      MaxPasswordAge: p.MaxPasswordAge || null,
      AllowUsersToChangePassword: p.AllowUsersToChangePassword ?? false,
      HardExpiry: p.HardExpiry ?? false,
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchEntityException') return null;
    throw error;
  }
}

/** Write the whole policy: UpdateAccountPasswordPolicy resets every field it is not given. */
export async function writePolicy(ctx: PlaybookContext<unknown>, { PasswordReusePrevention, MaxPasswordAge, ...rest }: PasswordPolicy): Promise<void> {
  // An omitted reuse prevention or age means "off"; IAM refuses 0 for either.
  const input = { ...rest, ...(PasswordReusePrevention ? { PasswordReusePrevention } : {}), ...(MaxPasswordAge ? { MaxPasswordAge } : {}) };
  await ctx.aws.client(IAMClient).send(new UpdateAccountPasswordPolicyCommand(input));
}

export async function deletePolicy(ctx: PlaybookContext<unknown>): Promise<void> {
  await ctx.aws.client(IAMClient).send(new DeleteAccountPasswordPolicyCommand({}));
}

export type CharacterClass = 'RequireUppercaseCharacters' | 'RequireLowercaseCharacters' | 'RequireSymbols' | 'RequireNumbers';

/**
 * One condition a control checks on the policy, with the value to meet and why, in a reviewer's
 * words ("IAM.15", "IAM.7 MinimumPasswordLength 20 from the finding's control parameters").
 */
export type Requirement =
  | { readonly field: CharacterClass; readonly reason: string }
  | { readonly field: 'MinimumPasswordLength' | 'PasswordReusePrevention' | 'MaxPasswordAge'; readonly value: number; readonly reason: string };

const CLASS_WORDS: Record<CharacterClass, string> = {
  RequireUppercaseCharacters: 'at least one uppercase letter',
  RequireLowercaseCharacters: 'at least one lowercase letter',
  RequireSymbols: 'at least one symbol',
  RequireNumbers: 'at least one number',
};

/** Whether `policy` meets the requirement as AWS Config's iam-password-policy reads it; no policy meets none. */
export function meets(policy: PasswordPolicySnapshot, r: Requirement): boolean {
  if (!policy) return false;
  if (!('value' in r)) return policy[r.field];
  if (r.field === 'MinimumPasswordLength') return policy.MinimumPasswordLength >= r.value;
  if (r.field === 'PasswordReusePrevention') return (policy.PasswordReusePrevention ?? 0) >= r.value;
  return policy.MaxPasswordAge !== null && policy.MaxPasswordAge <= r.value;
}

/** `current` with each unmet requirement's field set to its value, and every other field as it was. */
export function withRequirements(current: PasswordPolicySnapshot, requirements: readonly Requirement[]): PasswordPolicy {
  const policy = { ...(current ?? NO_POLICY) };
  for (const r of requirements) {
    if (meets(current, r)) continue;
    if ('value' in r) policy[r.field] = r.value;
    else policy[r.field] = true;
  }
  return policy;
}

/** The requirement in a few words, for verify's detail: "a minimum length of 14". */
export function requirementWords(r: Requirement): string {
  if (!('value' in r)) return CLASS_WORDS[r.field];
  if (r.field === 'MinimumPasswordLength') return `a minimum length of ${r.value}`;
  if (r.field === 'PasswordReusePrevention') return `reuse of the last ${r.value} passwords prevented`;
  return `expiry after at most ${r.value} days`;
}

/** The change a plan shows for an unmet requirement, with the value now and why. */
export function describeChange(current: PasswordPolicySnapshot, r: Requirement): string {
  if (!('value' in r)) return `Require ${CLASS_WORDS[r.field]} in passwords (${current ? '' : 'now no policy; '}${r.reason})`;
  if (r.field === 'MinimumPasswordLength') {
    return `Require passwords of at least ${r.value} characters (now ${current?.MinimumPasswordLength ?? 'no policy'}; ${r.reason})`;
  }
  if (r.field === 'PasswordReusePrevention') {
    const reuse = current?.PasswordReusePrevention;
    return `Prevent reuse of the last ${r.value} passwords (now ${current ? (reuse ? `the last ${reuse}` : 'reuse allowed') : 'no policy'}; ${r.reason})`;
  }
  const age = current?.MaxPasswordAge;
  return `Expire passwords after ${r.value} days (now ${current ? (age ? `${age} days` : 'never') : 'no policy'}; ${r.reason})`;
}
