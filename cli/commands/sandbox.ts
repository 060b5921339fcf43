import path from 'node:path';
import { table } from '../format.js';
import { runScenarioDirectory } from './test.js';

/**
 * The main job on its embedded default: start moto, run the example findings through intake
 * and the workflow, and show each one's outcome and whether the emulated AWS state agrees.
 */
export async function sandboxCommand(options: { dir: string; json?: boolean }): Promise<void> {
  const dir = path.resolve(options.dir);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  if (!options.json) log(`Rectify sandbox: running the findings in ${path.relative(process.cwd(), dir) || dir} against a local moto server…\n`);
  const started = Date.now();
  const verdicts = await runScenarioDirectory(dir, undefined, options.json ? undefined : (v) => {
    log(`  ${v.failures.length === 0 ? '✓' : '✗'} ${v.outcome.padEnd(22)} ${v.scenario}`);
  });
  if (options.json) {
    log(JSON.stringify(verdicts, null, 2));
  } else {
    const counts = new Map<string, number>();
    verdicts.forEach((v) => counts.set(v.outcome, (counts.get(v.outcome) ?? 0) + 1));
    log('');
    log(table([['OUTCOME', 'FINDINGS'], ...[...counts.entries()].sort().map(([o, n]) => [o, String(n)])]));
    const failed = verdicts.filter((v) => v.failures.length > 0);
    log(`\n${verdicts.length} findings in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failed.length === 0 ? 'every outcome and the AWS state read back matched what was expected' : `${failed.length} did not match:`}`);
    failed.forEach((v) => log(`  ${v.file}: ${v.failures.join('; ')}`));
  }
  if (verdicts.some((v) => v.failures.length > 0)) process.exitCode = 1;
}
