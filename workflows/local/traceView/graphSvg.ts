import { escapeHtml } from '../../../tasks/html.js';
import type { TraceStep } from '../trace.js';
import type { GraphLayout, RoutedEdge } from './layoutGraph.js';

/** Two short lines fit a box: cut a long state name rather than overflow it. */
const fit = (text: string, max = 22) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function pathOf(edge: RoutedEdge): string {
  return edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/**
 * The definition's graph as inline SVG: every state, every transition (catches dashed), the
 * path taken in green with each transition numbered in order (`data-step`), failed states in
 * red, retries on the state that retried. The viewBox scales it to the page's width.
 */
export function graphSvg(layout: GraphLayout, steps: readonly TraceStep[]): string {
  const path = steps.map((s) => s.state);
  // Transition i goes from path[i] to path[i + 1]; a loop (a second approval) takes an edge twice.
  const takenAt = new Map<string, number[]>();
  path.slice(1).forEach((to, i) => takenAt.set(`${path[i]}→${to}`, [...(takenAt.get(`${path[i]}→${to}`) ?? []), i + 1]));
  const ordered = [...layout.edges].sort((a, b) => Number(takenAt.has(a.id)) - Number(takenAt.has(b.id)));
  const edges = ordered
    .map((e) => {
      const steps = takenAt.get(e.id);
      const cls = ['edge', e.kind, steps ? 'taken' : ''].filter(Boolean).join(' ');
      return `<path class="${cls}" d="${pathOf(e)}" data-from="${escapeHtml(e.from)}" data-to="${escapeHtml(e.to)}"${steps ? ` data-step="${steps.join(',')}"` : ''} marker-end="url(#${steps ? 'arrow-taken' : 'arrow'})"><title>${escapeHtml(e.from)} → ${escapeHtml(e.to)}${e.kind === 'catch' ? ' (on error)' : ''}</title></path>`;
    })
    .join('');
  const nodes = layout.nodes
    .map((n) => {
      const order = path.flatMap((name, i) => (name === n.name ? [i + 1] : []));
      const visits = steps.filter((s) => s.state === n.name);
      const retries = visits.reduce((sum, s) => sum + s.retries, 0);
      const failed = visits.some((s) => s.error);
      const cls = ['node', order.length ? 'visited' : '', failed ? 'failed' : '', layout.main.includes(n.name) ? 'main' : ''].filter(Boolean).join(' ');
      const sub = `${n.type}${retries ? ` · ↻ ${retries} ${retries === 1 ? 'retry' : 'retries'}` : ''}`;
      const badge = order.length
        ? `<g class="badge"><circle cx="${n.x + n.width}" cy="${n.y}" r="9"/><text x="${n.x + n.width}" y="${n.y + 3.5}">${escapeHtml(order.length > 1 ? `${order[0]}+` : String(order[0]))}</text></g>`
        : '';
      return `<g class="${cls}" data-state="${escapeHtml(n.name)}" data-order="${order.join(',')}" data-retries="${retries}" tabindex="0" role="button" aria-label="${escapeHtml(`${n.name}, ${n.type}${order.length ? `, step ${order.join(' and ')}` : ', not run'}${retries ? `, ${retries} retries` : ''}${failed ? ', failed' : ''}`)}">` +
        `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="${n.type === 'Choice' ? 17 : 5}"/>` +
        `<text class="name" x="${n.x + n.width / 2}" y="${n.y + 15}">${escapeHtml(fit(n.name))}</text>` +
        `<text class="type${retries ? ' retried' : ''}" x="${n.x + n.width / 2}" y="${n.y + 28}">${escapeHtml(sub)}</text>${badge}</g>`;
    })
    .join('');
  const w = Math.ceil(layout.width + 12);
  const h = Math.ceil(layout.height + 12);
  return `<svg id="graph" viewBox="-4 -10 ${w} ${h}" style="max-width:${w}px" role="img" aria-label="State machine graph: ${path.length} states run of ${layout.nodes.length}">
<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#8c959f"/></marker>
<marker id="arrow-taken" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#1a7f37"/></marker></defs>
${edges}${nodes}</svg>`;
}
