import {
  DeleteAccountPasswordPolicyCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { z } from 'zod';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

const Settings = z.object({
  /** @default 14 (IAM.15; IAM.7 asks for 8) */
  minimumPasswordLength: z.number().int().min(8).max(128).default(14),
  /** @default 24 (IAM.16 fails on anything else; 24 is also the IAM maximum) */
  passwordReusePrevention: z.number().int().min(1).max(24).default(24),
  /** @default 90 (IAM.17) */
  maxPasswordAgeDays: z.number().int().min(1).max(1095).default(90),
});
type Settings = z.infer<typeof Settings>;

/**
 * The account password policy in IAM's own field names, `ExpirePasswords` left out (IAM derives it
 * from the age). `null` reuse prevention: passwords may be reused; `null` age: they never expire.
 */
type PasswordPolicy = {
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
type PasswordPolicySnapshot = PasswordPolicy | null;

const CHARACTER_CLASSES = [
  ['RequireUppercaseCharacters', 'at least one uppercase letter', 'IAM.11'],
  ['RequireLowercaseCharacters', 'at least one lowercase letter', 'IAM.12'],
  ['RequireSymbols', 'at least one symbol', 'IAM.13'],
  ['RequireNumbers', 'at least one number', 'IAM.14'],
] as const;

async function readPolicy(ctx: PlaybookContext<unknown>): Promise<PasswordPolicySnapshot> {
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

/**
 * The compliant policy closest to `current`: a setting is tightened to the configured value only
 * when weaker, so stricter ones (a longer length, a shorter expiry) stay. With no policy at all,
 * users may change their own password and replace an expired one at sign-in (no hard expiry), so
 * expiry cannot lock anyone out.
 */
function compliantPolicy(current: PasswordPolicySnapshot, s: Settings): PasswordPolicy {
  return {
    MinimumPasswordLength: Math.max(current?.MinimumPasswordLength ?? 0, s.minimumPasswordLength),
    RequireUppercaseCharacters: true,
    RequireLowercaseCharacters: true,
    RequireSymbols: true,
    RequireNumbers: true,
    PasswordReusePrevention: Math.max(current?.PasswordReusePrevention ?? 0, s.passwordReusePrevention),
    MaxPasswordAge: Math.min(current?.MaxPasswordAge ?? Infinity, s.maxPasswordAgeDays),
    AllowUsersToChangePassword: current?.AllowUsersToChangePassword ?? true,
    HardExpiry: current?.HardExpiry ?? false,
  };
}

/** One line per setting that falls short, naming the control it fails. */
function shortfalls(current: PasswordPolicySnapshot, s: Settings): string[] {
  const lines: string[] = [];
  const length = current?.MinimumPasswordLength;
  if (!length || length < s.minimumPasswordLength) {
    const controls = !length || length < 8 ? 'IAM.7, IAM.15' : 'IAM.15';
    lines.push(`Require passwords of at least ${s.minimumPasswordLength} characters (now ${length ?? 'no policy'}; ${controls})`);
  }
  for (const [key, words, control] of CHARACTER_CLASSES) {
    if (!current?.[key]) lines.push(`Require ${words} in passwords (IAM.7, ${control})`);
  }
  const reuse = current?.PasswordReusePrevention;
  if (!reuse || reuse < s.passwordReusePrevention) {
    const now = reuse ? `the last ${reuse}` : 'reuse allowed';
    lines.push(`Prevent reuse of the last ${s.passwordReusePrevention} passwords (now ${now}; IAM.16)`);
  }
  const age = current?.MaxPasswordAge;
  if (!age || age > s.maxPasswordAgeDays) {
    lines.push(`Expire passwords after ${s.maxPasswordAgeDays} days (now ${age ? `${age} days` : 'never'}; IAM.17)`);
  }
  return lines;
}

/** UpdateAccountPasswordPolicy input: an omitted reuse prevention or age means "off". */
function toInput({ PasswordReusePrevention, MaxPasswordAge, ...rest }: PasswordPolicy) {
  return { ...rest, ...(PasswordReusePrevention ? { PasswordReusePrevention } : {}), ...(MaxPasswordAge ? { MaxPasswordAge } : {}) };
}

/**
 * Makes the account password policy meet IAM.7 and IAM.11–IAM.17: uppercase, lowercase, symbol
 * and number required, a minimum length (default 14), reuse of the last 24 passwords prevented
 * and expiry after 90 days (settings). Keeps every stricter existing setting and leaves "allow
 * users to change their password" and hard expiry as they are. Disruptive: a new expiry applies
 * at once, so console users whose password is older must choose a new one at their next sign-in
 * (and, where hard expiry is already on, wait for an administrator to reset it).
 */
export const enforceStrongPasswordPolicy = definePlaybook<PasswordPolicySnapshot, { description: string }, Settings>({
  id: 'iam-enforce-strong-password-policy',
  title: 'Set a strong IAM password policy for the account',
  controls: [
    'IAM.7', 'IAM.11', 'IAM.12', 'IAM.13', 'IAM.14', 'IAM.15', 'IAM.16', 'IAM.17',
    // CIS v1.2.0 1.5-1.11 are IAM.11-IAM.17; CIS v1.4.0 1.8 and 1.9 are IAM.15 and IAM.16.
    ...['1.5', '1.6', '1.7', '1.8', '1.9', '1.10', '1.11'].map((id) => `cis-aws-foundations-benchmark/v/1.2.0/${id}`),
    ...['1.8', '1.9'].map((id) => `cis-aws-foundations-benchmark/v/1.4.0/${id}`),
  ],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  permissions: ['iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy', 'iam:DeleteAccountPasswordPolicy'],
  settings: Settings,
  // The account itself carries no tags.
  readTags: async () => ({}),

  snapshot: (ctx) => readPolicy(ctx),

  plan(ctx, current) {
    const changes = shortfalls(current, ctx.settings).map((description) => ({ description }));
    const account = `account ${ctx.resource.account}`;
    const summary = !changes.length
      ? `The password policy of ${account} already meets IAM.7 and IAM.11-IAM.17`
      : current
        ? `Tighten ${changes.length} setting(s) of the password policy of ${account}`
        : `Create a password policy for ${account}, which has none`;
    return { summary, changes };
  },

  async apply(ctx) {
    // Re-read so a setting tightened since the plan is kept, and a compliant policy is not rewritten.
    const current = await readPolicy(ctx);
    if (shortfalls(current, ctx.settings).length === 0) return;
    const target = compliantPolicy(current, ctx.settings);
    await ctx.aws.client(IAMClient).send(new UpdateAccountPasswordPolicyCommand(toInput(target)));
  },

  async verify(ctx) {
    const missing = shortfalls(await readPolicy(ctx), ctx.settings);
    return missing.length === 0
      ? { compliant: true, detail: `The password policy of account ${ctx.resource.account} meets IAM.7 and IAM.11-IAM.17` }
      : { compliant: false, detail: `The password policy of account ${ctx.resource.account} still needs: ${missing.join('; ')}` };
  },

  async rollback(ctx, snapshot) {
    const iam = ctx.aws.client(IAMClient);
    if (snapshot) await iam.send(new UpdateAccountPasswordPolicyCommand(toInput(snapshot)));
    else if ((await readPolicy(ctx)) !== null) await iam.send(new DeleteAccountPasswordPolicyCommand({}));
  },
});
