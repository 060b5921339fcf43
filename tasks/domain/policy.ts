import * as z from 'zod';
import { CONTROL_SETTINGS, IMPACTS, MODES, Mode, RISKS, Risk } from './constants.js';

const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

const RiskByCriticality = z.object({ standard: z.enum(RISKS), production: z.enum(RISKS) });

/**
 * The operator's policy, stored as JSON in SSM Parameter Store and read at every execution,
 * so changing it needs no deploy. Every field has a safe default: a new deployment runs in
 * `dry-run` until the operator chooses otherwise.
 */
export const PolicySchema = z.object({
  /** Global mode; `off` is the kill switch. */
  mode: z.enum(MODES).default(Mode.DRY_RUN),
  /** Per-control setting (`auto` | `approve` | `off`), keyed by control id. */
  controls: z.record(z.string(), z.enum(CONTROL_SETTINGS)).default({}),
  /** Accounts Rectify may act in; empty means every account that sends findings. */
  allowedAccounts: z.array(AccountId).default([]),
  /** Regions Rectify may act in; empty means all. */
  allowedRegions: z.array(z.string()).default([]),
  /** Accounts whose resources are all production-critical. */
  productionAccounts: z.array(AccountId).default([]),
  /** Resource tags that mark a resource production-critical (key → accepted values, case-insensitive). */
  productionTags: z.record(z.string(), z.array(z.string())).default({ environment: ['prod', 'production'] }),
  /** Change risk by playbook impact and resource criticality. */
  riskMatrix: z
    .record(z.enum(IMPACTS), RiskByCriticality)
    .default({
      'non-disruptive': { standard: Risk.LOW, production: Risk.HIGH },
      disruptive: { standard: Risk.HIGH, production: Risk.CRITICAL },
    }),
  /** Finding severities that raise the change risk by one level (urgent findings get a second look when disruptive). */
  severityRaisesRisk: z.array(z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])).default([]),
  /** Risk at or above which a person must approve. */
  approvalThreshold: z.enum(RISKS).default(Risk.HIGH),
  /** At most this many automatic changes per account per hour; past it, changes need approval and an alert goes out once. */
  budgetPerAccountPerHour: z.number().int().min(0).default(20),
  /** Circuit breaker: when `threshold` of the last `window` remediations (per account, and overall) failed, automatic mode pauses to approval. */
  circuitBreaker: z
    .object({ window: z.number().int().min(1).max(100).default(10), threshold: z.number().int().min(1).default(3) })
    .refine((b) => b.threshold <= b.window, 'threshold must not exceed window')
    .default({ window: 10, threshold: 3 }),
  /** Flap guard: a resource fixed `maxFixes` times for one control within `windowDays` is not fixed again. */
  flapGuard: z
    .object({ maxFixes: z.number().int().min(1).default(3), windowDays: z.number().int().min(1).default(7) })
    .default({ maxFixes: 3, windowDays: 7 }),
  /** Longest exemption the register accepts, in days. */
  maxExemptionDays: z.number().int().min(1).max(3650).default(90),
  /**
   * Products whose findings Rectify acts on, as `<company>/<product>` from the finding's
   * `ProductArn` (`arn:aws:securityhub:<region>::product/aws/securityhub` → `aws/securityhub`) or
   * OCSF `metadata.product.uid` (`…::productv2/aws/securityhub` → `aws/securityhub`).
   * Default: Security Hub's own control findings only, from either hub.
   */
  trustedProducts: z.array(z.string().regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'must be <company>/<product>, e.g. aws/securityhub')).min(1).default(['aws/securityhub']),
  /**
   * When the plan computed at the moment of change differs from the one a person approved
   * (the resource changed while the request waited): `reapprove` asks again with the new plan,
   * `escalate` tells people and ends the execution. Either way nothing is changed.
   */
  onPlanChange: z.enum(['reapprove', 'escalate']).default('reapprove'),
  /**
   * Per-playbook settings, keyed by playbook id; validated by the playbook's own schema. A setting
   * overrides the finding's control parameter (docs/playbooks.md) and may only be stricter than it.
   */
  playbookSettings: z.record(z.string(), z.unknown()).default({}),
  /**
   * Escalations also open a ticket through this Security Hub ticketing connector (CreateTicketV2:
   * Jira Cloud or ServiceNow, set up in Security Hub), for findings from Security Hub (OCSF); the
   * finding's comment carries the plan, the error and the execution's link, and the ticket id is
   * recorded in the audit and the note. Absent: no tickets.
   */
  ticketing: z.object({ connectorId: z.string().min(1) }).optional(),
});
export type Policy = z.infer<typeof PolicySchema>;

export const DEFAULT_POLICY: Policy = PolicySchema.parse({});

/** Parse the stored policy; a bad policy is an error, never a silent default. */
export function parsePolicy(raw: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new Error(`policy parameter is not JSON: ${(error as Error).message}`);
  }
  const parsed = PolicySchema.safeParse(json);
  if (!parsed.success) throw new Error(`policy parameter is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
