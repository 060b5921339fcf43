import { escapeHtml } from '../html.js';
import type { EffectivenessReport } from './effectiveness.js';

/**
 * A self-contained HTML report: inline CSS and hand-drawn SVG charts, so it opens from a file
 * or an email attachment with no network and no script.
 */
const COLOURS: Record<string, string> = {
  REMEDIATED: '#1f883d', DRY_RUN: '#6e7781', EXEMPT: '#8250df', REJECTED: '#bf8700', NO_PLAYBOOK: '#57606a',
  POLICY_SKIPPED: '#57606a', INVALID: '#cf222e', APPROVAL_TIMED_OUT: '#bc4c00', FAILED_ROLLED_BACK: '#cf222e',
  FAILED_ROLLBACK_FAILED: '#82071e', ESCALATED: '#bc4c00', DUPLICATE: '#6e7781', FLAP_GUARDED: '#953800',
};

/** Horizontal bars with labels and values. */
export function barChart(id: string, title: string, rows: readonly { label: string; value: number; colour?: string }[]): string {
  const width = 640;
  const labelWidth = 200;
  const barHeight = 22;
  const gap = 8;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = Math.max(1, rows.length) * (barHeight + gap) + 10;
  const bars = rows
    .map((r, i) => {
      const y = i * (barHeight + gap) + 5;
      const w = Math.max(2, ((width - labelWidth - 60) * r.value) / max);
      return `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(r.label)}</text>` +
        `<rect class="bar" data-label="${escapeHtml(r.label)}" data-value="${r.value}" x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${r.colour ?? '#0969da'}"></rect>` +
        `<text x="${labelWidth + w + 6}" y="${y + 16}">${r.value}</text>`;
    })
    .join('');
  const empty = rows.length === 0 ? `<text x="10" y="20">no data in this period</text>` : '';
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg id="${id}" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${bars}${empty}</svg></figure>`;
}

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
const secs = (v: number | undefined) => (v === undefined ? '—' : v < 120 ? `${v.toFixed(1)} s` : `${(v / 60).toFixed(1)} min`);

export function renderReportHtml(report: EffectivenessReport): string {
  const outcomes = Object.entries(report.byOutcome).sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value, colour: COLOURS[label] ?? '#0969da' }));
  const controls = Object.entries(report.byControl)
    .map(([label, counts]) => ({ label, value: Object.values(counts).reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.value - a.value)
    .slice(0, 15);
  const failing = report.topFailingControls.map((c) => ({ label: c.controlId, value: c.failures, colour: '#cf222e' }));
  const summary: [string, string][] = [
    ['Executions', String(report.executions)],
    ['Success rate (fixed ÷ attempted changes)', pct(report.successRate)],
    ['Rollback rate (failed ÷ attempted changes)', pct(report.rollbackRate)],
    ['Time to remediate, median / p90', `${secs(report.timeToRemediateSeconds.median)} / ${secs(report.timeToRemediateSeconds.p90)}`],
    ['Approval latency, median / p90', `${secs(report.approvalLatencySeconds.median)} / ${secs(report.approvalLatencySeconds.p90)}`],
  ];
  const exemptions = report.exemptionsExpiringSoon.length
    ? `<table><tr><th>Scope</th><th>Expires</th><th>By</th><th>Reason</th></tr>${report.exemptionsExpiringSoon
        .map((e) => `<tr><td>${escapeHtml(e.scope)}</td><td>${escapeHtml(e.expiresOn)}</td><td>${escapeHtml(e.requestedBy)}</td><td>${escapeHtml(e.reason)}</td></tr>`)
        .join('')}</table>`
    : '<p>None in the next 14 days.</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rectify effectiveness report</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d0d7de;padding:.3rem .7rem;text-align:left}
figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.4rem}svg text{font-size:13px;fill:#1b1f24}</style></head>
<body><h1>Rectify effectiveness report</h1><p>Since ${escapeHtml(report.since)} · generated ${escapeHtml(report.generatedAt)}</p>
<table id="summary">${summary.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${barChart('chart-outcomes', 'Outcomes', outcomes)}
${barChart('chart-controls', 'Executions by control', controls)}
${barChart('chart-failing', 'Top failing controls', failing)}
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
