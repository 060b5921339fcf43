import type { RemediationRequest } from '../../tasks/domain/finding.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';

export interface RequestOptions {
  readonly resourceType: string;
  /** ASFF `Resources[0].Id`, usually the resource's ARN. */
  readonly resourceId: string;
  readonly controlId: string;
  readonly account?: string;
  readonly region?: string;
  /** `Compliance.SecurityControlParameters` by name. */
  readonly controlParameters?: Record<string, string[]>;
}

/** A remediation request as `toRemediationRequest` would build it from a FAILED Security Hub finding. */
export function requestFor(options: RequestOptions): RemediationRequest {
  const account = options.account ?? LOCAL_ADMIN_ACCOUNT;
  const region = options.region ?? 'us-east-1';
  return {
    findingId: `arn:aws:securityhub:${region}:${account}:security-control/${options.controlId}/finding/${options.resourceId}`,
    productArn: `arn:aws:securityhub:${region}::product/aws/securityhub`,
    controlIds: [options.controlId],
    title: `${options.controlId} test finding`,
    severity: 'HIGH',
    complianceStatus: 'FAILED',
    recordState: 'ACTIVE',
    workflowStatus: 'NEW',
    account,
    region,
    partition: 'aws',
    resource: { type: options.resourceType, id: options.resourceId },
    updatedAt: new Date(0).toISOString(),
    source: 'automatic',
    controlParameters: options.controlParameters ?? {},
  };
}
