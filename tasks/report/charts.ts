import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Trends } from './trends.js';

/** Outcome colours shared by the table and the charts: green fixed, red failed, grey left alone. */
export const OUTCOME_COLOURS: Readonly<Record<string, string>> = {
  REMEDIATED: '#1a7f37', DRY_RUN: '#8c959f', EXEMPT: '#8250df', REJECTED: '#bf8700', NO_PLAYBOOK: '#59636e',
  POLICY_SKIPPED: '#6e7781', INVALID: '#a40e26', APPROVAL_TIMED_OUT: '#bc4c00', FAILED_ROLLED_BACK: '#cf222e',
  FAILED_ROLLBACK_FAILED: '#82071e', ESCALATED: '#fb8f44', DUPLICATE: '#afb8c1', FLAP_GUARDED: '#953800', DIED: '#1f2328',
};

/** One chart of the report: its id, caption, and the Vega-Lite spec without data. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const BASE = { width: 560, height: 200, config: { font: 'system-ui, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } } } as const;
const utcDay = { timeUnit: 'utcyearmonthdate', type: 'ordinal', axis: { format: '%b %d', labelAngle: -40 } } as const;

/**
 * The trend charts as Vega-Lite specs (https://vega.github.io/vega-lite/): declarative, so the
 * marks, scales and axes come from the library rather than hand-placed rectangles. A chart
 * whose series is empty is left out (the page says there is nothing to draw).
 */
export function trendCharts(trends: Trends): ChartSpec[] {
  const outcomes = [...new Set(trends.outcomesPerDay.map((d) => d.outcome))].sort();
  const charts: (ChartSpec | undefined)[] = [
    trends.outcomesPerDay.length ? {
      id: 'chart-outcomes-per-day', title: 'Outcomes per day',
      spec: { ...BASE, data: { values: trends.outcomesPerDay }, mark: { type: 'bar', tooltip: true },
        encoding: { x: { field: 'day', title: 'Day (UTC)', ...utcDay }, y: { field: 'count', type: 'quantitative', title: 'Executions' },
          color: { field: 'outcome', type: 'nominal', title: 'Outcome', legend: { orient: 'bottom', columns: 3 }, scale: { domain: outcomes, range: outcomes.map((o) => OUTCOME_COLOURS[o] ?? '#0969da') } } } },
    } : undefined,
    trends.remediationTimePerWeek.length ? {
      id: 'chart-time-to-remediate', title: 'Time to remediate per week: median and p90 (minutes)',
      spec: { ...BASE, data: { values: trends.remediationTimePerWeek.map((w) => ({ week: w.week, median: w.median / 60, p90: w.p90 / 60, fixes: w.count })) },
        transform: [{ fold: ['median', 'p90'], as: ['statistic', 'minutes'] }], mark: { type: 'line', point: true, tooltip: true },
        encoding: { x: { field: 'week', title: 'Week starting (UTC)', ...utcDay }, y: { field: 'minutes', type: 'quantitative', title: 'Minutes' },
          color: { field: 'statistic', type: 'nominal', title: '', legend: { orient: 'bottom' }, scale: { domain: ['median', 'p90'], range: ['#0969da', '#bc4c00'] } } } },
    } : undefined,
    trends.approvalLatencySeconds.length ? {
      id: 'chart-approval-latency', title: 'Approval latency: how long people took to decide (minutes)',
      spec: { ...BASE, data: { values: trends.approvalLatencySeconds.map((s) => ({ minutes: s / 60 })) }, mark: { type: 'bar', color: '#8250df', tooltip: true },
        encoding: { x: { field: 'minutes', type: 'quantitative', bin: { maxbins: 12 }, title: 'Minutes from request to decision' }, y: { aggregate: 'count', type: 'quantitative', title: 'Decisions' } } },
    } : undefined,
    trends.rollbackRatePerControl.length ? {
      id: 'chart-rollback-rate', title: 'Rollback rate per control (failed ÷ attempted changes)',
      spec: { ...BASE, height: Math.max(60, 22 * trends.rollbackRatePerControl.length), data: { values: trends.rollbackRatePerControl }, mark: { type: 'bar', tooltip: true },
        encoding: { y: { field: 'controlId', type: 'nominal', sort: '-x', title: 'Control' }, x: { field: 'rate', type: 'quantitative', title: 'Rolled back', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
          color: { condition: { test: 'datum.rate > 0', value: '#cf222e' }, value: '#1a7f37' } } },
    } : undefined,
    trends.exemptionsByExpiry.length ? {
      id: 'chart-exemptions-by-expiry', title: 'Register exemptions by the week they expire',
      spec: { ...BASE, data: { values: trends.exemptionsByExpiry.map((e) => ({ ...e, when: e.soon ? 'within 14 days' : 'later' })) }, mark: { type: 'bar', tooltip: true },
        encoding: { x: { field: 'week', title: 'Week starting (UTC)', ...utcDay }, y: { field: 'count', type: 'quantitative', title: 'Exemptions' },
          color: { field: 'when', type: 'nominal', title: 'Expires', legend: { orient: 'bottom' }, scale: { domain: ['within 14 days', 'later'], range: ['#bc4c00', '#8c959f'] } } } },
    } : undefined,
  ];
  return charts.filter((c): c is ChartSpec => c !== undefined);
}

/** Compile a Vega-Lite spec and render it to static SVG in Node: no script and no network in the page. */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
