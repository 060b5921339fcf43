import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { Source } from '../../tasks/domain/constants.js';
import { ocsfIdentityOf } from '../../tasks/domain/ocsfIdentity.js';
import { isOcsfFinding } from '../../tasks/domain/ocsfFinding.js';
import type { SecurityHubAdapter } from './securityHubAdapter.js';
import type { LocalOcsfFinding } from './securityHubV2Adapter.js';

/**
 * A scenario's finding in either hub's format (docs/decisions/020): ASFF from Security Hub CSPM,
 * OCSF from Security Hub. How it is imported locally, which event carries it to intake, and how its
 * state is read back.
 */
type Json = Record<string, unknown>;

/** What `rectify simulate --json` shows of a finding after the run, in its own hub's words. */
export interface FindingView {
  readonly format: 'ASFF' | 'OCSF';
  /** ASFF `Workflow.Status`, or OCSF `status` (`In Progress`, `Resolved`). */
  readonly workflowStatus?: string;
  /** ASFF `Note.Text`, or OCSF `comment`. */
  readonly note?: string;
  readonly notes: string[];
}

export const formatOf = (finding: Json): 'ASFF' | 'OCSF' => (isOcsfFinding(finding) ? 'OCSF' : 'ASFF');

/** The finding's account: ASFF `AwsAccountId`, OCSF `cloud.account.uid`. */
export function accountOf(finding: Json): string | undefined {
  if (formatOf(finding) === 'OCSF') return ocsfIdentityOf(finding).accountUid;
  return typeof finding.AwsAccountId === 'string' ? finding.AwsAccountId : undefined;
}

/** The finding's id in its hub: ASFF `Id`, OCSF `finding_info.uid`. */
export function idOf(finding: Json): string | undefined {
  if (formatOf(finding) === 'OCSF') return ocsfIdentityOf(finding).findingInfoUid;
  return typeof finding.Id === 'string' ? finding.Id : undefined;
}

/**
 * Import the finding into its hub, as Security Hub holds it before its event is sent; a finding
 * without the identity its hub needs is not imported (ValidateFinding then finds the hub holds no such finding).
 */
export async function importFinding(securityHub: SecurityHubAdapter, finding: Json): Promise<void> {
  if (formatOf(finding) === 'OCSF') {
    const o = ocsfIdentityOf(finding);
    const metadataUid = (finding.metadata as { uid?: unknown } | undefined)?.uid;
    if (o.findingInfoUid && o.productUid && o.accountUid && typeof metadataUid === 'string') securityHub.v2.import(finding as LocalOcsfFinding);
    return;
  }
  if (typeof finding.Id === 'string' && typeof finding.ProductArn === 'string') {
    await adminClient(SecurityHubClient).send(new BatchImportFindingsCommand({ Findings: [finding as never] }));
  }
}

/** The EventBridge event that carries the finding to intake. */
export function eventFor(finding: Json, source: Source): Json {
  const detailType =
    formatOf(finding) === 'OCSF' ? 'Findings Imported V2' : source === Source.MANUAL ? 'Security Hub Findings - Custom Action' : 'Security Hub Findings - Imported';
  return { 'detail-type': detailType, source: 'aws.securityhub', detail: { findings: [finding] } };
}

/** The finding as its hub holds it after the run. */
export function viewOf(securityHub: SecurityHubAdapter, finding: Json): FindingView {
  const id = idOf(finding);
  if (formatOf(finding) === 'OCSF') {
    const stored = id ? securityHub.v2.get(id, ocsfIdentityOf(finding).productUid) : undefined;
    return {
      format: 'OCSF',
      ...(stored?.status ? { workflowStatus: stored.status } : {}),
      ...(stored?.comment ? { note: stored.comment } : {}),
      notes: id ? (securityHub.v2.commentHistory.get(id) ?? []) : [],
    };
  }
  const stored = id ? securityHub.get(id) : undefined;
  return {
    format: 'ASFF',
    ...(stored?.Workflow?.Status ? { workflowStatus: stored.Workflow.Status } : {}),
    ...(stored?.Note?.Text ? { note: stored.Note.Text } : {}),
    notes: id ? (securityHub.noteHistory.get(id) ?? []) : [],
  };
}
