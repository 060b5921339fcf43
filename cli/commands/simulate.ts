import { checkExpectations, loadScenario, runScenario, type ScenarioDecision } from '../../workflows/local/scenario.js';
import type { Mode } from '../../tasks/domain/constants.js';
import { printResult } from '../format.js';

export async function simulateCommand(
  file: string,
  options: { endpoint?: string; decision?: ScenarioDecision; mode?: Mode; json?: boolean },
): Promise<void> {
  const scenario = loadScenario(file);
  const result = await runScenario(scenario, {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.decision ? { decision: options.decision } : {}),
    ...(options.mode ? { mode: options.mode } : {}),
    onApprovalLink: (url) => process.stderr.write(`APPROVAL_LINK ${url}\n`),
  });
  if (options.json) {
    const { saved: _saved, durationMs: _durationMs, ...documented } = result;
    process.stdout.write(`${JSON.stringify(documented, null, 2)}\n`);
  } else {
    printResult(result, checkExpectations(scenario, result));
  }
}
