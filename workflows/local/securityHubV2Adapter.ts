import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A small, clearly-scoped stand-in for the new Security Hub's calls moto has none of
 * (GetFindingsV2, BatchUpdateFindingsV2, CreateTicketV2), so scenarios, the sandbox and `rectify
 * simulate` run OCSF findings as they run ASFF ones (docs/decisions/001, 020). It serves the REST
 * paths the AWS SDK uses; production code calls the real API, unchanged.
 * Scope: findings held in memory, seeded by the local runner ({@link SecurityHubV2Adapter.import});
 * GetFindingsV2 honours EQUALS string filters on identity fields only (AND), no pagination;
 * BatchUpdateFindingsV2 sets `comment` and `status_id`/`status`, never the finding's times;
 * CreateTicketV2 opens a numbered local ticket for any connector id, once per client token.
 */
export interface LocalOcsfFinding extends Record<string, unknown> {
  finding_info: { uid: string } & Record<string, unknown>;
  metadata: { uid: string; product: { uid: string } & Record<string, unknown> } & Record<string, unknown>;
  cloud: { account: { uid: string } } & Record<string, unknown>;
  status_id?: number;
  status?: string;
  comment?: string;
}

/** A ticket the local connector opened: what the finding said when it was opened. */
export interface LocalTicket {
  readonly ticketId: string;
  readonly connectorId: string;
  readonly findingMetadataUid: string;
  readonly comment?: string;
}

const STATUS_CAPTION: Readonly<Record<number, string>> = { 0: 'Unknown', 1: 'New', 2: 'In Progress', 3: 'Suppressed', 4: 'Resolved', 5: 'Archived', 6: 'Deleted', 99: 'Other' };
/** Fields GetFindingsV2 may filter on here. */
const FILTERABLE: Readonly<Record<string, (f: LocalOcsfFinding) => unknown>> = {
  'finding_info.uid': (f) => f.finding_info.uid,
  'metadata.uid': (f) => f.metadata.uid,
  'metadata.product.uid': (f) => f.metadata.product.uid,
  'cloud.account.uid': (f) => f.cloud.account.uid,
  'compliance.control': (f) => (f.compliance as { control?: unknown } | undefined)?.control,
};

type Identifier = { CloudAccountUid?: string; FindingInfoUid?: string; MetadataProductUid?: string };

export class SecurityHubV2Adapter {
  private readonly findings: LocalOcsfFinding[] = [];
  /** Every comment ever set, oldest first, per `finding_info.uid` (Security Hub keeps only the last). */
  readonly commentHistory = new Map<string, string[]>();
  readonly tickets: LocalTicket[] = [];
  private readonly ticketsByToken = new Map<string, LocalTicket>();

  /** Hold a finding as Security Hub would after importing it (replacing the same identity). */
  import(finding: LocalOcsfFinding): void {
    const copy = structuredClone(finding);
    const at = this.findings.findIndex((f) => this.sameIdentity(f, { FindingInfoUid: copy.finding_info.uid, MetadataProductUid: copy.metadata.product.uid, CloudAccountUid: copy.cloud.account.uid }));
    if (at >= 0) this.findings[at] = copy;
    else this.findings.push(copy);
  }

  /** The finding with this `finding_info.uid` (and product, when given). */
  get(findingInfoUid: string, productUid?: string): LocalOcsfFinding | undefined {
    return this.findings.find((f) => f.finding_info.uid === findingInfoUid && (!productUid || f.metadata.product.uid === productUid));
  }

  /** Route a request; returns false when the path is not one of the V2 calls served here. */
  handle(request: IncomingMessage, response: ServerResponse, body: string): boolean {
    const route = `${request.method} ${request.url?.split('?')[0] ?? ''}`;
    const send = (status: number, payload: unknown, errorType?: string) => {
      response.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      response.end(JSON.stringify(payload));
    };
    if (!['POST /findingsv2', 'PATCH /findingsv2/batchupdatev2', 'POST /ticketsv2'].includes(route)) return false;
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (route === 'POST /findingsv2') send(200, { Findings: this.query(input) });
    else if (route === 'PATCH /findingsv2/batchupdatev2') send(200, this.batchUpdate(input));
    else {
      const ticket = this.createTicket(input);
      if ('error' in ticket) send(404, { __type: 'ResourceNotFoundException', message: ticket.error }, 'ResourceNotFoundException');
      else send(200, { TicketId: ticket.ticketId, TicketSrcUrl: `https://tickets.local.invalid/${ticket.ticketId}` });
    }
    return true;
  }

  private sameIdentity(f: LocalOcsfFinding, id: Identifier): boolean {
    return f.finding_info.uid === id.FindingInfoUid && f.metadata.product.uid === id.MetadataProductUid && f.cloud.account.uid === id.CloudAccountUid;
  }

  private query(input: Record<string, unknown>): LocalOcsfFinding[] {
    const composite = ((input.Filters as { CompositeFilters?: { StringFilters?: { FieldName: string; Filter: { Value: string; Comparison: string } }[] }[] } | undefined)?.CompositeFilters ?? []);
    const filters = composite.flatMap((c) => c.StringFilters ?? []);
    for (const f of filters) {
      if (!FILTERABLE[f.FieldName] || f.Filter.Comparison !== 'EQUALS') throw new Error(`the local GetFindingsV2 filters only with EQUALS on ${Object.keys(FILTERABLE).join(', ')}; not ${f.FieldName} ${f.Filter.Comparison}`);
    }
    return this.findings.filter((finding) => filters.every((f) => FILTERABLE[f.FieldName]!(finding) === f.Filter.Value));
  }

  private batchUpdate(input: Record<string, unknown>) {
    const identifiers = (input.FindingIdentifiers ?? []) as Identifier[];
    const processed: { FindingIdentifier: Identifier }[] = [];
    const unprocessed: { FindingIdentifier: Identifier; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const identifier of identifiers) {
      const finding = this.findings.find((f) => this.sameIdentity(f, identifier));
      if (!finding) {
        unprocessed.push({ FindingIdentifier: identifier, ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Finding not found' });
        continue;
      }
      if (typeof input.Comment === 'string') {
        finding.comment = input.Comment;
        this.commentHistory.set(finding.finding_info.uid, [...(this.commentHistory.get(finding.finding_info.uid) ?? []), input.Comment]);
      }
      if (typeof input.StatusId === 'number') {
        finding.status_id = input.StatusId;
        finding.status = STATUS_CAPTION[input.StatusId] ?? 'Other';
      }
      processed.push({ FindingIdentifier: identifier });
    }
    return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
  }

  private createTicket(input: Record<string, unknown>): LocalTicket | { error: string } {
    const token = typeof input.ClientToken === 'string' ? input.ClientToken : undefined;
    const earlier = token ? this.ticketsByToken.get(token) : undefined;
    if (earlier) return earlier;
    const finding = this.findings.find((f) => f.metadata.uid === input.FindingMetadataUid);
    if (!finding) return { error: `no finding with metadata.uid ${String(input.FindingMetadataUid)}` };
    const ticket: LocalTicket = {
      ticketId: `LOCAL-${this.tickets.length + 1}`,
      connectorId: String(input.ConnectorId),
      findingMetadataUid: finding.metadata.uid,
      ...(finding.comment ? { comment: finding.comment } : {}),
    };
    this.tickets.push(ticket);
    if (token) this.ticketsByToken.set(token, ticket);
    return ticket;
  }
}
