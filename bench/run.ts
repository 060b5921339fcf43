// First: quiet the Powertools metrics and tracer before any handler module loads.
import './env.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { localAwsEnv } from '../workflows/local/awsEnv.js';
import { startMoto } from '../workflows/local/moto.js';
import { buildBundles, discardBundles, measureBundles, type Bundles } from './coldStart.js';
import { runCostModel } from './cost/costModel.js';
import { describeMachine, loadAverage } from './machine.js';
import { PRICES } from './prices.js';
import { ProgressBar } from './progress.js';
import { renderColdStartRun, renderResults, renderStormRun } from './report.js';
import { ColdStartRunSchema, ResultsSchema, StormRunSchema, type ColdStartRun, type Results, type StormRun } from './results.js';
import { runStorm } from './storm/runStorm.js';
import { readTaskFunctionSettings, type TaskFunctionSettings } from './taskFunctionSettings.js';

/** Sizes of a run: `--quick` for development and CI (under 2 minutes), the full run for the figures in docs/benchmarks.md. */
const PROFILES = {
  // Quick builds the bundles while the other sections run: it saves a third of the time, and
  // the build's CPU use only slows the other sections' figures, which a quick run does not publish.
  quick: { costRuns: 1, warmUpEachPath: false, stormFindings: 200, stormSeconds: 60, estateSeconds: 30, coldRuns: 1, buildEarly: true },
  // The storm's 10,000 findings take about half an hour on 2 cores; the limits leave room for a busy machine.
  full: { costRuns: 5, warmUpEachPath: true, stormFindings: 10_000, stormSeconds: 3_000, estateSeconds: 600, coldRuns: 3, buildEarly: false },
} as const;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    'storm-findings': { type: 'string' },
    'storm-seconds': { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    'moto-servers': { type: 'string', default: '2' },
    // `--only storm`: the storm alone, into bench/results-storm.json unless --out says otherwise;
    // `--only cold-start`: section c alone, into bench/results-cold-start.json.
    only: { type: 'string' },
  },
});

async function main(): Promise<void> {
  if (args.only !== undefined && args.only !== 'storm' && args.only !== 'cold-start') throw new Error(`--only accepts "storm" or "cold-start", not "${args.only}"`);
  const motoServers = Number(args['moto-servers']);
  if (motoServers !== 1 && motoServers !== 2) throw new Error(`--moto-servers must be 1 or 2, not "${args['moto-servers']}"`);
  const stormOnly = args.only === 'storm';
  const coldStartOnly = args.only === 'cold-start';
  const out = args.out ?? path.resolve(import.meta.dirname, stormOnly ? 'results-storm.json' : coldStartOnly ? 'results-cold-start.json' : 'results.json');
  const mode: 'quick' | 'full' = args.quick ? 'quick' : 'full';
  const profile = PROFILES[mode];
  const started = Date.now();
  const settings = readTaskFunctionSettings();
  const machine = describeMachine();
  const load: Record<string, number> = { start: loadAverage() };
  const seconds: Record<string, number> = {};
  let mark = Date.now();
  const lap = (section: string) => {
    seconds[section] = (Date.now() - mark) / 1000;
    mark = Date.now();
  };
  /** What a one-section run (`--only`) records besides its section, taken when it ends. */
  const sectionRun = <Only extends string>(only: Only) => {
    load.end = loadAverage();
    return { generatedAt: new Date().toISOString(), mode, only, machine: { ...machine, loadAverage: load }, sectionSeconds: seconds, durationSeconds: (Date.now() - started) / 1000 };
  };
  /** Write a one-section run and print its report. */
  const writeSectionRun = <Run>(run: Run, render: (run: Run) => string) => {
    writeFileSync(out, `${JSON.stringify(run, null, 2)}\n`);
    process.stdout.write(`${render(run)}\nResults: ${path.relative(process.cwd(), out)}\n`);
  };
  process.stderr.write(`rectify bench (${mode}${args.only ? `, ${args.only} only` : ''}): ${machine.nproc} cores, node ${machine.node}, moto ${machine.moto}\n`);
  if (coldStartOnly) {
    const coldStart = await runColdStart(settings, profile.coldRuns, false);
    lap('coldStart');
    writeSectionRun(ColdStartRunSchema.parse({ ...sectionRun('cold-start'), coldStart } satisfies ColdStartRun), renderColdStartRun);
    return;
  }

  const earlyBuild: Promise<Bundles> | undefined = profile.buildEarly && !stormOnly ? buildBundles() : undefined;
  // A failed early build is reported in the cold-start section, not as an unhandled rejection now.
  earlyBuild?.catch(() => undefined);
  let costPaths: Results['costModel']['paths'] | undefined;
  let storm: Results['storm'];
  try {
    if (!stormOnly) {
      const moto = await startMoto();
      Object.assign(process.env, localAwsEnv(moto.endpoint));
      lap('setup');
      try {
        const costBar = new ProgressBar('cost model   ');
        costPaths = await runCostModel(moto, {
          runs: profile.costRuns,
          memoryMb: settings.memoryMb,
          warmUpEachPath: profile.warmUpEachPath,
          onProgress: (done, total) => {
            costBar.total = total;
            costBar.update(done, 'scenario runs', true);
          },
        });
        process.stderr.write('\n');
      } finally {
        await moto.stop();
      }
      lap('costModel');
    }
    load.storm = loadAverage();
    // The storm starts its own moto servers and points the SDK at them while it runs.
    storm = await runStorm({
      findings: Number(args['storm-findings'] ?? profile.stormFindings),
      deadlineSeconds: Number(args['storm-seconds'] ?? profile.stormSeconds),
      concurrency: Number(args.concurrency),
      // High on purpose: the storm measures the automatic path; see docs/benchmarks.md.
      budgetPerAccountPerHour: 1_000_000,
      estateConcurrency: 16,
      estateDeadlineSeconds: profile.estateSeconds,
      motoServers,
    });
    lap('storm');
  } catch (error) {
    void earlyBuild?.then(discardBundles, () => undefined);
    throw error;
  }

  if (stormOnly) {
    writeSectionRun(StormRunSchema.parse({ ...sectionRun('storm'), storm } satisfies StormRun), renderStormRun);
    return;
  }

  load.coldStart = loadAverage();
  const coldStart = await runColdStart(settings, profile.coldRuns, profile.buildEarly, earlyBuild);
  lap('coldStart');
  load.end = loadAverage();

  const results = ResultsSchema.parse({
    generatedAt: new Date().toISOString(),
    mode,
    machine: { ...machine, loadAverage: load },
    prices: PRICES,
    costModel: { memoryMb: settings.memoryMb, runsPerPath: profile.costRuns, paths: costPaths! },
    storm,
    coldStart,
    sectionSeconds: seconds,
    durationSeconds: (Date.now() - started) / 1000,
  } satisfies Results);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderResults(results)}\nResults: ${path.relative(process.cwd(), out)}\n`);
}

/** Section c: build (unless built early) and load every function's bundle, real and synthetic catalog. */
async function runColdStart(settings: TaskFunctionSettings, runs: number, builtEarly: boolean, earlyBuild?: Promise<Bundles>): Promise<Results['coldStart']> {
  const built = await (earlyBuild ?? buildBundles());
  const coldBar = new ProgressBar('cold start   ');
  const { bundles, synthetic } = measureBundles(built, settings, {
    runs,
    onProgress: (done, total) => {
      coldBar.total = total;
      coldBar.update(done, 'bundles loaded', true);
    },
  });
  process.stderr.write('\n');
  return { esbuild: { ...settings.esbuild }, buildSeconds: built.buildSeconds, buildOverlappedOtherSections: builtEarly, runsPerBundle: runs, bundles, synthetic };
}

main().then(
  // Clients and servers of the local runtime may keep sockets open; the run is over.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
