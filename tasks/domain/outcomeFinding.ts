import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { Outcome } from './constants.js';
import type { WorkflowState } from './workflowState.js';

/** Outcomes that leave a remediation record in Security Hub: every change made, and every failure. */
export const RECORDED_OUTCOMES: readonly Outcome[] = [Outcome.REMEDIATED, Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED];

const SEVERITY: Partial<Record<Outcome, 'INFORMATIONAL' | 'MEDIUM' | 'HIGH'>> = {
  [Outcome.REMEDIATED]: 'INFORMATIONAL',
  [Outcome.FAILED_ROLLED_BACK]: 'MEDIUM',
  [Outcome.FAILED_ROLLBACK_FAILED]: 'HIGH',
};

/**
 * The finding Rectify imports into the administrator account for one remediation: what was
 * changed (or tried), on which resource, and the result, so Security Hub holds the history.
 * Product: the account's default custom integration (`product/<account>/default`), whichever hub
 * (ASFF or OCSF) reported the failure: one remediation history (docs/decisions/020).
 */
export function outcomeFinding(
  outcome: Outcome,
  state: WorkflowState,
  execution: { id: string; name: string },
  admin: { account: string; region: string; partition?: string },
  detail: string,
  now: Date,
): AwsSecurityFinding | undefined {
  const request = state.request;
  if (!request || !RECORDED_OUTCOMES.includes(outcome)) return undefined;
  const partition = admin.partition ?? 'aws';
  const at = now.toISOString();
  const controlId = state.policy?.controlId ?? request.controlIds[0]!;
  const playbookId = state.policy?.playbookId ?? 'unknown';
  const changes = state.remediation?.plan.changes.map((c) => c.description) ?? [];
  const description = [detail, ...changes.map((c) => `- ${c}`)].join('\n');
  return {
    SchemaVersion: '2018-10-08',
    Id: `rectify/${execution.name}`,
    ProductArn: `arn:${partition}:securityhub:${admin.region}:${admin.account}:product/${admin.account}/default`,
    GeneratorId: `rectify/${playbookId}`,
    AwsAccountId: admin.account,
    Types: ['Software and Configuration Checks/Rectify Remediation'],
    CreatedAt: at,
    UpdatedAt: at,
    Severity: { Label: SEVERITY[outcome] ?? 'INFORMATIONAL' },
    Title: `Rectify ${outcome}: ${controlId} on ${request.resource.id}`.slice(0, 256),
    Description: description.length > 1024 ? `${description.slice(0, 1023)}…` : description,
    Resources: [{ Type: request.resource.type, Id: request.resource.id, Partition: partition as 'aws', Region: request.region }],
    ProductFields: {
      'rectify/outcome': outcome,
      'rectify/controlId': controlId,
      'rectify/playbookId': playbookId,
      'rectify/execution': execution.id,
      'rectify/sourceFindingId': request.findingId.slice(0, 1024),
      // Which hub reported it: `…:product/aws/securityhub` (CSPM, ASFF) or `…:productv2/aws/securityhub` (Security Hub, OCSF).
      'rectify/sourceProduct': request.productArn.slice(0, 1024),
      'rectify/resourceAccount': request.account,
    },
    RecordState: 'ACTIVE',
    Workflow: { Status: outcome === Outcome.REMEDIATED ? 'RESOLVED' : 'NEW' },
  };
}
