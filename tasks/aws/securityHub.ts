import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type BatchUpdateFindingsCommandInput,
} from '@aws-sdk/client-securityhub';
import { adminClient } from './clientFactory.js';

/** Security Hub limits a note to 512 characters. */
export const NOTE_LIMIT = 512;
/** BatchUpdateFindings takes at most 100 findings per call. */
const BATCH_LIMIT = 100;

export type WorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';

export interface FindingRef {
  readonly id: string;
  readonly productArn: string;
}

export interface WriteBack {
  /** Absent: the note only, the workflow status stays (a twin finding Rectify did not fix, docs/decisions/020). */
  readonly status?: WorkflowStatus;
  readonly note: string;
  readonly fields: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fit a note into Security Hub's limit, keeping the end (it names the execution). */
export function fitNote(note: string): string {
  if (note.length <= NOTE_LIMIT) return note;
  const tail = / \[execution [^\]]+\]$/.exec(note)?.[0] ?? '';
  return `${note.slice(0, NOTE_LIMIT - tail.length - 1)}…${tail}`;
}

/** The exact BatchUpdateFindings input Rectify sends for one outcome. */
export function batchUpdateInput(findings: readonly FindingRef[], writeBack: WriteBack): BatchUpdateFindingsCommandInput {
  return {
    FindingIdentifiers: findings.map((f) => ({ Id: f.id, ProductArn: f.productArn })),
    ...(writeBack.status ? { Workflow: { Status: writeBack.status } } : {}),
    Note: { Text: fitNote(writeBack.note), UpdatedBy: 'rectify' },
    UserDefinedFields: writeBack.fields,
  };
}

/**
 * Set workflow status, note and user-defined fields on findings in the administrator account,
 * in batches of 100. Findings Security Hub reports as unprocessed are retried (with backoff)
 * up to `attempts` times; the ones still failing are returned so the caller can audit them.
 */
export async function updateFindings(
  findings: readonly FindingRef[],
  writeBack: WriteBack,
  options: { attempts?: number; backoffMs?: number } = {},
): Promise<{ id: string; error: string }[]> {
  const client = adminClient(SecurityHubClient);
  const attempts = options.attempts ?? 3;
  let pending = [...findings];
  let failures: { id: string; error: string }[] = [];
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep((options.backoffMs ?? 200) * 2 ** (attempt - 2));
    failures = [];
    const retry: FindingRef[] = [];
    for (let i = 0; i < pending.length; i += BATCH_LIMIT) {
      const batch = pending.slice(i, i + BATCH_LIMIT);
      const response = await client.send(new BatchUpdateFindingsCommand(batchUpdateInput(batch, writeBack)));
      for (const unprocessed of response.UnprocessedFindings ?? []) {
        const id = unprocessed.FindingIdentifier?.Id ?? 'unknown';
        failures.push({ id, error: `${unprocessed.ErrorCode}: ${unprocessed.ErrorMessage}` });
        const ref = batch.find((f) => f.id === id);
        if (ref) retry.push(ref);
      }
    }
    pending = retry;
  }
  return failures;
}

/** One finding's write-back; returns the reason when Security Hub did not process it. */
export async function updateFinding(finding: FindingRef, status: WorkflowStatus | undefined, note: string, executionName: string, fields: Record<string, string> = {}): Promise<string | undefined> {
  const failures = await updateFindings([finding], { ...(status ? { status } : {}), note, fields: { rectifyExecution: executionName, ...fields } });
  return failures[0]?.error;
}

/** Import Rectify's own findings (the remediation history); returns the ids Security Hub refused. */
export async function importFindings(findings: readonly AwsSecurityFinding[]): Promise<{ id: string; error: string }[]> {
  if (findings.length === 0) return [];
  const response = await adminClient(SecurityHubClient).send(new BatchImportFindingsCommand({ Findings: [...findings] }));
  return (response.FailedFindings ?? []).map((f) => ({ id: f.Id ?? 'unknown', error: `${f.ErrorCode}: ${f.ErrorMessage}` }));
}

/**
 * Security Hub's own copy of one finding (administrator account), or undefined when Security Hub
 * holds no finding with this id and product. The event that started an execution is only a
 * pointer: whoever can send to the intake queue can write any event, but not this copy.
 * The answer is filtered here too, so an API that ignores filters cannot lend another finding.
 */
export async function readFindingFromHub(ref: FindingRef): Promise<AwsSecurityFinding | undefined> {
  const response = await adminClient(SecurityHubClient).send(
    new GetFindingsCommand({
      Filters: { Id: [{ Value: ref.id, Comparison: 'EQUALS' }], ProductArn: [{ Value: ref.productArn, Comparison: 'EQUALS' }] },
      MaxResults: 1,
    }),
  );
  return response.Findings?.find((f) => f.Id === ref.id && f.ProductArn === ref.productArn);
}
