import { escapeHtml } from '../html.js';
import { chartSvg, OUTCOME_COLOURS, trendCharts } from './charts.js';
import type { EffectivenessReport } from './effectiveness.js';
import type { ExecutionRow } from './trends.js';

/** How the page names times and where its execution links go. */
export interface ReportHtmlOptions {
  /** IANA zone for the table's times. @default the machine's zone */
  readonly timeZone?: string;
  /** BCP 47 locale for dates. @default the machine's locale */
  readonly locale?: string;
  /** The trace of an execution: a local trace page, or its Step Functions console URL; undefined for none. */
  readonly traceLink?: (executionName: string) => string | undefined;
}

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
const secs = (v: number | undefined) => (v === undefined ? '—' : v < 120 ? `${v.toFixed(1)} s` : `${(v / 60).toFixed(1)} min`);

/** Where a resource is, in few words: its last id segment, the full id on hover. */
function resourceCell(row: ExecutionRow): string {
  if (!row.resourceId) return '<td>—</td>';
  const short = row.resourceId.split(/[:/]/).filter(Boolean).pop() ?? row.resourceId;
  const where = [row.account, row.region].filter(Boolean).join(' · ');
  return `<td class="res" title="${escapeHtml(row.resourceId)}"><code>${escapeHtml(short)}</code>${where ? `<br><span class="muted">${escapeHtml(where)}</span>` : ''}</td>`;
}

function tableHtml(rows: readonly ExecutionRow[], time: Intl.DateTimeFormat, options: ReportHtmlOptions): string {
  if (rows.length === 0) return '<p>No executions in this period.</p>';
  const body = rows
    .map((r) => {
      const link = options.traceLink?.(r.executionName);
      const label = link?.startsWith('https://') ? 'console' : 'trace';
      return `<tr data-execution="${escapeHtml(r.executionName)}" data-outcome="${escapeHtml(r.outcome)}"><td><time datetime="${escapeHtml(r.at)}">${escapeHtml(time.format(new Date(r.at)))}</time></td>` +
        `${resourceCell(r)}<td>${escapeHtml(r.controlId ?? '—')}</td>` +
        `<td><span class="pill" style="background:${OUTCOME_COLOURS[r.outcome] ?? '#0969da'}">${escapeHtml(r.outcome)}</span></td>` +
        `<td>${r.approver ? `${escapeHtml(r.approver)}${r.decision ? ` <span class="muted">(${escapeHtml(r.decision.toLowerCase())})</span>` : ''}` : '<span class="muted">automatic</span>'}</td>` +
        `<td class="num">${escapeHtml(secs(r.durationSeconds))}</td>` +
        `<td>${link ? `<a class="trace" href="${escapeHtml(link)}">${label}</a>` : '<span class="muted">—</span>'}</td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table id="executions"><thead><tr><th>Time</th><th>Resource</th><th>Control</th><th>Outcome</th><th>Approver</th><th>Duration</th><th>Trace</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;max-width:64rem;margin:0 auto;padding:1rem;color:#1f2328;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.8rem}.muted{color:#59636e;font-size:.85em}code{font-size:.9em;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:.6rem 0;width:100%}td,th{border-bottom:1px solid #d1d9e0;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.num{text-align:right;white-space:nowrap}.scroll{overflow-x:auto}#summary{width:auto}#summary th{background:none;font-weight:500;color:#59636e}
.pill{display:inline-block;padding:0 .45rem;border-radius:1rem;color:#fff;font-size:.8rem;white-space:nowrap}.res{max-width:16rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,28rem),1fr));gap:1rem}figure{margin:0;border:1px solid #d1d9e0;border-radius:8px;padding:.6rem}
figcaption{font-weight:600;margin-bottom:.4rem}figure svg{width:100%;height:auto;display:block}`;

/**
 * The report as one offline HTML file: the figures, every execution (time, resource, control,
 * outcome, approver, duration, link to its trace) and the trends, drawn by Vega-Lite as static
 * SVG at render time — no script, nothing fetched.
 */
export async function renderReportHtml(report: EffectivenessReport, options: ReportHtmlOptions = {}): Promise<string> {
  const time = new Intl.DateTimeFormat(options.locale, { dateStyle: 'medium', timeStyle: 'short', ...(options.timeZone ? { timeZone: options.timeZone } : {}) });
  const zone = time.resolvedOptions().timeZone;
  const charts = await Promise.all(
    trendCharts(report.trends).map(async (c) => `<figure id="${c.id}"><figcaption>${escapeHtml(c.title)}</figcaption>${await chartSvg(c.spec)}</figure>`),
  );
  const summary: [string, string][] = [
    ['Executions', String(report.executions)],
    ['Success rate (fixed ÷ attempted changes)', pct(report.successRate)],
    ['Rollback rate (failed ÷ attempted changes)', pct(report.rollbackRate)],
    ['Time to remediate, median / p90', `${secs(report.timeToRemediateSeconds.median)} / ${secs(report.timeToRemediateSeconds.p90)}`],
    ['Approval latency, median / p90', `${secs(report.approvalLatencySeconds.median)} / ${secs(report.approvalLatencySeconds.p90)}`],
  ];
  const exemptions = report.exemptionsExpiringSoon.length
    ? `<div class="scroll"><table id="exemptions"><tr><th>Scope</th><th>Expires</th><th>By</th><th>Reason</th></tr>${report.exemptionsExpiringSoon
        .map((e) => `<tr><td>${escapeHtml(e.scope)}</td><td>${escapeHtml(e.expiresOn)}</td><td>${escapeHtml(e.requestedBy)}</td><td>${escapeHtml(e.reason)}</td></tr>`)
        .join('')}</table></div>`
    : '<p>None in the next 14 days.</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Rectify effectiveness report</title>
<style>${STYLE}</style></head>
<body><h1>Rectify effectiveness report</h1><p>From <time datetime="${escapeHtml(report.since)}">${escapeHtml(time.format(new Date(report.since)))}</time> to <time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(time.format(new Date(report.generatedAt)))}</time> (times in ${escapeHtml(zone)})</p>
<table id="summary">${summary.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<h2>Trends</h2>${charts.length ? `<div class="charts">${charts.join('')}</div>` : '<p>Nothing to draw in this period.</p>'}
<h2>Executions</h2><p class="muted">Newest first; times in ${escapeHtml(zone)}. Duration: from the start of the execution to its recorded outcome.</p>
${tableHtml(report.runs, time, options)}
<h2>Exemptions expiring in the next 14 days</h2>${exemptions}
</body></html>`;
}

/** The same report as plain text for a terminal. */
export function renderReportText(report: EffectivenessReport): string {
  const lines = [
    `Rectify report since ${report.since}`,
    `  executions        ${report.executions}`,
    `  success rate      ${pct(report.successRate)}`,
    `  rollback rate     ${pct(report.rollbackRate)}`,
    `  time to remediate median ${secs(report.timeToRemediateSeconds.median)}, p90 ${secs(report.timeToRemediateSeconds.p90)} (${report.timeToRemediateSeconds.count} fixes)`,
    `  approval latency  median ${secs(report.approvalLatencySeconds.median)}, p90 ${secs(report.approvalLatencySeconds.p90)} (${report.approvalLatencySeconds.count} decisions)`,
    '  outcomes:',
    ...Object.entries(report.byOutcome).sort((a, b) => b[1] - a[1]).map(([o, n]) => `    ${o.padEnd(24)} ${n}`),
    `  top failing controls: ${report.topFailingControls.map((c) => `${c.controlId} (${c.failures})`).join(', ') || 'none'}`,
    `  exemptions expiring in 14 days: ${report.exemptionsExpiringSoon.map((e) => `${e.scope} on ${e.expiresOn}`).join(', ') || 'none'}`,
  ];
  return lines.join('\n');
}
