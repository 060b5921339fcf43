import type { IncomingMessage, ServerResponse } from 'node:http';
import { SecurityHubV2Adapter } from './securityHubV2Adapter.js';

/**
 * A small, clearly-scoped stand-in for the Security Hub calls moto does not implement
 * (BatchUpdateFindings; GetFindings with filters) and for BatchImportFindings, so the sandbox
 * can show each finding's workflow status and notes. It serves the same REST paths the AWS
 * SDK uses; production code calls the real Security Hub API, unchanged.
 * Scope: findings held in memory; filters on `Id` only; no pagination.
 */
export interface LocalFinding extends Record<string, unknown> {
  Id: string;
  ProductArn: string;
  Workflow?: { Status: string };
  Note?: { Text: string; UpdatedBy: string; UpdatedAt: string };
  UserDefinedFields?: Record<string, string>;
}

export class SecurityHubAdapter {
  private readonly findings = new Map<string, LocalFinding>();
  /** The new Security Hub's OCSF findings and its V2 calls (securityHubV2Adapter.ts). */
  readonly v2 = new SecurityHubV2Adapter();
  /** Every note ever set, oldest first, per finding id (Security Hub keeps only the last). */
  readonly noteHistory = new Map<string, string[]>();

  import(finding: LocalFinding): void {
    this.findings.set(finding.Id, structuredClone(finding));
  }

  get(id: string): LocalFinding | undefined {
    return this.findings.get(id);
  }

  all(): LocalFinding[] {
    return [...this.findings.values()];
  }

  /** Route a request; returns false when the path is not a Security Hub one. */
  async handle(request: IncomingMessage, response: ServerResponse, body: string): Promise<boolean> {
    const url = request.url?.split('?')[0] ?? '';
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (this.v2.handle(request, response, body)) return true;
    const routes = ['POST /findings/import', 'PATCH /findings/batchupdate', 'POST /findings'];
    if (!routes.includes(`${request.method} ${url}`)) return false;
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (request.method === 'POST' && url === '/findings/import') {
      const findings = (input.Findings ?? []) as LocalFinding[];
      findings.forEach((f) => this.import(f));
      send(200, { FailedCount: 0, SuccessCount: findings.length, FailedFindings: [] });
      return true;
    }
    if (request.method === 'PATCH' && url === '/findings/batchupdate') {
      send(200, this.batchUpdate(input));
      return true;
    }
    if (request.method === 'POST' && url === '/findings') {
      const filters = (input.Filters ?? {}) as { Id?: { Value: string }[] };
      const ids = filters.Id?.map((f) => f.Value);
      send(200, { Findings: this.all().filter((f) => !ids || ids.includes(f.Id)) });
      return true;
    }
    return false;
  }

  private batchUpdate(input: Record<string, unknown>) {
    const identifiers = (input.FindingIdentifiers ?? []) as { Id: string; ProductArn: string }[];
    const processed: { Id: string; ProductArn: string }[] = [];
    const unprocessed: { FindingIdentifier: { Id: string; ProductArn: string }; ErrorCode: string; ErrorMessage: string }[] = [];
    const now = new Date().toISOString();
    for (const identifier of identifiers) {
      const finding = this.findings.get(identifier.Id);
      if (!finding || finding.ProductArn !== identifier.ProductArn) {
        unprocessed.push({ FindingIdentifier: identifier, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding not found' });
        continue;
      }
      const workflow = input.Workflow as { Status?: string } | undefined;
      if (workflow?.Status) finding.Workflow = { Status: workflow.Status };
      const note = input.Note as { Text: string; UpdatedBy: string } | undefined;
      if (note) {
        finding.Note = { ...note, UpdatedAt: now };
        this.noteHistory.set(finding.Id, [...(this.noteHistory.get(finding.Id) ?? []), note.Text]);
      }
      const fields = input.UserDefinedFields as Record<string, string> | undefined;
      if (fields) finding.UserDefinedFields = { ...finding.UserDefinedFields, ...fields };
      finding.UpdatedAt = now;
      processed.push(identifier);
    }
    return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
  }
}
