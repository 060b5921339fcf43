import * as z from 'zod/mini';
import '../zodMessages.js';
import { CONTROL_SETTINGS, IMPACTS, MODES, Outcome, RISKS } from './constants.js';
import { RemediationRequestSchema } from './finding.js';
import { PolicySchema } from './policy.js';

/**
 * The execution state, phase by phase. Each Task writes its own `ResultPath`, so a later
 * phase never overwrites an earlier one; handlers parse only the parts they read.
 */
const OUTCOMES = Object.values(Outcome) as [Outcome, ...Outcome[]];

export const PolicyDecisionSchema = z.object({
  proceed: z.boolean(),
  /** Set when `proceed` is false: NO_PLAYBOOK or POLICY_SKIPPED. */
  outcome: z.optional(z.enum(OUTCOMES)),
  reason: z.string(),
  mode: z.enum(MODES),
  controlId: z.optional(z.string()),
  controlSetting: z.optional(z.enum(CONTROL_SETTINGS)),
  playbookId: z.optional(z.string()),
  impact: z.optional(z.enum(IMPACTS)),
  dryRun: z.boolean(),
  /** The mode or the control's setting asks for a person whatever the risk. */
  approvalForced: z.boolean(),
  playbookSettings: z.optional(z.unknown()),
  /** The policy this decision was made under; later phases use it, so one execution sees one policy. */
  policy: z.optional(PolicySchema),
});
export type PolicyDecision = z.infer<typeof PolicyDecisionSchema>;

/** ClassifySeverity's decision: the risk, and what the guardrails made of it (docs/decisions/007). */
export const RiskSchema = z.object({
  level: z.enum(RISKS),
  criticality: z.enum(['standard', 'production']),
  /** The impact of the plan classified (DESIGN §5); Remediate asks a person when its fresh plan is more disruptive. */
  impact: z.optional(z.enum(IMPACTS)),
  /** Why: the risk matrix, then the guardrails. */
  reasons: z.array(z.string()),
  /** The risk or the mode asks for a person, or a circuit breaker is open, or the budget is spent. */
  approvalRequired: z.boolean(),
  /** Another execution is remediating this resource for this control. */
  duplicate: z.boolean(),
  heldBy: z.optional(z.string()),
});
export type RiskResult = z.infer<typeof RiskSchema>;

export const ExemptionSchema = z.object({
  exempt: z.boolean(),
  source: z.optional(z.enum(['tag', 'register'])),
  reason: z.string(),
});
export type ExemptionResult = z.infer<typeof ExemptionSchema>;

export const ApprovalResultSchema = z.object({
  decision: z.literal('APPROVED'),
  decidedBy: z._default(z.string(), ''),
  comment: z._default(z.string(), ''),
  /** The digest of the plan the person saw and approved (tasks/domain/planDigest.ts). */
  planDigest: z.optional(z.string()),
});

export const PlanSchema = z.object({
  summary: z.string(),
  changes: z.array(z.looseObject({ description: z.string() })),
});

export const RemediationResultSchema = z.object({
  dryRun: z.boolean(),
  applied: z.boolean(),
  plan: PlanSchema,
});
export type RemediationResult = z.infer<typeof RemediationResultSchema>;

export const ErrorOutputSchema = z.object({ Error: z.string(), Cause: z.unknown() });

export const EscalationSchema = z.object({
  outcome: z.enum(OUTCOMES),
  reason: z.string(),
  /** False when the failure came before any change (nothing to restore): such a failure says nothing about remediation safety, so the circuit breaker does not count it. */
  changeAttempted: z.optional(z.boolean()),
});
export type Escalation = z.infer<typeof EscalationSchema>;

/** The whole state; every part is optional because each phase adds its own. */
export const WorkflowStateSchema = z.looseObject({
  /** The raw finding: only until ValidateFinding, whose request replaces it. */
  finding: z.optional(z.unknown()),
  source: z.optional(z.string()),
  request: z.optional(RemediationRequestSchema),
  policy: z.optional(PolicyDecisionSchema),
  risk: z.optional(RiskSchema),
  exemption: z.optional(ExemptionSchema),
  approval: z.optional(ApprovalResultSchema),
  remediation: z.optional(RemediationResultSchema),
  verification: z.optional(z.object({ compliant: z.boolean(), detail: z.string() })),
  error: z.optional(ErrorOutputSchema),
  /** Why Remediate asked for a (new) approval at the moment of change. */
  reapproval: z.optional(ErrorOutputSchema),
  rollbackError: z.optional(ErrorOutputSchema),
  escalation: z.optional(EscalationSchema),
});
export type WorkflowState = z.infer<typeof WorkflowStateSchema>;

/** Cause of a caught error as text (Lambda errors arrive as a JSON string). */
export function causeText(error: z.infer<typeof ErrorOutputSchema> | undefined): string {
  if (!error) return '';
  const cause = error.Cause;
  if (typeof cause === 'string') {
    try {
      const parsed = JSON.parse(cause) as { errorMessage?: string };
      if (parsed && typeof parsed.errorMessage === 'string') return `${error.Error}: ${parsed.errorMessage}`;
    } catch {
      // plain text cause
    }
    return `${error.Error}: ${cause}`;
  }
  return `${error.Error}: ${JSON.stringify(cause)}`;
}
