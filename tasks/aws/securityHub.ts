import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { adminClient } from './clientFactory.js';

/** Security Hub limits a note to 512 characters. */
export const NOTE_LIMIT = 512;

export type WorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';

/**
 * Set a finding's workflow status and note in the administrator account (where findings
 * are aggregated). Returns the reason when Security Hub did not process it.
 */
export async function updateFinding(
  finding: { id: string; productArn: string },
  status: WorkflowStatus,
  note: string,
  executionName: string,
): Promise<string | undefined> {
  const text = note.length > NOTE_LIMIT ? `${note.slice(0, NOTE_LIMIT - 1)}…` : note;
  const response = await adminClient(SecurityHubClient).send(
    new BatchUpdateFindingsCommand({
      FindingIdentifiers: [{ Id: finding.id, ProductArn: finding.productArn }],
      Workflow: { Status: status },
      Note: { Text: text, UpdatedBy: 'rectify' },
      UserDefinedFields: { rectifyExecution: executionName },
    }),
  );
  const unprocessed = response.UnprocessedFindings?.[0];
  return unprocessed ? `${unprocessed.ErrorCode}: ${unprocessed.ErrorMessage}` : undefined;
}
