import { UsageError } from '../errors.js';
import { writeFileSync } from 'node:fs';
import { buildReport } from '../../tasks/report/effectiveness.js';
import { renderReportHtml, renderReportText } from '../../tasks/report/renderHtml.js';
import { resolveTarget, type TargetOptions } from '../target.js';

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

export async function reportCommand(options: TargetOptions & { since: string; json?: boolean; html?: string }): Promise<void> {
  const target = resolveTarget(options);
  const report = await buildReport(target.table, parseSince(options.since));
  if (options.html) {
    writeFileSync(options.html, renderReportHtml(report));
    process.stderr.write(`report written to ${options.html}\n`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (!options.html) process.stdout.write(`${renderReportText(report)}\n`);
}
