import type { ColdStartRun, Results, StormRun } from './results.js';
import { round } from './stats.js';
import { renderTable } from './table.js';

const usd = (value: number) => `$${value < 0.01 ? value.toFixed(4) : value.toFixed(3)}`;
const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;

function costTable(results: Results): string {
  const rows = results.costModel.paths.map((p) => [
    p.path,
    p.outcome,
    p.transitions,
    `${p.lambdaInvocations}+${p.otherLambdaInvocations}`,
    round(p.lambdaGbSecondsLocalEstimate, 3),
    `${p.dynamoDb.readUnits}/${p.dynamoDb.writeUnits}`,
    p.snsPublishes,
    usd(p.usdPer1000.stepFunctions),
    usd(p.usdPer1000.lambdaRequests + p.usdPer1000.lambdaComputeLocalEstimate),
    usd(p.usdPer1000.dynamoDb),
    usd(p.usdPer1000.sns + p.usdPer1000.apiGateway),
    usd(p.usdPer1000.logsEstimate),
    usd(p.usdPer1000.total),
  ]);
  return renderTable([
    ['PATH', 'OUTCOME', 'TRANSITIONS', 'LAMBDA (wf+other)', 'GB-s*', 'DDB RRU/WRU', 'SNS', 'SFN', 'LAMBDA*', 'DYNAMODB', 'SNS+APIGW', 'LOGS*', 'TOTAL /1k'],
    ...rows,
  ]);
}

function stormTable(results: Pick<Results, 'storm'>): string {
  const s = results.storm;
  const peak = Object.entries(s.automaticChangesPeakPerAccountHour).map(([a, n]) => `${a}: ${n}`).join(', ') || 'none';
  const errors = Object.entries(s.executionErrors).map(([name, e]) => `${name} ×${e.count}`).join(', ') || 'none';
  return renderTable([
    ['STORM', 'VALUE'],
    ['findings delivered / planned', `${s.findingsDelivered} / ${s.findingsPlanned}${s.limitedBy === 'nothing' ? '' : ` (limited by the ${s.limitedBy})`}`],
    ['mix', Object.entries(s.mix).map(([k, n]) => `${k} ${n}`).join(', ')],
    ['controls · accounts', `${s.controls.join(' ')} · ${s.accounts.join(' ')}`],
    ['estate', `${s.estateResources} resources in ${round(s.estateSetupSeconds, 1)} s${s.estateFailures.count ? ` (${s.estateFailures.count} failed in moto, their findings not sent)` : ''}`],
    ['throughput', `${round(s.findingsPerSecond, 2)} findings/s over ${round(s.durationSeconds, 1)} s (${s.sqsBatches} SQS batches, ≤ ${s.concurrency} in flight, ${s.motoServers ?? 1} moto ${s.motoServers === undefined || s.motoServers === 1 ? 'process' : 'processes'})`],
    ['executions started', `${s.executionsStarted} (${s.redeliveriesAbsorbed} re-deliveries absorbed by the execution name)`],
    ['outcomes', Object.entries(s.outcomes).map(([k, n]) => `${k} ${n}`).join(', ')],
    ['execution status', Object.entries(s.executionStatuses).map(([k, n]) => `${k} ${n}`).join(', ')],
    ['failed executions by error', errors],
    ['changes applied', `${s.appliedChanges} (${s.approvedChanges} after approval)`],
    ['duplicate remediations', `${s.duplicateRemediations}`],
    ['dedupe locks left held', `${s.locksLeftHeld}`],
    ['executions without an outcome record', `${s.executionsWithoutOutcomeRecord}`],
    ['peak automatic changes / account / hour', `${peak} (budget ${s.budgetPerAccountPerHour})`],
    ['execution time p50 / p95 / max', `${round(s.executionMs.p50 / 1000, 2)} s / ${round(s.executionMs.p95 / 1000, 2)} s / ${round(s.executionMs.max / 1000, 2)} s`],
  ]);
}

type ColdStart = Results['coldStart'];
type BundleRow = ColdStart['bundles'][number];

/** Load of the entry, then of the worst member service's playbook: `—` for a function that runs none. */
const onDemandCells = (b: BundleRow): string[] =>
  b.onDemand
    ? [`${Math.round(b.onDemand.worstLoadMsMedian)} ms`, `${b.onDemand.worstService} (${b.onDemand.worstPlaybook}, +${kb(b.onDemand.worstBytes)})`]
    : ['—', ''];

function coldStartTable(coldStart: ColdStart): string {
  return renderTable([
    ['FUNCTION', 'COLD START', 'ASSET', 'LOAD', `+ PLAYBOOK`, 'WORST SERVICE', 'BIGGEST INPUT AT COLD START'],
    ...coldStart.bundles.map((b) => {
      const [name, bytes] = Object.entries(b.largestInputs)[0] ?? ['', 0];
      return [b.handler, kb(b.coldBytes), kb(b.bytes), `${Math.round(b.loadMsMedian)} ms`, ...onDemandCells(b), `${name} ${kb(bytes)}`];
    }),
  ]);
}

function syntheticTable(coldStart: ColdStart): string {
  const real = new Map(coldStart.bundles.map((b) => [b.handler, b]));
  return renderTable([
    ['FUNCTION', 'COLD START', 'ASSET', 'LOAD', '+ PLAYBOOK', 'WORST SERVICE', 'REAL CATALOG: COLD START / LOAD / + PLAYBOOK'],
    ...coldStart.synthetic.bundles.map((b) => {
      const r = real.get(b.handler);
      const realCells = r ? `${kb(r.coldBytes)} / ${Math.round(r.loadMsMedian)} ms / ${r.onDemand ? `${Math.round(r.onDemand.worstLoadMsMedian)} ms` : '—'}` : '';
      return [b.handler, kb(b.coldBytes), kb(b.bytes), `${Math.round(b.loadMsMedian)} ms`, ...onDemandCells(b), realCells];
    }),
  ]);
}

/** Section c's heading and both tables. */
function coldStartSection(coldStart: ColdStart): string[] {
  return [
    `c. Cold start (as TaskFunction bundles: ${String(coldStart.esbuild.format)}, ${String(coldStart.esbuild.target)}, minified, code splitting, source maps; median of ${coldStart.runsPerBundle} fresh processes)`,
    '   COLD START: what importing the handler loads; ASSET: every chunk; + PLAYBOOK: load of the entry and then the worst',
    "   member service's heaviest playbook and tag reader, as a first finding of that service pays it.",
    coldStartTable(coldStart),
    '',
    `   The same functions with a synthetic catalog of ${coldStart.synthetic.playbooks} playbooks (${round(coldStart.synthetic.playbooks / Math.max(1, coldStart.synthetic.realPlaybooks), 1)}× the real ${coldStart.synthetic.realPlaybooks}):`,
    syntheticTable(coldStart),
  ];
}

/** The tables `npm run bench` prints. */
export function renderResults(results: Results): string {
  const m = results.machine;
  return [
    `Rectify benchmark (${results.mode}) · ${results.generatedAt} · ${m.nproc} cores, ${m.memory} · node ${m.node} · moto ${m.moto}`,
    '',
    `a. Cost per 1,000 findings, by path (USD, ${results.prices.region} list prices of ${results.prices.takenOn}; ${results.costModel.memoryMb} MB arm64)`,
    costTable(results),
    '   * local estimate: Lambda time is the local task duration against moto, not a Lambda duration; logs estimated from the trace.',
    '',
    'b. Storm',
    stormTable(results),
    '',
    ...coldStartSection(results.coldStart),
    '',
    `Total ${round(results.durationSeconds, 1)} s (${Object.entries(results.sectionSeconds).map(([k, v]) => `${k} ${round(v, 1)} s`).join(', ')}); load average ${Object.entries(results.machine.loadAverage).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  ].join('\n');
}

/** The table `npm run bench -- --only storm` prints. */
export function renderStormRun(run: StormRun): string {
  const m = run.machine;
  return [
    `Rectify benchmark (${run.mode}, storm only) · ${run.generatedAt} · ${m.nproc} cores, ${m.memory} · node ${m.node} · moto ${m.moto}`,
    '',
    'b. Storm',
    stormTable(run),
    '',
    `Total ${round(run.durationSeconds, 1)} s; load average ${Object.entries(m.loadAverage).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  ].join('\n');
}

/** The tables `npm run bench -- --only cold-start` prints. */
export function renderColdStartRun(run: ColdStartRun): string {
  const m = run.machine;
  return [
    `Rectify benchmark (${run.mode}, cold start only) · ${run.generatedAt} · ${m.nproc} cores, ${m.memory} · node ${m.node}`,
    '',
    ...coldStartSection(run.coldStart),
    '',
    `Total ${round(run.durationSeconds, 1)} s; load average ${Object.entries(m.loadAverage).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  ].join('\n');
}
