import { ddb } from '../../tasks/store/documentClient.js';
import type { AuditRecord } from '../../tasks/store/table.js';

type AuditItem = AuditRecord & { at: string; sk: string };

interface MiddlewareStack {
  add(middleware: unknown, options: { step: 'initialize'; name: string; override?: boolean }): void;
  remove(name: string): boolean;
}

type Handler = (args: { input: unknown }) => Promise<unknown>;

const NAME = 'stormAuditTap';

/**
 * The audit events of each execution, kept as the task handlers write them: a middleware on the
 * table's document client (`ddb()`, the one the handlers use) keeps every audit PutItem that
 * succeeded. Reading them back instead takes one Query per execution, and moto answers a Query by
 * sorting every item of the table (about ten more per execution): in a storm of thousands that
 * read became the slowest call moto served, and the storm slowed down as it went. An item whose
 * PutItem failed is not kept, so this is what the Query would have returned.
 */
export class AuditTap {
  private readonly byExecution = new Map<string, AuditItem[]>();
  private readonly stack: MiddlewareStack;

  /** Start keeping; call after the environment points `ddb()` at the storm's DynamoDB. */
  constructor(private readonly tableName: string) {
    this.stack = ddb().middlewareStack as unknown as MiddlewareStack;
    this.stack.add(
      (next: Handler) => async (args: { input: unknown }) => {
        const result = await next(args);
        this.keep(args.input as { TableName?: string; Item?: Record<string, unknown> });
        return result;
      },
      { step: 'initialize', name: NAME, override: true },
    );
  }

  private keep(input: { TableName?: string; Item?: Record<string, unknown> }): void {
    const item = input.Item;
    if (input.TableName !== this.tableName || !item) return;
    const { pk, sk } = item;
    if (typeof pk !== 'string' || typeof sk !== 'string' || !pk.startsWith('EXEC#') || !sk.startsWith('AUDIT#')) return;
    const name = pk.slice('EXEC#'.length);
    const events = this.byExecution.get(name) ?? [];
    events.push(item as unknown as AuditItem);
    this.byExecution.set(name, events);
  }

  /** The execution's audit events oldest first (in `sk` order, as `readAudit` returns them), then forgets them. */
  take(executionName: string): AuditItem[] {
    const events = this.byExecution.get(executionName) ?? [];
    this.byExecution.delete(executionName);
    return events.sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  }

  stop(): void {
    this.stack.remove(NAME);
  }
}
