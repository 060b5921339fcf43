import {
  BatchUpdateFindingsV2Command,
  CreateTicketV2Command,
  GetFindingsV2Command,
  SecurityHubClient,
  type BatchUpdateFindingsV2CommandInput,
  type CreateTicketV2CommandInput,
} from '@aws-sdk/client-securityhub';
import { OCSF_STATUS_ID } from '../domain/ocsfFinding.js';
import { adminClient } from './clientFactory.js';
import { fitNote, type WriteBack } from './securityHub.js';

/** How the new Security Hub names one finding (its `OcsfFindingIdentifier`). */
export interface OcsfFindingRef {
  /** `finding_info.uid`. */
  readonly id: string;
  /** `metadata.product.uid`, e.g. `arn:aws:securityhub:us-east-1::productv2/aws/securityhub`. */
  readonly productArn: string;
  /** `cloud.account.uid`. */
  readonly account: string;
}

/** A write-back Rectify refuses to send: it never suppresses a finding (docs/decisions/020). */
export class SuppressionRefusedError extends Error {
  constructor(findingId: string) {
    super(`refusing to set finding ${findingId} to Suppressed: Rectify never suppresses a finding`);
    this.name = 'SuppressionRefusedError';
  }
}

/**
 * The exact BatchUpdateFindingsV2 input for one outcome: the comment is the note ASFF findings
 * get (same text, same 512-character fit), the status Resolved (4) or In Progress (2), or none (the
 * comment only). Any other status — Suppressed (3) above all — is refused: Rectify never suppresses.
 */
export function batchUpdateV2Input(findings: readonly OcsfFindingRef[], writeBack: Pick<WriteBack, 'status' | 'note'>): BatchUpdateFindingsV2CommandInput {
  const status = writeBack.status;
  if (status !== undefined && status !== 'NOTIFIED' && status !== 'RESOLVED') throw new SuppressionRefusedError(findings[0]?.id ?? 'unknown');
  return {
    FindingIdentifiers: findings.map((f) => ({ CloudAccountUid: f.account, FindingInfoUid: f.id, MetadataProductUid: f.productArn })),
    Comment: fitNote(writeBack.note),
    ...(status ? { StatusId: OCSF_STATUS_ID[status] } : {}),
  };
}

/**
 * Set status and comment on one OCSF finding (administrator account). Returns the reason when
 * Security Hub did not process it (`FindingNotFound` when it holds no such finding).
 */
export async function updateFindingV2(finding: OcsfFindingRef, writeBack: Pick<WriteBack, 'status' | 'note'>): Promise<string | undefined> {
  const response = await adminClient(SecurityHubClient).send(new BatchUpdateFindingsV2Command(batchUpdateV2Input([finding], writeBack)));
  const unprocessed = response.UnprocessedFindings?.[0];
  return unprocessed ? `${unprocessed.ErrorCode}: ${unprocessed.ErrorMessage}` : undefined;
}

/**
 * Security Hub's own copy of one OCSF finding, or undefined when it holds none with this id,
 * product and account. Filtered here too, as for ASFF: an answer that ignores filters lends nothing.
 */
export async function readFindingV2(ref: OcsfFindingRef): Promise<Record<string, unknown> | undefined> {
  const filter = (FieldName: 'finding_info.uid' | 'metadata.product.uid' | 'cloud.account.uid', Value: string) => ({ FieldName, Filter: { Value, Comparison: 'EQUALS' as const } });
  const response = await adminClient(SecurityHubClient).send(
    new GetFindingsV2Command({
      Filters: {
        CompositeFilters: [
          { StringFilters: [filter('finding_info.uid', ref.id), filter('metadata.product.uid', ref.productArn), filter('cloud.account.uid', ref.account)], Operator: 'AND' },
        ],
        CompositeOperator: 'AND',
      },
      MaxResults: 1,
    }),
  );
  type Doc = { finding_info?: { uid?: unknown }; metadata?: { product?: { uid?: unknown } }; cloud?: { account?: { uid?: unknown } } } | null;
  const found = (response.Findings ?? []).find((f) => {
    const doc = f as Doc;
    return doc?.finding_info?.uid === ref.id && doc?.metadata?.product?.uid === ref.productArn && doc?.cloud?.account?.uid === ref.account;
  });
  return found as Record<string, unknown> | undefined;
}

/**
 * The exact CreateTicketV2 input: the connector, the finding's `metadata.uid`, and an idempotency
 * token from the execution, so a retried Escalate opens one ticket, not two.
 */
export function createTicketInput(connectorId: string, metadataUid: string, executionName: string): CreateTicketV2CommandInput {
  return { ConnectorId: connectorId, FindingMetadataUid: metadataUid, ClientToken: executionName.slice(-64) };
}

/** Open a ticket (Jira Cloud or ServiceNow, as the connector says) for one OCSF finding. */
export async function createTicket(connectorId: string, metadataUid: string, executionName: string): Promise<{ ticketId: string; url?: string }> {
  const response = await adminClient(SecurityHubClient).send(new CreateTicketV2Command(createTicketInput(connectorId, metadataUid, executionName)));
  return { ticketId: response.TicketId ?? 'unknown', ...(response.TicketSrcUrl ? { url: response.TicketSrcUrl } : {}) };
}
