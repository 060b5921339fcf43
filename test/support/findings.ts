import { executionNameFor, startExecutions } from '../../tasks/handlers/intake.js';
import { readAudit } from '../../tasks/store/table.js';
import type { LocalRuntime } from '../../workflows/local/runtime.js';

let sequence = 0;

/** A FAILED, ACTIVE Security Hub control finding for one resource (a new version each call unless `version` is given). */
export function findingFor(controlId: string, resourceType: string, resourceId: string, options: { account?: string; version?: string; id?: string } = {}) {
  const account = options.account ?? '123456789012';
  sequence++;
  return {
    SchemaVersion: '2018-10-08',
    Id: options.id ?? `arn:aws:securityhub:us-east-1:${account}:security-control/${controlId}/finding/${resourceId}`,
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
    GeneratorId: `security-control/${controlId}`,
    AwsAccountId: account,
    UpdatedAt: options.version ?? new Date(Date.UTC(2026, 10, 1, 0, 0, sequence)).toISOString(),
    Severity: { Label: 'HIGH' },
    Title: `${controlId} finding`,
    Compliance: { Status: 'FAILED', SecurityControlId: controlId },
    Resources: [{ Type: resourceType, Id: resourceId, Region: 'us-east-1' }],
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
}

export interface Finished {
  readonly name: string;
  readonly status: string;
  readonly error?: string;
  readonly outcome: string;
  readonly path: string[];
  readonly audit: Awaited<ReturnType<typeof readAudit>>;
}

/** Send findings through the real intake and return each execution, without waiting. */
export async function submit(runtime: LocalRuntime, ...findings: ReturnType<typeof findingFor>[]): Promise<string[]> {
  // As in Security Hub, a finding exists before its event: ValidateFinding re-reads it.
  for (const finding of findings) runtime.securityHub.import(finding);
  await startExecutions(runtime.stateMachineArn, { 'detail-type': 'Security Hub Findings - Imported', detail: { findings } });
  return findings.map((f) => executionNameFor(f, 'automatic'));
}

/** Wait for an execution and read back what it recorded. */
export async function finished(runtime: LocalRuntime, name: string): Promise<Finished> {
  const execution = runtime.stepFunctions.byName(name);
  if (!execution) throw new Error(`no execution ${name}`);
  await execution.done;
  const audit = await readAudit(runtime.resources.tableName, name);
  return {
    name,
    status: execution.status,
    ...(execution.error ? { error: execution.error } : {}),
    outcome: [...audit].reverse().find((a) => a.outcome)?.outcome ?? 'UNKNOWN',
    path: execution.events.filter((e) => e.type === 'StateEntered').map((e) => e.state!),
    audit,
  };
}

/** Submit findings one after the other, each finishing before the next starts. */
export async function runOneByOne(runtime: LocalRuntime, ...findings: ReturnType<typeof findingFor>[]): Promise<Finished[]> {
  const results: Finished[] = [];
  for (const finding of findings) {
    const [name] = await submit(runtime, finding);
    results.push(await finished(runtime, name!));
  }
  return results;
}
