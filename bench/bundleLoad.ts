import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskFunctionSettings } from './taskFunctionSettings.js';

/** Milliseconds to import a function's entry and, when given, then chunks it loads on demand. */
export interface LoadTimes {
  readonly entryMs: number;
  /** Entry plus the chunks, as a first invocation that needs them pays (absent without chunks). */
  readonly withChunkMs?: number;
}

/**
 * Import a bundle in a fresh `node`, with the environment the function gets in Lambda, and time
 * it; then import `chunks` (a playbook's, as the handler's `import()` would) in the same process.
 */
export function loadTimes(entry: string, handler: string, settings: TaskFunctionSettings, chunks: readonly string[] = []): LoadTimes {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(entry).href)}); const entryMs = performance.now() - t;
if (typeof m.handler !== 'function') throw new Error('no handler export');
const chunks = ${JSON.stringify(chunks.map((c) => pathToFileURL(c).href))};
for (const chunk of chunks) await import(chunk);
process.stdout.write(JSON.stringify({ entryMs, ...(chunks.length > 0 ? { withChunkMs: performance.now() - t } : {}) }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.dirname(entry),
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: settings.nodeOptions,
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: `rectify-${handler}`,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
      RECTIFY_HANDLER: handler,
      // The module is loaded, not invoked: no metrics flush.
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  });
  if (run.status !== 0) throw new Error(`bench: loading the ${handler} bundle failed: ${run.stderr.slice(0, 500)}`);
  return JSON.parse(run.stdout) as LoadTimes;
}
