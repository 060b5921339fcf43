import { UsageError } from '../errors.js';
import { writeFileSync } from 'node:fs';
import { buildReport } from '../../tasks/report/effectiveness.js';
import { renderReportHtml, renderReportText, type ReportHtmlOptions } from '../../tasks/report/renderHtml.js';
import { resolveTarget, type TargetOptions } from '../target.js';
import { consoleLinks, localTraceLinks } from './reportLinks.js';

/** `7d`, `24h`, `30m` or an ISO date. */
export function parseSince(value: string, now = new Date()): Date {
  const relative = /^(\d+)([dhm])$/.exec(value);
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since "${value}" is neither a duration (7d, 24h, 30m) nor a date`);
  return date;
}

export interface ReportOptions extends TargetOptions {
  readonly since: string;
  readonly json?: boolean;
  readonly html?: string;
  /** The deployed state machine (stack output StateMachineArn): the HTML table links each execution to the console. */
  readonly stateMachine?: string;
}

/**
 * Where the HTML table's links go: the console for a deployment (given the state machine), the
 * local trace pages for a local endpoint, nowhere otherwise.
 */
async function traceLinkOf(options: ReportOptions, executionNames: readonly string[]): Promise<ReportHtmlOptions['traceLink']> {
  const stateMachine = options.stateMachine ?? process.env.RECTIFY_STATE_MACHINE_ARN;
  if (stateMachine) return consoleLinks(stateMachine);
  if (!options.endpoint) return undefined;
  // Loaded only for a local report: the trace renderer pulls in the layout library.
  const [{ traceDir }, { loadTrace }, { renderTraceHtml }] = await Promise.all([
    import('../../workflows/local/rectifyHome.js'),
    import('../../workflows/local/traceStore.js'),
    import('../../workflows/local/traceHtml.js'),
  ]);
  return localTraceLinks(traceDir(), executionNames, (name) => renderTraceHtml(loadTrace(name)));
}

export async function reportCommand(options: ReportOptions): Promise<void> {
  const target = resolveTarget(options);
  const report = await buildReport(target.table, parseSince(options.since));
  if (options.html) {
    const traceLink = await traceLinkOf(options, report.runs.map((r) => r.executionName));
    writeFileSync(options.html, await renderReportHtml(report, traceLink ? { traceLink } : {}));
    process.stderr.write(`report written to ${options.html}\n`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (!options.html) process.stdout.write(`${renderReportText(report)}\n`);
}
