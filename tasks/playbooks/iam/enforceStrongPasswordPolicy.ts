import * as z from 'zod';
import { chooseValue, ParameterValue, SOURCE_WORDS, ValueSource, type ChosenValue } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import {
  deletePolicy,
  describeChange,
  meets,
  readPolicy,
  requirementWords,
  withRequirements,
  writePolicy,
  type CharacterClass,
  type PasswordPolicySnapshot,
  type Requirement,
} from './passwordPolicy.js';

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

// IAM.10, IAM.15, IAM.16 and IAM.17 check fixed values: they take no parameters.
/** IAM.10's PCI DSS v3.2.1 minimums (Security Hub user guide, "[IAM.10]"). */
const IAM_10 = { minimumLength: 7, reusePrevention: 4, maxAgeDays: 90 } as const;
const IAM_15_MINIMUM_LENGTH = 14;
const IAM_16_REUSE_PREVENTION = 24;
const IAM_17_MAX_AGE_DAYS = 90;

/**
 * Overrides for a deployment stricter than its controls. Each applies where a control checks that
 * value (IAM.15, IAM.16, IAM.17, and IAM.7 when it checks it) and may only be stricter: a looser
 * value is refused when the settings are read, and one looser than IAM.7's parameter when planning.
 */
const Settings = z.object({
  /** @default 14 for IAM.15, IAM.7's `MinimumPasswordLength` for IAM.7 */
  minimumPasswordLength: z.number().int().min(IAM_15_MINIMUM_LENGTH, `IAM.15 requires a minimum length of at least ${IAM_15_MINIMUM_LENGTH}`).max(128).optional(),
  /** @default 24 for IAM.16 (which fails any other value; 24 is also IAM's maximum), IAM.7's `PasswordReusePrevention` when set */
  passwordReusePrevention: z
    .number()
    .int()
    .min(IAM_16_REUSE_PREVENTION, `IAM.16 requires preventing reuse of the last ${IAM_16_REUSE_PREVENTION} passwords`)
    .max(IAM_16_REUSE_PREVENTION, `IAM remembers at most ${IAM_16_REUSE_PREVENTION} passwords`)
    .optional(),
  /** @default 90 for IAM.17, IAM.7's `MaxPasswordAge` when set */
  maxPasswordAgeDays: z.number().int().min(1).max(IAM_17_MAX_AGE_DAYS, `IAM.17 requires passwords to expire within ${IAM_17_MAX_AGE_DAYS} days or less`).optional(),
});
type Settings = z.infer<typeof Settings>;
type Context = PlaybookContext<Settings, Parameters>;

type PasswordControl = 'IAM.7' | 'IAM.10' | 'IAM.11' | 'IAM.12' | 'IAM.13' | 'IAM.14' | 'IAM.15' | 'IAM.16' | 'IAM.17';

/**
 * Every id this playbook answers to and the consolidated control it stands for ("Related
 * requirements" of each control in Security Hub's IAM control reference). A finding is fixed for
 * that one control. PCI DSS v3.2.1 PCI.IAM.8 is IAM.10.
 */
const CONTROL_OF: Readonly<Record<string, PasswordControl>> = {
  'IAM.7': 'IAM.7',
  'IAM.10': 'IAM.10',
  'IAM.11': 'IAM.11',
  'IAM.12': 'IAM.12',
  'IAM.13': 'IAM.13',
  'IAM.14': 'IAM.14',
  'IAM.15': 'IAM.15',
  'IAM.16': 'IAM.16',
  'IAM.17': 'IAM.17',
  'cis-aws-foundations-benchmark/v/1.2.0/1.5': 'IAM.11',
  'cis-aws-foundations-benchmark/v/1.2.0/1.6': 'IAM.12',
  'cis-aws-foundations-benchmark/v/1.2.0/1.7': 'IAM.13',
  'cis-aws-foundations-benchmark/v/1.2.0/1.8': 'IAM.14',
  'cis-aws-foundations-benchmark/v/1.2.0/1.9': 'IAM.15',
  'cis-aws-foundations-benchmark/v/1.2.0/1.10': 'IAM.16',
  'cis-aws-foundations-benchmark/v/1.2.0/1.11': 'IAM.17',
  'cis-aws-foundations-benchmark/v/1.4.0/1.8': 'IAM.15',
  'cis-aws-foundations-benchmark/v/1.4.0/1.9': 'IAM.16',
  'cis-aws-foundations-benchmark/v/3.0.0/1.8': 'IAM.15',
  'cis-aws-foundations-benchmark/v/3.0.0/1.9': 'IAM.16',
  'cis-aws-foundations-benchmark/v/5.0.0/1.7': 'IAM.15',
  'cis-aws-foundations-benchmark/v/5.0.0/1.8': 'IAM.16',
  'pci-dss/v/3.2.1/PCI.IAM.8': 'IAM.10',
};

const atLeast = (have: number, need: number) => have >= need;
const atMost = (have: number, need: number) => have <= need;

/** A fixed control's number, or the policy's stricter setting for it (the schema refuses a looser one). */
function fixedValue(field: 'MinimumPasswordLength' | 'PasswordReusePrevention' | 'MaxPasswordAge', control: string, value: number, setting: [string, number | undefined]): Requirement {
  const [name, configured] = setting;
  if (configured === undefined) return { field, value, reason: control };
  return { field, value: configured, reason: `${control}; ${name} ${configured} ${SOURCE_WORDS.policy}` };
}

/** Why IAM.7 requires a value: its parameter, named with the finding's value when the finding set it. */
function iam7Reason(ctx: Context, name: keyof Parameters, chosen?: ChosenValue<unknown>, setting?: string): string {
  const parameter = ctx.parametersFromFinding.includes(name) ? `IAM.7 ${name} ${String(ctx.parameters[name])} ${SOURCE_WORDS.finding}` : 'IAM.7';
  return chosen?.source === ValueSource.POLICY ? `${parameter}; ${setting} ${String(chosen.value)} ${SOURCE_WORDS.policy}` : parameter;
}

/**
 * IAM.7 exactly as the finding's parameters configure it: each character class it requires, its
 * minimum length, and reuse prevention and expiry only when it sets them (they have no default,
 * so Security Hub does not check them). A setting may tighten a value IAM.7 checks, never loosen it.
 */
function iam7Requirements(ctx: Context): Requirement[] {
  const { parameters: p, settings: s } = ctx;
  const classes = (['RequireUppercaseCharacters', 'RequireLowercaseCharacters', 'RequireSymbols', 'RequireNumbers'] as const)
    .filter((field: CharacterClass) => p[field])
    .map((field): Requirement => ({ field, reason: iam7Reason(ctx, field) }));
  const length = chooseValue(ctx, 'MinimumPasswordLength', { name: 'minimumPasswordLength', value: s.minimumPasswordLength }, atLeast);
  const numbers: Requirement[] = [
    { field: 'MinimumPasswordLength', value: length.value, reason: iam7Reason(ctx, 'MinimumPasswordLength', length, 'minimumPasswordLength') },
  ];
  if (p.PasswordReusePrevention !== undefined) {
    const reuse = chooseValue(ctx, 'PasswordReusePrevention', { name: 'passwordReusePrevention', value: s.passwordReusePrevention }, atLeast);
    numbers.push({ field: 'PasswordReusePrevention', value: reuse.value!, reason: iam7Reason(ctx, 'PasswordReusePrevention', reuse, 'passwordReusePrevention') });
  }
  if (p.MaxPasswordAge !== undefined) {
    const age = chooseValue(ctx, 'MaxPasswordAge', { name: 'maxPasswordAgeDays', value: s.maxPasswordAgeDays }, atMost);
    numbers.push({ field: 'MaxPasswordAge', value: age.value!, reason: iam7Reason(ctx, 'MaxPasswordAge', age, 'maxPasswordAgeDays') });
  }
  return [...classes, ...numbers];
}

/**
 * IAM.10, the PCI DSS v3.2.1 policy: uppercase, lowercase and numbers (no symbol), at least 7
 * characters, reuse of the last 4 prevented, expiry within 90 days, all checked together. A setting
 * tightens a value where it is stricter still (its schema already refuses one looser than IAM.15-17).
 */
function iam10Requirements(ctx: Context): Requirement[] {
  const { settings: s } = ctx;
  return [
    { field: 'RequireUppercaseCharacters', reason: 'IAM.10' },
    { field: 'RequireLowercaseCharacters', reason: 'IAM.10' },
    { field: 'RequireNumbers', reason: 'IAM.10' },
    fixedValue('MinimumPasswordLength', 'IAM.10', IAM_10.minimumLength, ['minimumPasswordLength', s.minimumPasswordLength]),
    fixedValue('PasswordReusePrevention', 'IAM.10', IAM_10.reusePrevention, ['passwordReusePrevention', s.passwordReusePrevention]),
    fixedValue('MaxPasswordAge', 'IAM.10', IAM_10.maxAgeDays, ['maxPasswordAgeDays', s.maxPasswordAgeDays]),
  ];
}

/** What each control checks on the password policy: one requirement, except IAM.7's and IAM.10's several. */
const REQUIREMENTS: Readonly<Record<PasswordControl, (ctx: Context) => Requirement[]>> = {
  'IAM.7': iam7Requirements,
  'IAM.10': iam10Requirements,
  'IAM.11': () => [{ field: 'RequireUppercaseCharacters', reason: 'IAM.11' }],
  'IAM.12': () => [{ field: 'RequireLowercaseCharacters', reason: 'IAM.12' }],
  'IAM.13': () => [{ field: 'RequireSymbols', reason: 'IAM.13' }],
  'IAM.14': () => [{ field: 'RequireNumbers', reason: 'IAM.14' }],
  'IAM.15': (ctx) => [fixedValue('MinimumPasswordLength', 'IAM.15', IAM_15_MINIMUM_LENGTH, ['minimumPasswordLength', ctx.settings.minimumPasswordLength])],
  'IAM.16': (ctx) => [fixedValue('PasswordReusePrevention', 'IAM.16', IAM_16_REUSE_PREVENTION, ['passwordReusePrevention', ctx.settings.passwordReusePrevention])],
  'IAM.17': (ctx) => [fixedValue('MaxPasswordAge', 'IAM.17', IAM_17_MAX_AGE_DAYS, ['maxPasswordAgeDays', ctx.settings.maxPasswordAgeDays])],
};

/** The control this finding is for and what it requires; a legacy id is named beside its control. */
function checksFor(ctx: Context): { label: string; requirements: Requirement[] } {
  const control = CONTROL_OF[ctx.controlId]!;
  return { label: control === ctx.controlId ? control : `${control} (${ctx.controlId})`, requirements: REQUIREMENTS[control](ctx) };
}

const unmet = (policy: PasswordPolicySnapshot, requirements: readonly Requirement[]) => requirements.filter((r) => !meets(policy, r));

/**
 * Makes the account password policy meet the one control the finding is for, as Security Hub
 * checks it with the AWS Config rule iam-password-policy
 * (https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html):
 * - IAM.7, https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-7: its
 *   parameters as the finding carries them, else Security Hub's defaults (every character class,
 *   8 characters; reuse prevention and expiry only when the finding sets them);
 * - IAM.10 (PCI DSS v3.2.1 PCI.IAM.8), …/iam-controls.html#iam-10: uppercase, lowercase and
 *   numbers required, at least 7 characters, reuse of the last 4 prevented, expiry within 90 days;
 * - IAM.11, …/iam-controls.html#iam-11: at least one uppercase letter;
 * - IAM.12, …/iam-controls.html#iam-12: at least one lowercase letter;
 * - IAM.13, …/iam-controls.html#iam-13: at least one symbol;
 * - IAM.14, …/iam-controls.html#iam-14: at least one number;
 * - IAM.15, …/iam-controls.html#iam-15: a minimum length of 14 or more;
 * - IAM.16, …/iam-controls.html#iam-16: reuse of the last 24 passwords prevented;
 * - IAM.17, …/iam-controls.html#iam-17: expiry after 90 days or less.
 * A CIS finding is fixed for the control it aliases (CIS v1.4.0+ 1.8 is IAM.15: no expiry is set).
 * UpdateAccountPasswordPolicy replaces the whole policy, so every other field is written back as it
 * was, and a stricter value already set stays. Settings may only tighten the values.
 *
 * Disruptive: a new expiry applies at once, so console users whose password is older must choose
 * a new one at their next sign-in (and, where hard expiry is already on, wait for an administrator).
 */
export const enforceStrongPasswordPolicy = definePlaybook<PasswordPolicySnapshot, { description: string }, Settings, Parameters>({
  id: 'iam-enforce-strong-password-policy',
  title: 'Set a strong IAM password policy for the account',
  controls: Object.keys(CONTROL_OF),
  resourceType: 'AwsAccount',
  impact: 'disruptive',
  permissions: ['iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy', 'iam:DeleteAccountPasswordPolicy'],
  settings: Settings,
  parameters: { control: 'IAM.7', schema: Parameters },
  // The account itself carries no tags.
  readTags: async () => ({}),

  snapshot: (ctx) => readPolicy(ctx),

  plan(ctx, current) {
    const { label, requirements } = checksFor(ctx);
    const changes = unmet(current, requirements).map((r) => ({ description: describeChange(current, r) }));
    const account = `account ${ctx.resource.account}`;
    const summary = !changes.length
      ? `The password policy of ${account} already meets ${label}`
      : current
        ? `Tighten ${changes.length} setting(s) of the password policy of ${account} for ${label}; every other setting stays as it is`
        : `Create a password policy for ${account}, which has none, that meets ${label}`;
    return { summary, changes };
  },

  async apply(ctx) {
    // Re-read so a setting tightened since the plan is kept, and a compliant policy is not rewritten.
    const { requirements } = checksFor(ctx);
    const current = await readPolicy(ctx);
    if (unmet(current, requirements).length === 0) return;
    await writePolicy(ctx, withRequirements(current, requirements));
  },

  // Only this finding's control, with the same values as the plan (IAM.7: the finding's parameters).
  async verify(ctx) {
    const { label, requirements } = checksFor(ctx);
    const current = await readPolicy(ctx);
    const missing = unmet(current, requirements).map((r) => describeChange(current, r));
    const account = `account ${ctx.resource.account}`;
    return missing.length === 0
      ? { compliant: true, detail: `The password policy of ${account} meets ${label}: ${requirements.map(requirementWords).join(', ')}` }
      : { compliant: false, detail: `The password policy of ${account} still needs, for ${label}: ${missing.join('; ')}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot) await writePolicy(ctx, snapshot);
    else if ((await readPolicy(ctx)) !== null) await deletePolicy(ctx);
  },
});
