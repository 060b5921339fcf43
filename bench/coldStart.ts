import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import type { BundleResult } from './results.js';
import { median } from './stats.js';
import type { TaskFunctionSettings } from './taskFunctionSettings.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const HANDLERS = path.join(REPO_ROOT, 'tasks/handlers');

/** Every module under tasks/handlers/ that exports a Lambda `handler` (one function each). */
export function deployableHandlers(): string[] {
  return readdirSync(HANDLERS)
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => /export (const|async function|function) handler\b/.test(readFileSync(path.join(HANDLERS, file), 'utf8')))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}

/**
 * Bundle every handler with the options NodejsFunction passes to `esbuild --bundle` (run from
 * the project root). One esbuild call with one entry point per function: without code
 * splitting each output is the same file a separate call would write, and it is much faster.
 */
async function bundleAll(handlers: readonly string[], outDir: string, settings: TaskFunctionSettings): Promise<Metafile> {
  const extension = settings.esbuild.format === 'esm' ? '.mjs' : '.js';
  const result = await build({
    entryPoints: Object.fromEntries(handlers.map((h) => [`${h}/index`, path.join(HANDLERS, `${h}.ts`)])),
    outdir: outDir,
    outExtension: { '.js': extension },
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    target: settings.esbuild.target,
    format: settings.esbuild.format,
    minify: settings.esbuild.minify,
    sourcemap: settings.esbuild.sourcemap,
    sourcesContent: settings.esbuild.sourcesContent,
    banner: { js: settings.esbuild.banner },
    mainFields: settings.esbuild.mainFields,
    external: settings.esbuild.external,
    metafile: true,
    logLevel: 'error',
  });
  return result.metafile;
}

/** The packages (or project folders) that contribute most bytes to one bundle. */
function largestInputs(metafile: Metafile, file: string, top = 5): Record<string, number> {
  const output = Object.entries(metafile.outputs).find(([name]) => path.resolve(REPO_ROOT, name) === file)?.[1];
  const bytes: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const inModules = input.split('node_modules/').pop()!;
    const key = input.includes('node_modules/')
      ? inModules.split('/').slice(0, inModules.startsWith('@') ? 2 : 1).join('/')
      : input.split('/').slice(0, 3).join('/');
    bytes[key] = (bytes[key] ?? 0) + bytesInOutput;
  }
  return Object.fromEntries(Object.entries(bytes).sort((a, b) => b[1] - a[1]).slice(0, top));
}

/** Time to import the bundle in a fresh `node`, with the environment the function gets in Lambda. */
function loadMs(file: string, handler: string, settings: TaskFunctionSettings): number {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const ms = performance.now() - t;
if (typeof m.handler !== 'function') throw new Error('no handler export'); process.stdout.write(String(ms));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.dirname(file),
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: settings.nodeOptions,
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: `rectify-${handler}`,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
      RECTIFY_HANDLER: handler,
      // The module is loaded, not invoked: no metrics flush and no X-Ray daemon to talk to.
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
    },
  });
  const ms = Number(run.stdout);
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`bench: loading the ${handler} bundle failed: ${run.stderr.slice(0, 500)}`);
  return ms;
}

/** The bundles of every function, in a temporary folder. */
export interface Bundles {
  readonly outDir: string;
  readonly handlers: readonly string[];
  readonly metafile: Metafile;
  readonly buildSeconds: number;
}

/** Build every function's bundle (section c, first half). */
export async function buildBundles(settings: TaskFunctionSettings): Promise<Bundles> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'rectify-bench-bundles-'));
  const handlers = deployableHandlers();
  const started = performance.now();
  try {
    const metafile = await bundleAll(handlers, outDir, settings);
    return { outDir, handlers, metafile, buildSeconds: (performance.now() - started) / 1000 };
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
}

/** Remove built bundles that will not be measured (a section before failed). */
export function discardBundles(built: Bundles): void {
  rmSync(built.outDir, { recursive: true, force: true });
}

/** Section c: bundle size and module load time (median of `runs` fresh processes) per function; removes the bundles. */
export function measureBundles(
  built: Bundles,
  settings: TaskFunctionSettings,
  options: { runs: number; onProgress?: (done: number, total: number) => void },
): BundleResult[] {
  try {
    return built.handlers.map((handler, i) => {
      const file = path.join(built.outDir, handler, settings.esbuild.format === 'esm' ? 'index.mjs' : 'index.js');
      const loadMsRuns = Array.from({ length: options.runs }, () => loadMs(file, handler, settings));
      options.onProgress?.(i + 1, built.handlers.length);
      return {
        handler,
        bytes: statSync(file).size,
        sourcemapBytes: settings.esbuild.sourcemap ? statSync(`${file}.map`).size : 0,
        largestInputs: largestInputs(built.metafile, file),
        loadMsRuns,
        loadMsMedian: median(loadMsRuns),
      };
    });
  } finally {
    rmSync(built.outDir, { recursive: true, force: true });
  }
}
