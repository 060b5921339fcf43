import path from 'node:path';
import { StateName } from '../../tasks/domain/constants.js';
import type { MotoServer } from '../../workflows/local/moto.js';
import { loadScenario, runScenario, type ScenarioResult } from '../../workflows/local/scenario.js';
import { startAwsCallCounter, type AwsCall } from '../awsCallCounter.js';
import { PRICES } from '../prices.js';
import { median } from '../stats.js';
import { dynamoDbUsage } from './dynamoDbUsage.js';
import { estimateLogBytes } from './logBytes.js';
import type { PathCost } from '../results.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../scenarios');

/** The canonical paths and the scenario that takes each. */
export const CANONICAL_PATHS = [
  { path: 'auto success', scenario: 'remediated-auto.json' },
  { path: 'approval', scenario: 'approved.json' },
  { path: 'dry-run', scenario: 'dry-run.json' },
  { path: 'exempt', scenario: 'exempt-tag.json' },
  { path: 'failure + rollback', scenario: 'failed-verify-rolled-back.json' },
] as const;

/** The runner reads the audit trail once after the run; that Query is not the workflow's. */
function workflowCalls(calls: readonly AwsCall[], executionName: string): AwsCall[] {
  const last = calls.findLastIndex((c) => c.service === 'dynamodb');
  const runnerRead = calls[last];
  if (!runnerRead || runnerRead.operation !== 'Query' || !runnerRead.body?.includes(`EXEC#${executionName}`)) {
    throw new Error('bench: expected the scenario runner to end with one audit Query; runScenario changed, update bench/cost/costModel.ts');
  }
  return calls.filter((_, i) => i !== last);
}

interface RunFigures {
  readonly result: ScenarioResult;
  readonly billedMs: number;
  readonly logBytes: number;
  readonly calls: AwsCall[];
}

async function runOnce(scenarioFile: string, moto: MotoServer, counter: Awaited<ReturnType<typeof startAwsCallCounter>>): Promise<RunFigures> {
  await moto.reset();
  counter.calls.length = 0;
  const scenario = loadScenario(path.join(SCENARIOS, scenarioFile));
  const result = await runScenario(scenario, { endpoint: counter.endpoint });
  if (scenario.expect && result.outcome !== scenario.expect.outcome) {
    throw new Error(`bench: ${scenarioFile} ended ${result.outcome}, expected ${scenario.expect.outcome}: the cost model would price the wrong path`);
  }
  // Lambda bills each invocation's duration rounded up to the next millisecond.
  const billedMs = result.trace.steps.filter((s) => s.type === 'Task').reduce((sum, s) => sum + Math.ceil(Math.max(0, s.durationMs ?? 0)), 0);
  return { result, billedMs, logBytes: estimateLogBytes(result.trace.events, result.trace.steps), calls: workflowCalls(counter.calls, result.executionName) };
}

function priced(figures: RunFigures[], memoryMb: number, pathName: string, scenario: string): PathCost {
  const last = figures.at(-1)!;
  const { result } = last;
  const approvals = result.path.filter((s) => s === StateName.AwaitApproval).length;
  // Functions outside the workflow: the approval endpoint (open the link, press a button) and
  // the execution-status rule's target, which runs for every execution that ends FAILED.
  const otherLambdaInvocations = 2 * approvals + (result.status === 'SUCCEEDED' ? 0 : 1);
  const apiGatewayRequests = 2 * approvals;
  const billedMs = median(figures.map((f) => f.billedMs));
  const gbSeconds = (billedMs / 1000) * (memoryMb / 1024);
  const ddb = dynamoDbUsage(last.calls);
  const snsPublishes = last.calls.filter((c) => c.service === 'sns' && c.operation === 'Publish').length;
  const logBytes = median(figures.map((f) => f.logBytes));
  const per1000 = (unitCost: number) => unitCost * 1000;
  const usd = {
    stepFunctions: per1000(result.transitions * PRICES.stepFunctionsTransition),
    lambdaRequests: per1000((result.lambdaInvocations + otherLambdaInvocations) * PRICES.lambdaRequest),
    lambdaComputeLocalEstimate: per1000(gbSeconds * PRICES.lambdaArmGbSecond),
    dynamoDb: per1000(ddb.readUnits * PRICES.dynamoDbReadUnit + ddb.writeUnits * PRICES.dynamoDbWriteUnit),
    sns: per1000(snsPublishes * PRICES.snsPublish),
    logsEstimate: per1000((logBytes / 1024 ** 3) * PRICES.logsIngestedGb),
    apiGateway: per1000(apiGatewayRequests * PRICES.apiGatewayRestRequest),
  };
  return {
    path: pathName,
    scenario,
    outcome: result.outcome,
    status: result.status,
    transitions: result.transitions,
    lambdaInvocations: result.lambdaInvocations,
    otherLambdaInvocations,
    taskDurationsMs: Object.fromEntries(result.trace.steps.filter((s) => s.type === 'Task').map((s) => [s.state, s.durationMs ?? 0])),
    lambdaBilledMsLocalEstimate: billedMs,
    lambdaGbSecondsLocalEstimate: gbSeconds,
    auditPutItems: result.audit.length,
    dynamoDb: ddb,
    snsPublishes,
    apiGatewayRequests,
    logBytesEstimate: logBytes,
    usdPer1000: { ...usd, total: Object.values(usd).reduce((a, b) => a + b, 0) },
  };
}

export interface CostModelOptions {
  readonly runs: number;
  readonly memoryMb: number;
  /** Warm moto up before every path (full run), or only before the first (quick run). */
  readonly warmUpEachPath: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Section a: run each canonical path through the real intake, workflow and handlers against
 * moto (behind a counting proxy): unmeasured once to warm the emulator up (moto loads a
 * service's code on first use, which would count as task time), then `runs` times measured.
 */
export async function runCostModel(moto: MotoServer, options: CostModelOptions): Promise<PathCost[]> {
  const counter = await startAwsCallCounter(moto.endpoint);
  const costs: PathCost[] = [];
  const warmUps = options.warmUpEachPath ? CANONICAL_PATHS.length : 1;
  const total = CANONICAL_PATHS.length * options.runs + warmUps;
  let done = 0;
  try {
    for (const [i, { path: name, scenario }] of CANONICAL_PATHS.entries()) {
      if (i === 0 || options.warmUpEachPath) {
        await runOnce(scenario, moto, counter);
        options.onProgress?.(++done, total);
      }
      const figures: RunFigures[] = [];
      for (let run = 0; run < options.runs; run++) {
        figures.push(await runOnce(scenario, moto, counter));
        options.onProgress?.(++done, total);
      }
      costs.push(priced(figures, options.memoryMb, name, scenario));
    }
  } finally {
    await counter.stop();
  }
  return costs;
}
