import * as z from 'zod/mini';
import '../zodMessages.js';
import { CONTROL_SETTINGS, IMPACTS, MODES, Mode, RISKS, Risk } from './constants.js';

// zod/mini: LoadPolicy and the approval endpoint parse the policy and run no playbook; their
// bundles must stay small (docs/decisions/019). infra/config.ts composes it with the classic API.
const AccountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const count = (min: number, max?: number) => z.number().check(z.int(), z.minimum(min), ...(max === undefined ? [] : [z.maximum(max)]));

const RiskByCriticality = z.object({ standard: z.enum(RISKS), production: z.enum(RISKS) });

/**
 * The operator's policy, stored as JSON in SSM Parameter Store and read at every execution,
 * so changing it needs no deploy. Every field has a safe default: a new deployment runs in
 * `dry-run` until the operator chooses otherwise.
 */
export const PolicySchema = z.object({
  /** Global mode; `off` is the kill switch. */
  mode: z._default(z.enum(MODES), Mode.DRY_RUN),
  /** Per-control setting (`auto` | `approve` | `off`), keyed by control id. */
  controls: z._default(z.record(z.string(), z.enum(CONTROL_SETTINGS)), {}),
  /** Accounts Rectify may act in; empty means every account that sends findings. */
  allowedAccounts: z._default(z.array(AccountId), []),
  /** Regions Rectify may act in; empty means all. */
  allowedRegions: z._default(z.array(z.string()), []),
  /** Accounts whose resources are all production-critical. */
  productionAccounts: z._default(z.array(AccountId), []),
  /** Resource tags that mark a resource production-critical (key → accepted values, case-insensitive). */
  productionTags: z._default(z.record(z.string(), z.array(z.string())), { environment: ['prod', 'production'] }),
  /** Change risk by playbook impact and resource criticality. */
  riskMatrix: z._default(z.record(z.enum(IMPACTS), RiskByCriticality), {
    'non-disruptive': { standard: Risk.LOW, production: Risk.HIGH },
    disruptive: { standard: Risk.HIGH, production: Risk.CRITICAL },
  }),
  /** Finding severities that raise the change risk by one level (urgent findings get a second look when disruptive). */
  severityRaisesRisk: z._default(z.array(z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])), []),
  /** Risk at or above which a person must approve. */
  approvalThreshold: z._default(z.enum(RISKS), Risk.HIGH),
  /** At most this many automatic changes per account per hour; past it, changes need approval and an alert goes out once. */
  budgetPerAccountPerHour: z._default(count(0), 20),
  /** Circuit breaker: when `threshold` of the last `window` remediations (per account, and overall) failed, automatic mode pauses to approval. */
  circuitBreaker: z._default(
    z
      .object({ window: z._default(count(1, 100), 10), threshold: z._default(count(1), 3) })
      .check(z.refine((b) => b.threshold <= b.window, 'threshold must not exceed window')),
    { window: 10, threshold: 3 },
  ),
  /** Flap guard: a resource fixed `maxFixes` times for one control within `windowDays` is not fixed again. */
  flapGuard: z._default(z.object({ maxFixes: z._default(count(1), 3), windowDays: z._default(count(1), 7) }), { maxFixes: 3, windowDays: 7 }),
  /** Longest exemption the register accepts, in days. */
  maxExemptionDays: z._default(count(1, 3650), 90),
  /**
   * Products whose findings Rectify acts on, as `<company>/<product>` from the finding's
   * `ProductArn` (`arn:aws:securityhub:<region>::product/aws/securityhub` → `aws/securityhub`) or
   * OCSF `metadata.product.uid` (`…::productv2/aws/securityhub` → `aws/securityhub`).
   * Default: Security Hub's own control findings only, from either hub.
   */
  trustedProducts: z._default(
    z.array(z.string().check(z.regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'must be <company>/<product>, e.g. aws/securityhub'))).check(z.minLength(1)),
    ['aws/securityhub'],
  ),
  /**
   * When the plan computed at the moment of change differs from the one a person approved
   * (the resource changed while the request waited): `reapprove` asks again with the new plan,
   * `escalate` tells people and ends the execution. Either way nothing is changed.
   */
  onPlanChange: z._default(z.enum(['reapprove', 'escalate']), 'reapprove'),
  /**
   * Per-playbook settings, keyed by playbook id; validated by the playbook's own schema. A setting
   * overrides the finding's control parameter (docs/playbooks.md) and may only be stricter than it.
   */
  playbookSettings: z._default(z.record(z.string(), z.unknown()), {}),
  /**
   * Escalations also open a ticket through this Security Hub ticketing connector (CreateTicketV2:
   * Jira Cloud or ServiceNow, set up in Security Hub), for findings from Security Hub (OCSF); the
   * finding's comment carries the plan, the error and the execution's link, and the ticket id is
   * recorded in the audit and the note. Absent: no tickets.
   */
  ticketing: z.optional(z.object({ connectorId: z.string().check(z.minLength(1)) })),
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
