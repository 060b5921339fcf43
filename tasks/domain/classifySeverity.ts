import { RISKS, type Impact, type Risk } from './constants.js';
import type { RemediationRequest } from './finding.js';
import type { Policy } from './policy.js';

export interface Classification {
  readonly level: Risk;
  readonly criticality: 'standard' | 'production';
  readonly reasons: string[];
  readonly approvalRequired: boolean;
}

/** Why a resource counts as production-critical, or undefined when it does not. */
export function productionReason(request: RemediationRequest, tags: Record<string, string>, policy: Policy): string | undefined {
  if (policy.productionAccounts.includes(request.account)) return `account ${request.account} is a production account`;
  // Keys and values match ignoring case; every key that matches counts (AWS keys are
  // case-sensitive, so `ENVIRONMENT=dev` beside `environment=prod` is production).
  for (const [key, values] of Object.entries(policy.productionTags)) {
    for (const [tagKey, value] of Object.entries(tags)) {
      if (tagKey.toLowerCase() !== key.toLowerCase()) continue;
      if (values.some((v) => v.toLowerCase() === value.trim().toLowerCase())) return `tag ${tagKey}=${value} marks it production`;
    }
  }
  return undefined;
}

/**
 * Change risk = the policy's matrix cell for the plan's impact and the resource's
 * criticality, raised one level for the severities the policy lists. Approval is required
 * at or above the policy's threshold.
 */
export function classifySeverity(
  request: RemediationRequest,
  /** The plan's impact and why (tasks/playbooks/definePlaybook.ts `impactOf`). */
  impact: { readonly level: Impact; readonly why: string },
  tags: Record<string, string>,
  policy: Policy,
): Classification {
  const reasons: string[] = [];
  const prod = productionReason(request, tags, policy);
  const criticality = prod ? 'production' : 'standard';
  reasons.push(prod ?? 'resource is not marked production');
  reasons.push(`the plan is ${impact.level}: ${impact.why}`);
  let index = RISKS.indexOf(policy.riskMatrix[impact.level][criticality]);
  if (policy.severityRaisesRisk.includes(request.severity)) {
    index = Math.min(index + 1, RISKS.length - 1);
    reasons.push(`finding severity ${request.severity} raises the risk one level`);
  } else {
    reasons.push(`finding severity is ${request.severity}`);
  }
  const level = RISKS[index]!;
  const approvalRequired = index >= RISKS.indexOf(policy.approvalThreshold);
  reasons.push(approvalRequired ? `risk ${level} is at or above the approval threshold ${policy.approvalThreshold}` : `risk ${level} is below the approval threshold ${policy.approvalThreshold}`);
  return { level, criticality, reasons, approvalRequired };
}
