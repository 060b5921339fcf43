import { checkExpectations, loadScenario, runScenario, type ScenarioDecision } from '../../workflows/local/scenario.js';
import type { Mode } from '../../tasks/domain/constants.js';
import { ExitCode, setErrorContext } from '../errors.js';
import { printResult } from '../format.js';

/**
 * `rectify simulate FILE`: one scenario (or a raw finding or Security Hub event) through intake and
 * the workflow. With --endpoint the endpoint's stored policy is kept (the scenario's fields replace
 * only their own) and its state is left for inspection. Exit 1 when the expect block is not met.
 */
export async function simulateCommand(
  file: string,
  options: { endpoint?: string; decision?: ScenarioDecision; mode?: Mode; json?: boolean },
): Promise<void> {
  const scenario = loadScenario(file);
  if (options.endpoint) setErrorContext({ endpoint: options.endpoint });
  const result = await runScenario(scenario, {
    ...(options.endpoint ? { endpoint: options.endpoint, keepEndpointPolicy: true } : {}),
    ...(options.decision ? { decision: options.decision } : {}),
    ...(options.mode ? { mode: options.mode } : {}),
    onApprovalLink: (url) => process.stderr.write(`APPROVAL_LINK ${url}\n`),
  });
  const failures = checkExpectations(scenario, result);
  if (options.json) {
    const { saved: _saved, durationMs: _durationMs, ...documented } = result;
    process.stdout.write(`${JSON.stringify(documented, null, 2)}\n`);
  } else {
    printResult(result, failures);
  }
  if (failures.length > 0) {
    if (options.json) process.stderr.write(`rectify: expectations NOT met: ${failures.join('; ')}\n`);
    process.exitCode = ExitCode.CHECK_FAILED;
  }
}
