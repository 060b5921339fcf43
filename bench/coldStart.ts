import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { bytesOf, staticClosure } from '../infra/bundling/bundleGraph.js';
import { bundleFunction, ENTRY_FILE, REPO_ROOT } from '../infra/bundling/functionBundle.js';
import { loadTimes } from './bundleLoad.js';
import type { BundleResult } from './results.js';
import { median } from './stats.js';
import { syntheticCatalog } from './syntheticCatalog.js';
import type { TaskFunctionSettings } from './taskFunctionSettings.js';

const HANDLERS = path.join(REPO_ROOT, 'tasks/handlers');
/** How much bigger the synthetic catalog is than the real one. */
export const SYNTHETIC_TIMES = 3;
/** The generated modules whose size follows the catalog's. */
const CATALOG_DERIVED = ['tasks/playbooks/index.generated.ts', 'tasks/playbooks/loaders.generated.ts'];
/** A playbook module, real (`tasks/playbooks/ec2/x.ts`) or a synthetic copy (`…:copy:1:./ec2/x.js`): its service and name. */
const PLAYBOOK_SOURCE = /(?:^tasks\/playbooks\/|:copy:\d+:\.\/)([a-z0-9]+)\/(\w+)\.[jt]s$/;

/** Every module under tasks/handlers/ that exports a Lambda `handler` (one function each). */
export function deployableHandlers(): string[] {
  return readdirSync(HANDLERS)
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => /export (const|async function|function) handler\b/.test(readFileSync(path.join(HANDLERS, file), 'utf8')))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}

/** One function's asset, written as TaskFunction deploys it. */
interface BuiltFunction {
  readonly handler: string;
  readonly outDir: string;
  readonly metafile: Metafile;
  /** The entry's key in the metafile (relative to the repository root). */
  readonly entry: string;
}

/** The bundles of every function, and of the catalog-dependent ones with a synthetic catalog, in a temporary folder. */
export interface Bundles {
  readonly outDir: string;
  readonly real: readonly BuiltFunction[];
  readonly synthetic: readonly BuiltFunction[];
  readonly buildSeconds: number;
}

async function buildOne(root: string, handler: string, plugins: Plugin[] = []): Promise<BuiltFunction> {
  const outDir = path.join(root, handler);
  const metafile = await bundleFunction({ entry: `tasks/handlers/${handler}.ts`, outDir, plugins });
  return { handler, outDir, metafile, entry: path.relative(REPO_ROOT, path.join(outDir, ENTRY_FILE)) };
}

const dependsOnCatalog = (fn: BuiltFunction): boolean => CATALOG_DERIVED.some((file) => file in fn.metafile.inputs);

/** Build every function's bundle, then the catalog-dependent ones again with a catalog {@link SYNTHETIC_TIMES} its size (section c, first half). */
export async function buildBundles(): Promise<Bundles> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'rectify-bench-bundles-'));
  const started = performance.now();
  try {
    const real = await Promise.all(deployableHandlers().map((h) => buildOne(path.join(outDir, 'real'), h)));
    const synthetic = await Promise.all(
      real.filter(dependsOnCatalog).map((fn) => buildOne(path.join(outDir, 'synthetic'), fn.handler, [syntheticCatalog(SYNTHETIC_TIMES)])),
    );
    return { outDir, real, synthetic, buildSeconds: (performance.now() - started) / 1000 };
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
}

/** Remove built bundles that will not be measured (a section before failed). */
export function discardBundles(built: Bundles): void {
  rmSync(built.outDir, { recursive: true, force: true });
}

/** The packages (or project folders) that contribute most bytes to these output files. */
function largestInputs(metafile: Metafile, outputs: readonly string[], top = 5): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const output of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[output]!.inputs)) {
      const inModules = input.split('node_modules/').pop()!;
      const key = input.includes('node_modules/')
        ? inModules.split('/').slice(0, inModules.startsWith('@') ? 2 : 1).join('/')
        : input.split('/').slice(0, 3).join('/');
      bytes[key] = (bytes[key] ?? 0) + bytesInOutput;
    }
  }
  return Object.fromEntries(Object.entries(bytes).sort((a, b) => b[1] - a[1]).slice(0, top));
}

/**
 * What a first finding of each member service makes the function load on demand: the chunks of
 * that service's heaviest playbook (and of its tag reader, which CheckExemption and
 * ClassifySeverity import too), beyond what the entry loaded.
 */
function heaviestChunkPerService(fn: BuiltFunction): { service: string; playbook: string; chunks: string[]; bytes: number }[] {
  const atColdStart = new Set(staticClosure(fn.metafile, fn.entry));
  const lazy = Object.entries(fn.metafile.outputs).flatMap(([output, { entryPoint }]) => {
    const match = entryPoint ? PLAYBOOK_SOURCE.exec(entryPoint) : null;
    return match ? [{ output, service: match[1]!, playbook: match[2]! }] : [];
  });
  const tagReaderOf = (service: string) =>
    Object.entries(fn.metafile.outputs).find(([, o]) => o.entryPoint === `tasks/domain/tagReaders/${service}.ts`)?.[0];
  const heaviest = new Map<string, { service: string; playbook: string; chunks: string[]; bytes: number }>();
  for (const { output, service, playbook } of lazy) {
    const chunks = [output, tagReaderOf(service)].filter((c): c is string => c !== undefined);
    const loaded = new Set(chunks.flatMap((c) => staticClosure(fn.metafile, c)).filter((f) => !atColdStart.has(f)));
    const bytes = bytesOf(fn.metafile, loaded);
    if ((heaviest.get(service)?.bytes ?? -1) < bytes) heaviest.set(service, { service, playbook, chunks, bytes });
  }
  return [...heaviest.values()].sort((a, b) => a.service.localeCompare(b.service));
}

function measureOne(fn: BuiltFunction, settings: TaskFunctionSettings, runs: number): BundleResult {
  const outputs = Object.keys(fn.metafile.outputs);
  const code = outputs.filter((o) => !o.endsWith('.map'));
  const atColdStart = staticClosure(fn.metafile, fn.entry);
  const entryFile = path.join(fn.outDir, ENTRY_FILE);
  const loadMsRuns = Array.from({ length: runs }, () => loadTimes(entryFile, fn.handler, settings).entryMs);
  const services = heaviestChunkPerService(fn).map((s) => {
    const files = s.chunks.map((c) => path.resolve(REPO_ROOT, c));
    return { ...s, msMedian: median(Array.from({ length: runs }, () => loadTimes(entryFile, fn.handler, settings, files).withChunkMs!)) };
  });
  const worst = services.reduce<(typeof services)[number] | undefined>((w, s) => (!w || s.msMedian > w.msMedian ? s : w), undefined);
  return {
    handler: fn.handler,
    bytes: bytesOf(fn.metafile, code),
    coldBytes: bytesOf(fn.metafile, atColdStart),
    sourcemapBytes: bytesOf(fn.metafile, outputs.filter((o) => o.endsWith('.map'))),
    largestInputs: largestInputs(fn.metafile, atColdStart),
    loadMsRuns,
    loadMsMedian: median(loadMsRuns),
    ...(worst
      ? {
          onDemand: {
            services: services.length,
            worstService: worst.service,
            worstPlaybook: worst.playbook,
            worstBytes: worst.bytes,
            worstLoadMsMedian: worst.msMedian,
            loadMsMedianByService: Object.fromEntries(services.map((s) => [s.service, s.msMedian])),
          },
        }
      : {}),
  };
}

/** The number of playbooks a build's loaders list (the real catalog's, or the synthetic one's). */
function playbooksIn(fn: BuiltFunction | undefined): number {
  if (!fn) return 0;
  return Object.values(fn.metafile.outputs).filter((o) => o.entryPoint !== undefined && PLAYBOOK_SOURCE.test(o.entryPoint)).length;
}

/** Section c: size and module load time (median of `runs` fresh processes) per function, real and synthetic catalog; removes the bundles. */
export function measureBundles(
  built: Bundles,
  settings: TaskFunctionSettings,
  options: { runs: number; onProgress?: (done: number, total: number) => void },
): { bundles: BundleResult[]; synthetic: { playbooks: number; realPlaybooks: number; bundles: BundleResult[] } } {
  try {
    const all = [...built.real, ...built.synthetic];
    const results = all.map((fn, i) => {
      const result = measureOne(fn, settings, options.runs);
      options.onProgress?.(i + 1, all.length);
      return result;
    });
    const withPlaybooks = built.real.find((fn) => playbooksIn(fn) > 0);
    return {
      bundles: results.slice(0, built.real.length),
      synthetic: {
        playbooks: playbooksIn(built.synthetic.find((fn) => fn.handler === withPlaybooks?.handler)),
        realPlaybooks: playbooksIn(withPlaybooks),
        bundles: results.slice(built.real.length),
      },
    };
  } finally {
    rmSync(built.outDir, { recursive: true, force: true });
  }
}
