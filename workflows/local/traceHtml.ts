import { escapeHtml } from '../../tasks/html.js';
import { summariseTrace } from './trace.js';
import type { SavedTrace } from './traceStore.js';

type State = { Type: string; Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string; ErrorEquals: string[] }[]; End?: boolean };
interface Edge { from: string; to: string; kind: 'next' | 'choice' | 'catch' }

function edgesOf(states: Record<string, State>): Edge[] {
  const edges: Edge[] = [];
  for (const [name, s] of Object.entries(states)) {
    if (s.Next) edges.push({ from: name, to: s.Next, kind: 'next' });
    for (const c of s.Choices ?? []) edges.push({ from: name, to: c.Next, kind: 'choice' });
    if (s.Default) edges.push({ from: name, to: s.Default, kind: 'choice' });
    for (const c of s.Catch ?? []) edges.push({ from: name, to: c.Next, kind: 'catch' });
  }
  return edges;
}

/**
 * Rows by longest distance from StartAt (the definition has no cycles), so every arrow points
 * down and the terminal states sit at the bottom, as in the console.
 */
function layout(startAt: string, states: Record<string, State>, edges: Edge[]): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>([[startAt, 0]]);
  for (let changed = true, rounds = 0; changed && rounds < 200; rounds++) {
    changed = false;
    for (const e of edges) {
      const from = depth.get(e.from);
      if (from !== undefined && (depth.get(e.to) ?? -1) < from + 1) {
        depth.set(e.to, from + 1);
        changed = true;
      }
    }
  }
  for (const name of Object.keys(states)) if (!depth.has(name)) depth.set(name, 0);
  const rows = new Map<number, string[]>();
  for (const [name, d] of depth) rows.set(d, [...(rows.get(d) ?? []), name]);
  const positions = new Map<string, { x: number; y: number }>();
  for (const [d, names] of rows) names.forEach((name, i) => positions.set(name, { x: 20 + i * 215, y: 20 + d * 70 }));
  return positions;
}

/**
 * The local equivalent of the Step Functions console's graph: every state of the definition,
 * the path taken highlighted in order, and each state's input, output, duration, retries and
 * error on click (with the same details listed below, readable without script).
 */
export function renderTraceHtml(trace: SavedTrace): string {
  const states = trace.definition.States as Record<string, State>;
  const edges = edgesOf(states);
  const pos = layout(String(trace.definition.StartAt), states, edges);
  const steps = summariseTrace(trace.execution.events);
  const path = steps.map((s) => s.state);
  const taken = new Set(path.slice(1).map((to, i) => `${path[i]}→${to}`));
  const W = 200;
  const H = 38;
  const width = Math.max(...[...pos.values()].map((p) => p.x)) + W + 20;
  const height = Math.max(...[...pos.values()].map((p) => p.y)) + H + 20;
  const edgeSvg = edges
    .map((e) => {
      const a = pos.get(e.from)!;
      const b = pos.get(e.to)!;
      const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y;
      const d = y2 > y1 ? `M${x1},${y1} C${x1},${y1 + 25} ${x2},${y2 - 25} ${x2},${y2}` : `M${x1},${y1} C${x1 + 120},${y1 + 60} ${x2 + 120},${y2 - 60} ${x2},${y2}`;
      const on = taken.has(`${e.from}→${e.to}`);
      return `<path class="edge${on ? ' taken' : ''}${e.kind === 'catch' ? ' catch' : ''}" d="${d}" marker-end="url(#arrow)"/>`;
    })
    .join('');
  const nodeSvg = Object.entries(states)
    .map(([name, s]) => {
      const p = pos.get(name)!;
      const order = path.flatMap((n, i) => (n === name ? [i] : []));
      const step = steps.find((st) => st.state === name);
      const cls = ['node', order.length ? 'visited' : '', step?.error ? 'failed' : '', s.Type === 'Fail' && order.length ? 'failed' : ''].filter(Boolean).join(' ');
      return `<g class="${cls}" data-state="${escapeHtml(name)}" data-order="${order.join(',')}" tabindex="0"><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="${s.Type === 'Choice' ? 18 : 6}"/>` +
        `<text x="${p.x + W / 2}" y="${p.y + 16}">${escapeHtml(name)}</text><text class="type" x="${p.x + W / 2}" y="${p.y + 31}">${escapeHtml(s.Type)}${step?.retries ? ` · ${step.retries} retries` : ''}</text></g>`;
    })
    .join('');
  const details = steps
    .map((st, i) => `<details id="step-${i}" data-state="${escapeHtml(st.state)}"><summary>${i + 1}. ${escapeHtml(st.state)} (${escapeHtml(st.type)}) — ${st.durationMs ?? '?'} ms${st.retries ? `, ${st.retries} retries` : ''}${st.error ? `, <strong>${escapeHtml(st.error.error)}</strong>` : ''}</summary>` +
      `<h4>Input</h4><pre>${escapeHtml(JSON.stringify(st.input, null, 2))}</pre><h4>Output</h4><pre>${escapeHtml(JSON.stringify(st.output ?? null, null, 2))}</pre>` +
      (st.error ? `<h4>Error</h4><pre>${escapeHtml(JSON.stringify(st.error, null, 2))}</pre>` : '') + '</details>')
    .join('');
  const e = trace.execution;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trace ${escapeHtml(e.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem 2rem;color:#1b1f24}.layout{display:flex;gap:1.5rem;align-items:flex-start}
.graph{overflow:auto;max-height:85vh;border:1px solid #d0d7de}.node rect{fill:#f6f8fa;stroke:#8c959f}.node text{font-size:12px;text-anchor:middle;fill:#1b1f24}
.node text.type{font-size:10px;fill:#57606a}.node.visited rect{fill:#dafbe1;stroke:#1f883d;stroke-width:2}.node.failed rect{fill:#ffebe9;stroke:#cf222e;stroke-width:2}
.node{cursor:pointer}.edge{fill:none;stroke:#afb8c1;stroke-width:1.2}.edge.catch{stroke-dasharray:4 3}.edge.taken{stroke:#1f883d;stroke-width:3}
.panel{flex:1;min-width:24rem}pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:20rem;font-size:12px}details{margin:.3rem 0}
details[open]{border-left:3px solid #0969da;padding-left:.5rem}</style></head><body>
<h1>Execution ${escapeHtml(e.name)}</h1>
<p id="status" data-status="${escapeHtml(e.status)}">Status <strong>${escapeHtml(e.status)}</strong>${e.error ? ` — ${escapeHtml(e.error)}: ${escapeHtml(e.cause ?? '')}` : ''} · ${path.length} states · ${e.lambdaInvocations} Lambda invocations · started ${escapeHtml(e.startDate)}</p>
<div class="layout"><div class="graph"><svg id="graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#8c959f"/></marker></defs>
${edgeSvg}${nodeSvg}</svg></div>
<div class="panel"><h2>Path taken</h2><ol id="path">${path.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ol><h2>States</h2>${details}</div></div>
<script>
document.querySelectorAll('#graph .node').forEach(function (node) {
  node.addEventListener('click', function () {
    var name = node.getAttribute('data-state');
    document.querySelectorAll('details').forEach(function (d) { d.open = d.getAttribute('data-state') === name; });
    var first = document.querySelector('details[data-state="' + CSS.escape(name) + '"]');
    if (first) first.scrollIntoView({ block: 'nearest' });
  });
});
</script></body></html>`;
}
