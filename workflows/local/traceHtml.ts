import { escapeHtml } from '../../tasks/html.js';
import { StateName } from '../../tasks/domain/constants.js';
import { summariseTrace, type TraceStep } from './trace.js';
import type { SavedTrace } from './traceStore.js';
import { graphSvg } from './traceView/graphSvg.js';
import type { AslState } from './traceView/graphModel.js';
import { layoutGraph } from './traceView/layoutGraph.js';
import { stateDelta } from './traceView/stateDelta.js';
import { traceHeadline, type TraceHeadline } from './traceView/traceHeadline.js';

/** Outcomes a reader should see as good, neutral or bad at a glance. */
const GOOD = new Set(['REMEDIATED', 'SUCCEEDED']);
const NEUTRAL = new Set(['DRY_RUN', 'EXEMPT', 'REJECTED', 'NO_PLAYBOOK', 'POLICY_SKIPPED', 'DUPLICATE']);
const tone = (outcome: string) => (GOOD.has(outcome) ? 'good' : NEUTRAL.has(outcome) ? 'neutral' : 'bad');

const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value ?? null, null, 2))}</pre>`;
const row = (id: string, label: string, value: string) => `<div class="row" id="${id}"><dt>${escapeHtml(label)}</dt><dd>${value}</dd></div>`;

function changeText(h: TraceHeadline): string {
  if (!h.change) return 'none — the run stopped before a plan was made';
  const what = h.change.dryRun ? 'Planned only (dry run): nothing changed' : h.change.applied ? 'Changed' : 'Nothing changed (already compliant)';
  return `<strong>${what}.</strong> ${escapeHtml(h.change.summary)}${h.change.changes.length ? `<ul>${h.change.changes.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>` : ''}`;
}

function decisionText(h: TraceHeadline): string {
  if (!h.decision) return h.risk ? `no person asked: risk ${escapeHtml(h.risk.level)}, changed automatically` : 'no person asked';
  const verb = h.decision.decision === 'APPROVED' ? 'Approved' : 'Rejected';
  return `<strong>${verb} by ${escapeHtml(h.decision.by)}</strong>${h.decision.at ? ` at <time datetime="${escapeHtml(h.decision.at)}">${escapeHtml(h.decision.at)}</time>` : ''}${h.decision.comment ? ` — “${escapeHtml(h.decision.comment)}”` : ''}`;
}

/** The header a security lead reads first: what happened, where, by which playbook, who decided, what Security Hub was told. */
function headlineHtml(h: TraceHeadline, executionName: string): string {
  const r = h.resource;
  const rows = [
    row('resource', 'Resource', r ? `<code>${escapeHtml(r.id)}</code> (${escapeHtml(r.type)}) · account <strong>${escapeHtml(r.account)}</strong> · region <strong>${escapeHtml(r.region)}</strong>` : 'unknown: the finding was not valid'),
    row('control', 'Control · playbook', `${escapeHtml(h.controlId ?? '—')} · ${escapeHtml(h.playbookId ?? 'no playbook')}${h.finding ? ` — ${escapeHtml(h.finding.title)} (severity ${escapeHtml(h.finding.severity)})` : ''}`),
    row('change', 'Change', changeText(h)),
    row('approver', 'Decision', decisionText(h)),
    ...(h.failure
      ? [row('failure', 'Failed at', `<strong>${escapeHtml(h.failure.state)}</strong> — ${escapeHtml(h.failure.cause || h.failure.error)}${h.failure.restored ? `<br><strong>Restored:</strong> ${escapeHtml(h.failure.restored)}` : ''}`)]
      : []),
    row('note', 'Security Hub note', h.note ? escapeHtml(h.note) : 'none written'),
  ];
  const duration = h.durationMs !== undefined ? ` · took ${(h.durationMs / 1000).toFixed(1)} s` : '';
  return `<header id="headline" data-outcome="${escapeHtml(h.outcome)}">
<p class="eyebrow">Rectify execution <code>${escapeHtml(executionName)}</code></p>
<h1><span id="outcome" class="outcome ${tone(h.outcome)}" data-outcome="${escapeHtml(h.outcome)}">${escapeHtml(h.outcome)}</span> ${escapeHtml(h.controlId ?? '')}${r ? ` on ${escapeHtml(r.id.split(/[:/]/).pop())}` : ''}</h1>
<p id="status" data-status="${escapeHtml(h.status)}">Execution ${escapeHtml(h.status)} · started <time datetime="${escapeHtml(h.startedAt)}">${escapeHtml(h.startedAt)}</time>${duration}</p>
<dl>${rows.join('')}</dl></header>`;
}

/** One state's details: what it added, changed or removed — and, for the first, the execution's input. */
function stepHtml(step: TraceStep, index: number): string {
  const head = `${index + 1}. ${escapeHtml(step.state)} <span class="muted">(${escapeHtml(step.type)}) — ${step.durationMs ?? '?'} ms${step.retries ? `, ↻ ${step.retries} ${step.retries === 1 ? 'retry' : 'retries'}` : ''}</span>${step.error ? ` <strong class="err">${escapeHtml(step.error.error)}</strong>` : ''}`;
  const input = index === 0 ? `<h4>Execution input</h4>${json(step.input)}` : '';
  const delta = stateDelta(step.input, step.output);
  const fields = Object.keys(delta.changed);
  const body = delta.whole
    ? `<h4>Output</h4>${json(delta.whole.output)}`
    : fields.length || delta.removed.length
      ? `<h4>Added or changed: ${fields.map(escapeHtml).join(', ') || 'nothing'}</h4>${fields.length ? json(delta.changed) : ''}${delta.removed.length ? `<p>Removed: ${delta.removed.map(escapeHtml).join(', ')}</p>` : ''}`
      : `<p class="muted">Added nothing: ${step.type === 'Choice' ? 'it chose the next state' : step.output === undefined ? 'it produced no output' : 'its output is its input'}.</p>`;
  const error = step.error ? `<h4>Error</h4>${json(step.error)}` : '';
  return `<details id="step-${index}" data-state="${escapeHtml(step.state)}"><summary>${head}</summary>${input}${body}${error}</details>`;
}

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:80rem;color:#1f2328;line-height:1.4}
code{font-size:.9em;overflow-wrap:anywhere}.eyebrow{margin:0;color:#59636e;font-size:.85rem;overflow-wrap:anywhere}h1{font-size:1.35rem;margin:.3rem 0;overflow-wrap:anywhere}
.outcome{display:inline-block;padding:.1rem .55rem;border-radius:1rem;font-size:1rem;color:#fff;vertical-align:middle}.outcome.good{background:#1a7f37}.outcome.neutral{background:#59636e}.outcome.bad{background:#cf222e}
#headline{border:1px solid #d1d9e0;border-radius:8px;padding:1rem;margin-bottom:1rem}#headline dl{margin:.6rem 0 0}
.row{display:grid;grid-template-columns:10rem 1fr;gap:.6rem;padding:.35rem 0;border-top:1px solid #eef1f4}dt{font-weight:600;color:#59636e}dd{margin:0;overflow-wrap:anywhere}dd ul{margin:.3rem 0;padding-left:1.2rem}
#failure dd{color:#82071e}@media (max-width:40rem){.row{grid-template-columns:1fr;gap:.1rem}}
.graph-wrap{border:1px solid #d1d9e0;border-radius:8px;padding:.5rem}#graph{width:100%;height:auto;display:block;margin:0 auto}
.legend{font-size:.85rem;color:#59636e;margin:.3rem 0 0}.node rect{fill:#f6f8fa;stroke:#8c959f}.node text{text-anchor:middle;fill:#1f2328}.node .name{font-size:11px}.node .type{font-size:9.5px;fill:#59636e}
.node .type.retried{fill:#9a6700;font-weight:700}.node.visited rect{fill:#dafbe1;stroke:#1a7f37;stroke-width:2}.node.failed rect{fill:#ffebe9;stroke:#cf222e;stroke-width:2}
.node{cursor:pointer}.node:focus rect{stroke:#0969da;stroke-width:3}.badge circle{fill:#1a7f37}.node.failed .badge circle{fill:#cf222e}.badge text{fill:#fff;font-size:10px;font-weight:700}
.edge{fill:none;stroke:#c1c8cf;stroke-width:1}.edge.catch{stroke-dasharray:4 3}.edge.taken{stroke:#1a7f37;stroke-width:2.5;stroke-dasharray:none}
h2{font-size:1.1rem;margin:1.2rem 0 .4rem}pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:18rem;font-size:12px}details{margin:.25rem 0;border-bottom:1px solid #eef1f4;padding:.2rem 0}
details[open]{border-left:3px solid #0969da;padding-left:.5rem}summary{cursor:pointer}.muted{color:#59636e}.err{color:#cf222e}h4{margin:.5rem 0 .2rem;font-size:.9rem}`;

/**
 * The local trace page — the Step Functions console's view, for one execution, in one offline
 * file: a header saying what happened (outcome, resource, change, decision, note, failure),
 * the definition's graph laid out by ELK at render time with the path taken highlighted in
 * order, and each state's details showing only what it added.
 */
export async function renderTraceHtml(trace: SavedTrace): Promise<string> {
  const states = trace.definition.States as Record<string, AslState>;
  const layout = await layoutGraph({ startAt: String(trace.definition.StartAt), states, goal: StateName.RecordSuccess });
  const steps = summariseTrace(trace.execution.events);
  const headline = traceHeadline(trace);
  const e = trace.execution;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(headline.outcome)} ${escapeHtml(headline.controlId ?? '')} — Rectify trace ${escapeHtml(e.name)}</title><style>${STYLE}</style></head><body>
${headlineHtml(headline, e.name)}
<section class="graph-wrap" aria-labelledby="graph-title"><h2 id="graph-title">Path taken: ${steps.length} states, ${e.lambdaInvocations} Lambda invocations</h2>
${graphSvg(layout, steps)}
<p class="legend">Green: the path taken, numbered in order · red: the state that failed · dashed: an error path (Catch) · ↻: retries. Select a state for its details.</p></section>
<section aria-labelledby="steps-title"><h2 id="steps-title">Step by step</h2><p class="muted">Each state shows only what it added, changed or removed; the first also shows the execution's input.</p>
${steps.map(stepHtml).join('')}</section>
<script>
document.querySelectorAll('#graph .node').forEach(function (node) {
  function open() {
    var name = node.getAttribute('data-state');
    var first = null;
    document.querySelectorAll('details[data-state]').forEach(function (d) { d.open = d.getAttribute('data-state') === name; if (d.open && !first) first = d; });
    if (first) first.scrollIntoView({ block: 'nearest' });
  }
  node.addEventListener('click', open);
  node.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open(); } });
});
</script></body></html>`;
}
