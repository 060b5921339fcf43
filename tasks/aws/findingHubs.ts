import type { RemediationRequest } from '../domain/finding.js';
import { readFindingFromHub, updateFinding, type WorkflowStatus } from './securityHub.js';
import { readFindingV2, updateFindingV2 } from './securityHubV2.js';

/**
 * Both hubs (docs/decisions/020). Security Hub CSPM holds ASFF findings (product
 * `…:product/aws/securityhub`), the new Security Hub OCSF findings (`…:productv2/aws/securityhub`);
 * one control evaluation is reported by both with the same id (ASFF `Id` = OCSF `finding_info.uid`).
 * Each finding is read and written in its own hub; the same failure's finding in the other hub is
 * its twin.
 */
export interface HubFindingRef {
  readonly format: 'ASFF' | 'OCSF';
  readonly id: string;
  readonly productArn: string;
  readonly account: string;
}

/** Workflow statuses of a finding someone (a person, or Rectify for its twin) has closed. */
export const CLOSED_WORKFLOWS: readonly string[] = ['SUPPRESSED', 'RESOLVED'];

const SECURITY_HUB_PRODUCT = /^(arn:[\w-]+:securityhub:[\w-]*:\d{0,12}:)product(v2)?\/aws\/securityhub$/;

/** The finding a request names, in its own hub. */
export const hubRefOf = (request: Pick<RemediationRequest, 'format' | 'findingId' | 'productArn' | 'account'>): HubFindingRef => ({
  format: request.format ?? 'ASFF',
  id: request.findingId,
  productArn: request.productArn,
  account: request.account,
});

/**
 * The same control finding in the other hub, for Security Hub's own control findings; undefined
 * for other products (their ids are not shared across hubs).
 *
 * @example
 * twinOf({ format: 'ASFF', id, account, productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub' });
 * // { format: 'OCSF', id, account, productArn: 'arn:aws:securityhub:us-east-1::productv2/aws/securityhub' }
 */
export function twinOf(ref: HubFindingRef): HubFindingRef | undefined {
  const match = SECURITY_HUB_PRODUCT.exec(ref.productArn);
  if (!match) return undefined;
  const twinIsOcsf = ref.format === 'ASFF';
  // An ASFF finding under a productv2 ARN (or the reverse) is not one we know how to pair.
  if (twinIsOcsf === Boolean(match[2])) return undefined;
  return { format: twinIsOcsf ? 'OCSF' : 'ASFF', id: ref.id, account: ref.account, productArn: `${match[1]}${twinIsOcsf ? 'productv2' : 'product'}/aws/securityhub` };
}

/** Security Hub's own copy of the finding, from the hub it came from; undefined when that hub holds none. */
export async function readHubCopy(ref: HubFindingRef): Promise<Record<string, unknown> | undefined> {
  if (ref.format === 'OCSF') return readFindingV2(ref);
  return (await readFindingFromHub(ref)) as Record<string, unknown> | undefined;
}

/** Write status and note to one finding in its own hub; the reason when the hub did not take it. */
export async function writeToHub(ref: HubFindingRef, status: WorkflowStatus | undefined, note: string, executionName: string, fields: Record<string, string>): Promise<string | undefined> {
  if (ref.format === 'OCSF') return updateFindingV2(ref, { ...(status ? { status } : {}), note });
  return updateFinding(ref, status, note, executionName, fields);
}

/** Whether a hub copy is closed now: ASFF `Workflow.Status` RESOLVED/SUPPRESSED, or OCSF `status_id` other than New (1) and In Progress (2). */
export function isClosed(format: HubFindingRef['format'], hubCopy: Record<string, unknown>): boolean {
  if (format === 'OCSF') return typeof hubCopy.status_id === 'number' && hubCopy.status_id !== 1 && hubCopy.status_id !== 2;
  return CLOSED_WORKFLOWS.includes(String((hubCopy.Workflow as { Status?: unknown } | undefined)?.Status));
}

/** Whether a person suppressed the finding: ASFF `Workflow.Status` SUPPRESSED, OCSF `status_id` 3 (Suppressed). */
function isSuppressed(format: HubFindingRef['format'], hubCopy: Record<string, unknown>): boolean {
  if (format === 'OCSF') return hubCopy.status_id === 3;
  return (hubCopy.Workflow as { Status?: unknown } | undefined)?.Status === 'SUPPRESSED';
}

const NOT_HELD = /not ?found|FindingNotFound|ResourceNotFound|InvalidAccess|not subscribed|not enabled/i;

export interface OutcomeWrite {
  readonly status: WorkflowStatus | undefined;
  readonly note: string;
  readonly executionName: string;
  readonly fields: Record<string, string>;
  /**
   * Also write the twin in the other hub: the note always, the status only when it is RESOLVED
   * (Rectify fixed the resource) and the twin's live copy is not suppressed. Off for outcomes about this finding alone (invalid, duplicate,
   * skipped) and for a fix another execution made.
   */
  readonly twin: boolean;
  /**
   * Read the finding again before a write that does not resolve it, and leave it if it is closed
   * now: another execution (its twin's) may have resolved it since this one read it. RecordOutcome
   * sets it (it holds securityhub:GetFindings); the read costs one call.
   */
  readonly recheckClosed?: boolean;
}

/**
 * The outcome, in the finding's own hub and (when asked) its twin's, with the same note. A
 * finding that was already closed when this execution read it is left as it is: whoever closed it
 * (a person, or the execution that fixed it through its twin) keeps the last word. Failures are
 * returned for the audit, never thrown: a fixed resource is not un-fixed because a hub was busy.
 */
export async function writeOutcome(
  request: Pick<RemediationRequest, 'format' | 'findingId' | 'productArn' | 'account' | 'workflowStatus'>,
  write: OutcomeWrite,
): Promise<{ error?: string; twin?: string; left?: string }> {
  const result: { error?: string; twin?: string; left?: string } = {};
  const own = hubRefOf(request);
  const closedNow = write.recheckClosed && write.status !== 'RESOLVED' ? await readHubCopy(own).then((copy) => copy !== undefined && isClosed(own.format, copy), () => false) : false;
  if (CLOSED_WORKFLOWS.includes(request.workflowStatus) && write.status !== 'RESOLVED') {
    result.left = `finding was ${request.workflowStatus} in Security Hub when read: left as it is`;
  } else if (closedNow) {
    result.left = 'finding was closed in Security Hub since this execution read it (its twin, or a person): left as it is';
  } else {
    result.error = await writeToHub(own, write.status, write.note, write.executionName, write.fields).catch((e: Error) => `${e.name}: ${e.message}`);
  }
  const twin = write.twin ? twinOf(own) : undefined;
  if (twin) {
    // A person's suppression of the twin stands: its live copy is read before it is resolved (one call, on a fix only).
    const suppressed = write.status === 'RESOLVED' && (await readHubCopy(twin).then((copy) => copy !== undefined && isSuppressed(twin.format, copy), () => false));
    const status = write.status === 'RESOLVED' && !suppressed ? 'RESOLVED' : undefined;
    const error = await writeToHub(twin, status, write.note, write.executionName, write.fields).catch((e: Error) => `${e.name}: ${e.message}`);
    result.twin = !error ? `${twin.format} twin updated` : NOT_HELD.test(error) ? `no ${twin.format} twin (${error})` : `${twin.format} twin not updated: ${error}`;
  }
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as typeof result;
}
