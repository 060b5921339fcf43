import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startMoto } from '../../workflows/local/moto.js';
import { checkExpectations, loadScenario, runScenario } from '../../workflows/local/scenario.js';
import { ExitCode, setErrorContext, UsageError } from '../errors.js';

/** The scenario files of a directory, or a usage error saying what to pass instead. */
function scenarioFiles(dir: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`${dir} does not exist: pass a directory of scenario files, e.g. \`rectify test scenarios\``);
  }
  if (!isDirectory) throw new UsageError(`${dir} is a file, not a directory: run one scenario with \`rectify simulate ${dir}\``);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new UsageError(`no scenario files (*.json) in ${dir}: see docs/scenarios.md for what one holds`);
  return files;
}

export interface ScenarioVerdict {
  readonly file: string;
  readonly scenario: string;
  readonly outcome: string;
  readonly failures: string[];
  readonly durationMs: number;
}

/** Run every scenario of a directory against one moto server, reset between scenarios. */
export async function runScenarioDirectory(dir: string, endpoint?: string, onResult?: (v: ScenarioVerdict) => void): Promise<ScenarioVerdict[]> {
  const files = scenarioFiles(dir);
  if (endpoint) setErrorContext({ endpoint });
  const moto = endpoint ? undefined : await startMoto();
  const verdicts: ScenarioVerdict[] = [];
  try {
    for (const file of files) {
      const full = path.join(dir, file);
      await fetch(`${endpoint ?? moto!.endpoint}/moto-api/reset`, { method: 'POST' });
      let verdict: ScenarioVerdict;
      try {
        const scenario = loadScenario(full);
        const result = await runScenario(scenario, { endpoint: endpoint ?? moto!.endpoint });
        verdict = { file: full, scenario: scenario.name, outcome: result.outcome, failures: checkExpectations(scenario, result), durationMs: result.durationMs };
      } catch (error) {
        verdict = { file: full, scenario: file, outcome: 'ERROR', failures: [(error as Error).message], durationMs: 0 };
      }
      verdicts.push(verdict);
      onResult?.(verdict);
    }
  } finally {
    await moto?.stop();
  }
  return verdicts;
}

export async function testCommand(dir: string, options: { endpoint?: string; json?: boolean }): Promise<void> {
  const verdicts = await runScenarioDirectory(dir, options.endpoint, options.json ? undefined : (v) => {
    const mark = v.failures.length === 0 ? '✓' : '✗';
    process.stdout.write(`${mark} ${path.basename(v.file)}  ${v.outcome}  (${v.durationMs} ms)\n`);
    v.failures.forEach((f) => process.stdout.write(`    ${f}\n`));
  });
  const failed = verdicts.filter((v) => v.failures.length > 0).length;
  if (options.json) process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
  else process.stdout.write(`\n${verdicts.length - failed} passed, ${failed} failed\n`);
  if (failed > 0) process.exitCode = ExitCode.CHECK_FAILED;
}
