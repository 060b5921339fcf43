import type { RemediationRequest } from '../domain/finding.js';
import type { Policy } from '../domain/policy.js';
import { createTicket } from './securityHubV2.js';

/** What became of the ticket: its id, or why there is none (absent when no connector is configured). */
export interface TicketResult {
  readonly ticketId?: string;
  readonly url?: string;
  readonly problem?: string;
}

/** The execution's page in the Step Functions console (the commercial partition's console; elsewhere the ARN itself). */
export function executionLink(executionArn: string): string {
  const [, partition, , region] = executionArn.split(':');
  if (partition !== 'aws' || !region) return executionArn;
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/**
 * The connector the policy names for escalation tickets, from the policy LoadPolicy read for this
 * execution (one execution sees one policy; Escalate reads no parameter of its own). Undefined: none
 * configured; `problem`: the execution ended before a policy was loaded, so none can be known.
 */
export function ticketConnector(policy: Pick<Policy, 'ticketing'> | undefined): { connectorId?: string; problem?: string } {
  if (!policy) return { problem: 'no ticket: the execution ended before its policy was loaded, so no ticketing connector is known' };
  return policy.ticketing ? { connectorId: policy.ticketing.connectorId } : {};
}

/**
 * Open the escalation's ticket (CreateTicketV2). The connector builds it from the finding, whose
 * comment the caller has just set to the escalation note. A ticket needs the finding's OCSF
 * `metadata.uid`: an ASFF finding (Security Hub CSPM) has none, and is said so. Never throws: people
 * are told through the escalations topic whatever becomes of the ticket.
 */
export async function openEscalationTicket(connectorId: string, request: RemediationRequest, executionName: string): Promise<TicketResult> {
  if (request.format !== 'OCSF' || !request.metadataUid) {
    return { problem: 'no ticket: CreateTicketV2 takes a Security Hub (OCSF) finding, and this one came from Security Hub CSPM (ASFF)' };
  }
  try {
    return await createTicket(connectorId, request.metadataUid, executionName);
  } catch (error) {
    return { problem: `no ticket: CreateTicketV2 failed (${(error as Error).name}: ${(error as Error).message})` };
  }
}
