import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { Mode, MODES } from '../tasks/domain/constants.js';
import { PolicySchema, type Policy } from '../tasks/domain/policy.js';
import { playbookSettingsProblems } from '../tasks/playbooks/registry.js';

/** The cdk.json context key Rectify reads its configuration from. */
export const CONTEXT_KEY = 'rectify';

const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const RoleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be a valid IAM role name (1-64 of letters, digits and +=,.@_-)');

/** Retention periods CloudWatch Logs accepts (RetentionDays without INFINITE). */
const RETENTION_DAYS = Object.values(RetentionDays).filter((d): d is number => typeof d === 'number' && d !== RetentionDays.INFINITE);

/**
 * Policy fields an operator may preset at deploy time; `mode` comes from `initialMode`.
 * PolicySchema is a zod/mini object (the functions that parse it must stay small); its field
 * schemas compose with the classic API as they are.
 */
const { mode: _initialModeInstead, ...presettablePolicyFields } = PolicySchema.shape;
const PolicyOverridesSchema = z.strictObject(presettablePolicyFields);

/**
 * The `rectify` context in cdk.json, validated at synth. Every key is optional; the defaults
 * below are also written out in cdk.json so operators see them.
 *
 * @example
 * // cdk.json
 * "context": { "rectify": { "adminAccount": "111111111111", "memberAccounts": ["222222222222"],
 *   "approvalEmails": ["secops@example.com"], "initialMode": "dry-run" } }
 */
export const RectifyConfigSchema = z.strictObject({
  /**
   * The Security Hub administrator account the admin stack is deployed to. The member stack
   * trusts its task role; without it, the member stack asks for an `AdminAccountId` parameter.
   * @default - none
   */
  adminAccount: AccountId.optional(),
  /**
   * Region of the admin stack: the Security Hub aggregation region. The table's customer-managed
   * key has to be rendered per region, so the admin stack cannot be region-agnostic.
   * @default - the CLI's region (CDK_DEFAULT_REGION: AWS_REGION or the profile's region)
   */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region code such as eu-west-1')
    .optional(),
  /**
   * Member accounts the task roles may assume the member roles in.
   * @default [] (any account that has the member stack)
   */
  memberAccounts: z.array(AccountId).default([]),
  /**
   * Name of the member change role: every playbook action, reads and writes; only Remediate and
   * Rollback assume it (docs/decisions/010).
   * @default 'RectifyRemediationRole'
   */
  memberRoleName: RoleName.default('RectifyRemediationRole'),
  /**
   * Name of the member read role: only the playbooks' read actions and the tag reads; the tasks
   * that only look (exemption, classification, approval request, verification) assume it.
   * @default 'RectifyReadRole'
   */
  readRoleName: RoleName.default('RectifyReadRole'),
  /**
   * Fix findings of the administrator account with the task roles themselves instead of assuming the
   * member roles there; grants the task roles the playbooks' permissions in their own account (the
   * read-side roles only the read actions) and creates the runbooks' automation roles there (do not
   * deploy the member stack in that account).
   * @default false
   */
  sameAccountShortcut: z.boolean().default(false),
  /**
   * Mode written into the policy parameter on deploy; later changes are made in SSM, not here.
   * @default 'dry-run'
   */
  initialMode: z.enum(MODES).default(Mode.DRY_RUN),
  /**
   * Hours a person has to decide on an approval before it is escalated (1 to 168).
   * @default 24
   */
  approvalTimeoutHours: z.number().int().min(1).max(168).default(24),
  /**
   * Email addresses subscribed to the approvals topic.
   * @default []
   */
  approvalEmails: z.array(z.email()).default([]),
  /**
   * Email addresses subscribed to the escalations topic.
   * @default []
   */
  escalationEmails: z.array(z.email()).default([]),
  /**
   * Base URL approval emails link to (`<base>/approvals/{id}?exp=…&sig=…`): set it when the
   * approval API is served under a custom domain.
   * @default '' (the approval API's stage URL)
   */
  approvalBaseUrl: z.union([z.literal(''), z.url({ protocol: /^https$/ })]).default(''),
  /**
   * Steady-state requests per second the approval API accepts (stage throttling), across all
   * clients. A few people click a link now and then; anything more is noise or an attack.
   * @default 5
   */
  approvalRateLimit: z.number().positive().max(10_000).default(5),
  /**
   * Requests the approval API accepts at once above the rate (stage throttling), at least the rate.
   * @default 10
   */
  approvalBurstLimit: z.number().int().min(1).max(5_000).default(10),
  /**
   * Retention of every Rectify log group, in days (a CloudWatch Logs retention value).
   * @default 365
   */
  logRetentionDays: z
    .number()
    .refine((d) => RETENTION_DAYS.includes(d), `must be one of ${RETENTION_DAYS.join(', ')}`)
    .default(365),
  /**
   * Create the `Rectify: remediate` Security Hub custom action with CloudFormation. Set false
   * where CloudFormation lacks AWS::SecurityHub::ActionTarget (synth then reports
   * "Resource type 'AWS::SecurityHub::ActionTarget' does not exist in <region>") and create it with
   * `aws securityhub create-action-target --id RectifyRemediate --name "Rectify: remediate" --description "..."`.
   * @default true
   */
  createCustomAction: z.boolean().default(true),
  /**
   * Initial policy fields (controls, allowed accounts, production tags, risk matrix, ...),
   * merged over the policy defaults (tasks/domain/policy.ts).
   * @default {}
   */
  policy: PolicyOverridesSchema.default(PolicyOverridesSchema.parse({})),
}).refine((c) => c.approvalBurstLimit >= c.approvalRateLimit, {
  path: ['approvalBurstLimit'],
  message: 'must be at least rectify.approvalRateLimit (a burst below the rate caps the rate)',
}).refine((c) => c.readRoleName.toLowerCase() !== c.memberRoleName.toLowerCase(), {
  // IAM role names are unique ignoring case.
  path: ['readRoleName'],
  message: 'must differ from rectify.memberRoleName: the read role and the change role are two roles',
});
export type RectifyConfig = z.infer<typeof RectifyConfigSchema>;

/** A bad `rectify` context value; the message names the key. */
export class RectifyConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RectifyConfigError';
  }
}

/** `rectify.policy.controls["EC2.19"]`, `rectify.approvalEmails[0]`: the key as a user would find it. */
function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((at, key) => {
    if (typeof key === 'number') return `${at}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `${at}.${name}` : `${at}[${JSON.stringify(name)}]`;
  }, CONTEXT_KEY);
}

const HINTS: Record<string, string> = {
  [`${CONTEXT_KEY}.policy.mode`]: `set ${CONTEXT_KEY}.initialMode instead`,
};

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map((k) => keyPath([...issue.path, k]))
          .map((key) => `${key}: unknown key${HINTS[key] ? ` (${HINTS[key]})` : ''}`)
          .join('; ');
      }
      return `${keyPath(issue.path)}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validate the raw `rectify` context (an object from cdk.json, or a JSON string from
 * `-c rectify=...`). Throws a {@link RectifyConfigError} naming every offending key.
 *
 * @example
 * loadConfig({ approvalTimeoutHours: 0 }); // throws "rectify.approvalTimeoutHours: Too small: ..."
 */
export function loadConfig(rawContext: unknown): RectifyConfig {
  let raw = rawContext ?? {};
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (error) {
      throw new RectifyConfigError(`${CONTEXT_KEY}: context value is not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const parsed = RectifyConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RectifyConfigError(`invalid Rectify configuration (cdk.json context): ${describeIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  // Settings looser than a control would let verify pass what Security Hub fails (docs/decisions/011).
  const settingsProblems = playbookSettingsProblems(parsed.data.policy.playbookSettings);
  if (settingsProblems.length > 0) {
    throw new RectifyConfigError(`invalid Rectify configuration (cdk.json context): policy.${settingsProblems.join('; policy.')}`);
  }
  return parsed.data;
}

/** The policy written to the SSM parameter on deploy: the overrides with `initialMode`. */
export function initialPolicy(config: RectifyConfig): Policy {
  return PolicySchema.parse({ ...config.policy, mode: config.initialMode });
}
