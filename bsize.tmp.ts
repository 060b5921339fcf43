import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleFunction, ENTRY_FILE, REPO_ROOT } from '/work/main/infra/bundling/functionBundle.js';
import { bytesOf, staticClosure } from '/work/main/infra/bundling/bundleGraph.js';
const handlers = process.argv.slice(2);
for (const handler of handlers) {
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'b-')), handler);
  const metafile = await bundleFunction({ entry: `tasks/handlers/${handler}.ts`, outDir, write: false });
  const entry = path.relative(REPO_ROOT, path.join(outDir, ENTRY_FILE));
  const closure = staticClosure(metafile, entry);
  const bytes = bytesOf(metafile, closure);
  const by = new Map<string, number>(); const files = new Map<string, number>();
  for (const o of closure) for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[o]!.inputs)) {
    const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
    by.set(key, (by.get(key) ?? 0) + bytesInOutput); files.set(input, (files.get(input) ?? 0) + bytesInOutput);
  }
  console.log(`== ${handler} ${(bytes/1024).toFixed(1)} KB`);
  console.log([...by].sort((a,b)=>b[1]-a[1]).slice(0,14).map(([k,n])=>`${k} ${(n/1024).toFixed(1)}`).join(' | '));
  console.log([...files].sort((a,b)=>b[1]-a[1]).slice(0,(process.env.N?+process.env.N:25)).map(([k,n])=>`  ${(n/1024).toFixed(1)} ${k}`).join('\n'));
}
