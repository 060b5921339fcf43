import {
  DeleteAccountPasswordPolicyCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { z } from 'zod';
import { chooseValue, ParameterValue, SOURCE_WORDS, ValueSource, type ChosenValue } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/**
 * IAM.7's parameters as Security Hub names them, with its defaults (Security Hub user guide,
 * "[IAM.7]"). The bounds are IAM's own, so every value Security Hub allows parses.
 */
const Parameters = z.object({
  /** @default true */
  RequireUppercaseCharacters: ParameterValue.boolean().default(true),
  /** @default true */
  RequireLowercaseCharacters: ParameterValue.boolean().default(true),
  /** @default true */
  RequireSymbols: ParameterValue.boolean().default(true),
  /** @default true */
  RequireNumbers: ParameterValue.boolean().default(true),
  /** @default 8 */
  MinimumPasswordLength: ParameterValue.integer(6, 128).default(8),
  /** @default none: IAM.7 does not check reuse */
  PasswordReusePrevention: ParameterValue.integer(1, 24).optional(),
  /** @default none: IAM.7 does not check expiry */
  MaxPasswordAge: ParameterValue.integer(1, 1095).optional(),
});
type Parameters = z.infer<typeof Parameters>;

// IAM.15, IAM.16 and IAM.17 check fixed values: they take no parameters.
const IAM_15_MINIMUM_LENGTH = 14;
const IAM_16_REUSE_PREVENTION = 24;
const IAM_17_MAX_AGE_DAYS = 90;
const atLeast = (have: number, need: number) => have >= need;
const atMost = (have: number, need: number) => have <= need;

/** Overrides for a deployment stricter than its controls; each may only be stricter than IAM.7's parameter. */
const Settings = z.object({
  /** @default the longer of IAM.7's `MinimumPasswordLength` and IAM.15's 14 */
  minimumPasswordLength: z.number().int().min(8).max(128).optional(),
  /** @default 24 (IAM.16 fails on anything else; 24 is also the IAM maximum, so it meets any IAM.7 `PasswordReusePrevention`) */
  passwordReusePrevention: z.number().int().min(1).max(24).optional(),
  /** @default the shorter of IAM.7's `MaxPasswordAge`, when set, and IAM.17's 90 */
  maxPasswordAgeDays: z.number().int().min(1).max(1095).optional(),
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

/** One control's bound on a number of the policy, e.g. IAM.15: a length of at least 14. `undefined`: no bound. */
type Requirement = { readonly control: string; readonly value: number | undefined };

/**
 * A number the policy must reach and the controls that bound it, with where a configured value came
 * from: IAM.7's parameter when the finding set it, the policy's setting when there is one.
 */
type Target = {
  readonly value: number;
  readonly requirements: readonly Requirement[];
  readonly fromFinding: string | undefined;
  readonly fromPolicy: string | undefined;
};

/** What the policy must meet: IAM.7 as the finding configures it, IAM.11–IAM.17's fixed values, or the policy's settings. */
type Targets = { readonly parameters: Parameters; readonly length: Target; readonly reuse: Target; readonly age: Target };

/**
 * One number's target and where its configured values came from ("MinimumPasswordLength 20 from the
 * finding's control parameters"); Security Hub's defaults and the fixed controls need no words.
 */
function targetOf(
  ctx: PlaybookContext<Settings, Parameters>,
  chosen: ChosenValue<number | undefined>,
  names: { readonly setting: string; readonly parameter: keyof Parameters & string },
  combined: number,
  requirements: readonly Requirement[],
): Target {
  const policy = chosen.source === ValueSource.POLICY ? chosen.value : undefined;
  const parameter = ctx.parameters[names.parameter];
  return {
    value: policy ?? combined,
    requirements,
    fromFinding: ctx.parametersFromFinding.includes(names.parameter) ? `${names.parameter} ${String(parameter)} ${SOURCE_WORDS.finding}` : undefined,
    fromPolicy: policy === undefined ? undefined : `${names.setting} ${policy} ${SOURCE_WORDS.policy}`,
  };
}

/**
 * Each number's target: the policy's setting when set (never looser than IAM.7's parameter),
 * else the strictest of IAM.7's parameter and the fixed IAM.15/IAM.16/IAM.17 value.
 */
function targetsFor(ctx: PlaybookContext<Settings, Parameters>): Targets {
  const { parameters: p, settings: s } = ctx;
  const length = chooseValue(ctx, 'MinimumPasswordLength', { name: 'minimumPasswordLength', value: s.minimumPasswordLength }, atLeast);
  const reuse = chooseValue(ctx, 'PasswordReusePrevention', { name: 'passwordReusePrevention', value: s.passwordReusePrevention }, atLeast);
  const age = chooseValue(ctx, 'MaxPasswordAge', { name: 'maxPasswordAgeDays', value: s.maxPasswordAgeDays }, atMost);
  return {
    parameters: p,
    length: targetOf(
      ctx,
      length,
      { setting: 'minimumPasswordLength', parameter: 'MinimumPasswordLength' },
      Math.max(p.MinimumPasswordLength, IAM_15_MINIMUM_LENGTH),
      [{ control: 'IAM.7', value: p.MinimumPasswordLength }, { control: 'IAM.15', value: IAM_15_MINIMUM_LENGTH }],
    ),
    reuse: targetOf(
      ctx,
      reuse,
      { setting: 'passwordReusePrevention', parameter: 'PasswordReusePrevention' },
      Math.max(p.PasswordReusePrevention ?? 0, IAM_16_REUSE_PREVENTION),
      [{ control: 'IAM.7', value: p.PasswordReusePrevention }, { control: 'IAM.16', value: IAM_16_REUSE_PREVENTION }],
    ),
    age: targetOf(
      ctx,
      age,
      { setting: 'maxPasswordAgeDays', parameter: 'MaxPasswordAge' },
      Math.min(p.MaxPasswordAge ?? Infinity, IAM_17_MAX_AGE_DAYS),
      [{ control: 'IAM.7', value: p.MaxPasswordAge }, { control: 'IAM.17', value: IAM_17_MAX_AGE_DAYS }],
    ),
  };
}

/**
 * The compliant policy closest to `current`: a setting is tightened to its target only when
 * weaker, so stricter ones (a longer length, a shorter expiry) stay. With no policy at all,
 * users may change their own password and replace an expired one at sign-in (no hard expiry), so
 * expiry cannot lock anyone out.
 */
function compliantPolicy(current: PasswordPolicySnapshot, t: Targets): PasswordPolicy {
  return {
    MinimumPasswordLength: Math.max(current?.MinimumPasswordLength ?? 0, t.length.value),
    // IAM.11-IAM.14 require every class whatever IAM.7's parameters say.
    RequireUppercaseCharacters: true,
    RequireLowercaseCharacters: true,
    RequireSymbols: true,
    RequireNumbers: true,
    PasswordReusePrevention: Math.max(current?.PasswordReusePrevention ?? 0, t.reuse.value),
    MaxPasswordAge: Math.min(current?.MaxPasswordAge ?? Infinity, t.age.value),
    AllowUsersToChangePassword: current?.AllowUsersToChangePassword ?? true,
    HardExpiry: current?.HardExpiry ?? false,
  };
}

/** Why a number must change: the controls `current` fails and `target` meets (IAM.7 with the finding's value), then a policy setting. */
function reasons(target: Target, current: number | null | undefined, meets: (have: number, need: number) => boolean): string {
  const fixed = target.requirements
    .filter(({ value }) => value !== undefined && !(current && meets(current, value)) && meets(target.value, value))
    .map(({ control }) => (control === 'IAM.7' && target.fromFinding ? `IAM.7 ${target.fromFinding}` : control));
  return [fixed.join(', '), target.fromPolicy].filter(Boolean).join('; ');
}

/** One line per setting that falls short of its target, naming the controls it fails and where a configured value came from. */
function shortfalls(current: PasswordPolicySnapshot, t: Targets): string[] {
  const lines: string[] = [];
  const length = current?.MinimumPasswordLength;
  if (!length || length < t.length.value) {
    lines.push(`Require passwords of at least ${t.length.value} characters (now ${length ?? 'no policy'}; ${reasons(t.length, length, atLeast)})`);
  }
  for (const [key, words, control] of CHARACTER_CLASSES) {
    if (!current?.[key]) lines.push(`Require ${words} in passwords (${t.parameters[key] ? `IAM.7, ${control}` : control})`);
  }
  const reuse = current?.PasswordReusePrevention;
  if (!reuse || reuse < t.reuse.value) {
    const now = reuse ? `the last ${reuse}` : 'reuse allowed';
    lines.push(`Prevent reuse of the last ${t.reuse.value} passwords (now ${now}; ${reasons(t.reuse, reuse, atLeast)})`);
  }
  const age = current?.MaxPasswordAge;
  if (!age || age > t.age.value) {
    lines.push(`Expire passwords after ${t.age.value} days (now ${age ? `${age} days` : 'never'}; ${reasons(t.age, age, atMost)})`);
  }
  return lines;
}

/** The configured values the targets use, for the summary: " (using IAM.7 MinimumPasswordLength 20 from the finding's control parameters)". */
function provenanceText(t: Targets): string {
  const targets = [t.length, t.reuse, t.age];
  const configured = [...targets.map((target) => target.fromFinding && `IAM.7 ${target.fromFinding}`), ...targets.map((target) => target.fromPolicy)];
  const words = configured.filter(Boolean);
  return words.length ? ` (using ${words.join(', ')})` : '';
}

/** UpdateAccountPasswordPolicy input: an omitted reuse prevention or age means "off". */
function toInput({ PasswordReusePrevention, MaxPasswordAge, ...rest }: PasswordPolicy) {
  return { ...rest, ...(PasswordReusePrevention ? { PasswordReusePrevention } : {}), ...(MaxPasswordAge ? { MaxPasswordAge } : {}) };
}

/**
 * Makes the account password policy meet IAM.7 and IAM.11–IAM.17: uppercase, lowercase, symbol
 * and number required, a minimum length of 14 or IAM.7's `MinimumPasswordLength` if longer, reuse
 * of the last 24 passwords prevented and expiry after 90 days or IAM.7's `MaxPasswordAge` if
 * shorter (IAM.7's parameters as the finding carries them; settings may tighten any). Keeps every stricter existing setting and leaves "allow
 * users to change their password" and hard expiry as they are. Disruptive: a new expiry applies
 * at once, so console users whose password is older must choose a new one at their next sign-in
 * (and, where hard expiry is already on, wait for an administrator to reset it).
 */
export const enforceStrongPasswordPolicy = definePlaybook<PasswordPolicySnapshot, { description: string }, Settings, Parameters>({
  id: 'iam-enforce-strong-password-policy',
  title: 'Set a strong IAM password policy for the account',
  controls: [
    'IAM.7', 'IAM.11', 'IAM.12', 'IAM.13', 'IAM.14', 'IAM.15', 'IAM.16', 'IAM.17',
    // CIS v1.2.0 1.5-1.11 are IAM.11-IAM.17; IAM.15 and IAM.16 are CIS v1.4.0 and v3.0.0 1.8 and 1.9, v5.0.0 1.7 and 1.8.
    // PCI DSS v3.2.1 PCI.IAM.8 is IAM.10, which this playbook does not claim.
    ...['1.5', '1.6', '1.7', '1.8', '1.9', '1.10', '1.11'].map((id) => `cis-aws-foundations-benchmark/v/1.2.0/${id}`),
    ...['1.8', '1.9'].map((id) => `cis-aws-foundations-benchmark/v/1.4.0/${id}`),
    ...['1.8', '1.9'].map((id) => `cis-aws-foundations-benchmark/v/3.0.0/${id}`),
    ...['1.7', '1.8'].map((id) => `cis-aws-foundations-benchmark/v/5.0.0/${id}`),
  ],
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  permissions: ['iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy', 'iam:DeleteAccountPasswordPolicy'],
  settings: Settings,
  parameters: { control: 'IAM.7', schema: Parameters },
  // The account itself carries no tags.
  readTags: async () => ({}),

  snapshot: (ctx) => readPolicy(ctx),

  plan(ctx, current) {
    const targets = targetsFor(ctx);
    const changes = shortfalls(current, targets).map((description) => ({ description }));
    const account = `account ${ctx.resource.account}`;
    const summary = !changes.length
      ? `The password policy of ${account} already meets IAM.7 and IAM.11-IAM.17`
      : current
        ? `Tighten ${changes.length} setting(s) of the password policy of ${account}`
        : `Create a password policy for ${account}, which has none`;
    return { summary: summary + provenanceText(targets), changes };
  },

  async apply(ctx) {
    // Re-read so a setting tightened since the plan is kept, and a compliant policy is not rewritten.
    const targets = targetsFor(ctx);
    const current = await readPolicy(ctx);
    if (shortfalls(current, targets).length === 0) return;
    await ctx.aws.client(IAMClient).send(new UpdateAccountPasswordPolicyCommand(toInput(compliantPolicy(current, targets))));
  },

  // The same targets as the plan: IAM.7 is checked against the finding's parameters, not the playbook's own values.
  async verify(ctx) {
    const targets = targetsFor(ctx);
    const missing = shortfalls(await readPolicy(ctx), targets);
    const account = `account ${ctx.resource.account}`;
    return missing.length === 0
      ? { compliant: true, detail: `The password policy of ${account} meets IAM.7 and IAM.11-IAM.17${provenanceText(targets)}` }
      : { compliant: false, detail: `The password policy of ${account} still needs: ${missing.join('; ')}` };
  },

  async rollback(ctx, snapshot) {
    const iam = ctx.aws.client(IAMClient);
    if (snapshot) await iam.send(new UpdateAccountPasswordPolicyCommand(toInput(snapshot)));
    else if ((await readPolicy(ctx)) !== null) await iam.send(new DeleteAccountPasswordPolicyCommand({}));
  },
});
