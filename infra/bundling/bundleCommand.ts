import { bundleFunction } from './functionBundle.js';

/**
 * `node --import tsx infra/bundling/bundleCommand.ts <entry> <outDir>`: what TaskFunction's local
 * bundling runs for each function. A process of its own because CDK bundles synchronously and
 * esbuild runs plugins only in its asynchronous API.
 */
const [entry, outDir] = process.argv.slice(2);
if (!entry || !outDir) {
  process.stderr.write('usage: bundleCommand.ts <entry> <outDir>\n');
  process.exit(2);
}
try {
  await bundleFunction({ entry, outDir });
} catch (error) {
  process.stderr.write(`bundling ${entry} failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
