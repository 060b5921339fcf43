import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderTraceHtml } from '../../workflows/local/traceHtml.js';
import { traceDir } from '../../workflows/local/rectifyHome.js';
import { loadTrace } from '../../workflows/local/traceStore.js';
import { summariseTrace } from '../../workflows/local/trace.js';

/** `rectify trace <execution>`: the local execution's graph and states as an HTML page (or JSON). */
export async function traceCommand(name: string, options: { html?: string; json?: boolean }): Promise<void> {
  const trace = loadTrace(name);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...trace.execution, steps: summariseTrace(trace.execution.events), events: undefined }, null, 2)}\n`);
    return;
  }
  const file = options.html ?? path.join(traceDir(), `${trace.execution.name}.html`);
  writeFileSync(file, await renderTraceHtml(trace));
  process.stdout.write(`${file}\n`);
}
