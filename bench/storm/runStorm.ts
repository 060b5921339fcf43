import { Mode } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { executionNameFor, handler as intake } from '../../tasks/handlers/intake.js';
import { LOCAL_MEMBER_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { ProgressBar } from '../progress.js';
import type { StormResult } from '../results.js';
import { tally as count } from '../stats.js';
import { STORM_CONTROLS } from './controls.js';
import { AuditTap } from './auditTap.js';
import { startStormEmulators } from './emulators.js';
import { createEstate } from './estate.js';
import { nextBatch } from './batches.js';
import { countHeldLocks, rootCause } from './inspect.js';
import { planStorm, STORM_ACCOUNTS } from './plan.js';
import { StormTally } from './tally.js';
import { startTagServer } from './tagServer.js';

export interface StormOptions {
  readonly findings: number;
  /** Stop delivering after this long (in-flight executions still finish). */
  readonly deadlineSeconds: number;
  /** Executions in flight at most, as Lambda concurrency would bound the intake. */
  readonly concurrency: number;
  readonly budgetPerAccountPerHour: number;
  readonly estateConcurrency: number;
  /** Stop creating resources after this long; the storm then delivers only findings whose resource exists. */
  readonly estateDeadlineSeconds: number;
  /**
   * moto processes to spread the calls over (see emulators.ts).
   * @default 2
   */
  readonly motoServers?: 1 | 2;
}

const TAGGING_ENDPOINT = 'AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API';

/**
 * Section b: a storm of findings through the real intake handler (SQS batches) into the local
 * runtime against moto, with duplicates, exempt and production resources in two accounts. The
 * storm starts its own moto servers (emulators.ts), points the SDK at them while it runs and
 * stops them when it ends.
 */
export async function runStorm(options: StormOptions): Promise<StormResult> {
  const emulators = await startStormEmulators({ servers: options.motoServers ?? 2 });
  const savedEnv = Object.fromEntries(Object.keys(emulators.env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, emulators.env);
  try {
    return { ...(await stormAgainst(emulators.env.AWS_ENDPOINT_URL!, options)), motoServers: emulators.servers };
  } finally {
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await emulators.stop();
  }
}

async function stormAgainst(endpoint: string, options: StormOptions): Promise<Omit<StormResult, 'motoServers'>> {
  const plan = planStorm(options.findings);
  const estateStarted = Date.now();
  const estateBar = new ProgressBar('storm estate ', plan.resources.length);
  const estate = await createEstate(plan.resources, {
    limit: options.estateConcurrency,
    deadline: estateStarted + options.estateDeadlineSeconds * 1000,
    onProgress: (done) => estateBar.update(done),
  });
  estateBar.finish(estate.arns.size, `resources in ${((Date.now() - estateStarted) / 1000).toFixed(1)} s`);
  const estateSetupSeconds = (Date.now() - estateStarted) / 1000;
  // Deliver in plan order up to the first finding whose resource was not tried in time, leaving
  // out findings whose resource moto failed to create.
  const stop = plan.deliveries.findIndex((d) => !estate.tried.has(d.resource.key));
  const deliveries = (stop === -1 ? plan.deliveries : plan.deliveries.slice(0, stop)).filter((d) => estate.arns.has(d.resource.key));

  const tags = await startTagServer(estate.tagsByArn);
  const savedTagging = process.env[TAGGING_ENDPOINT];
  process.env[TAGGING_ENDPOINT] = tags.endpoint;
  const policy = PolicySchema.parse({ mode: Mode.AUTO, budgetPerAccountPerHour: options.budgetPerAccountPerHour });
  const runtime = await LocalRuntime.start({
    motoEndpoint: endpoint,
    policy,
    memberAccounts: [LOCAL_MEMBER_ACCOUNT],
    approver: () => 'approve',
    // Thousands of trace files (hundreds of MB) would only slow the storm down.
    saveTraces: false,
  });
  const audit = new AuditTap(runtime.resources.tableName);
  const executionArnPrefix = runtime.stateMachineArn.replace(':stateMachine:', ':execution:');
  const tally = new StormTally();
  const bar = new ProgressBar('storm        ', deliveries.length);
  const seen = new Set<string>();
  const finishing: Promise<void>[] = [];
  let running = 0;
  let waiters: (() => void)[] = [];
  let delivered = 0;
  let locksLeftHeld = 0;
  let endedAt = 0;
  let batches = 0;
  let next = 0;
  const started = Date.now();
  const deadline = started + options.deadlineSeconds * 1000;
  const progress = (force = false) =>
    bar.update(delivered, `delivered · ${tally.finished} done · ${running} running · ${(tally.finished / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1)} exec/s`, force);
  try {
    while (next < deliveries.length && Date.now() < deadline) {
      while (running >= options.concurrency) await new Promise<void>((resolve) => waiters.push(resolve));
      const batch = nextBatch(deliveries, next, estate.arns, batches);
      // As in Security Hub, a finding exists before its event: ValidateFinding re-reads it.
      for (const finding of batch.findings) runtime.securityHub.import(finding as never);
      const response = await intake(batch.event);
      if (response.batchItemFailures.length > 0) throw new Error(`intake reported ${response.batchItemFailures.length} failed messages in batch ${batches}`);
      next = batch.next;
      batches++;
      delivered += batch.findings.length;
      for (const finding of batch.findings) {
        const name = executionNameFor(finding, 'automatic');
        if (seen.has(name)) continue;
        seen.add(name);
        const execution = runtime.stepFunctions.describe(`${executionArnPrefix}:${name}`);
        running++;
        finishing.push(
          execution.done.then(async (e) => {
            const ended = {
              status: e.status,
              durationMs: (e.stopDate ?? new Date()).getTime() - e.startDate.getTime(),
              error: { ...(e.error ? { name: e.error } : {}), cause: rootCause(e.events) ?? e.cause ?? '' },
            };
            // The runtime keeps every event of every execution for the trace viewer; thousands of traces would hold gigabytes.
            e.events.length = 0;
            try {
              tally.add(ended, audit.take(e.name));
            } finally {
              running--;
              const wake = waiters;
              waiters = [];
              for (const w of wake) w();
              progress();
            }
          }),
        );
      }
      progress();
    }
    await Promise.all(finishing);
    endedAt = Date.now();
    locksLeftHeld = await countHeldLocks(runtime.resources.tableName);
    progress(true);
    bar.finish(delivered, `delivered · ${tally.finished} executions done`);
  } finally {
    audit.stop();
    await runtime.stop();
    await tags.stop();
    if (savedTagging === undefined) delete process.env[TAGGING_ENDPOINT];
    else process.env[TAGGING_ENDPOINT] = savedTagging;
  }
  const durationSeconds = (endedAt - started) / 1000;
  return {
    findingsPlanned: plan.deliveries.length,
    findingsDelivered: delivered,
    mix: count(deliveries.slice(0, next).map((d) => d.kind)),
    controls: STORM_CONTROLS.map((c) => c.controlId),
    accounts: [...STORM_ACCOUNTS],
    sqsBatches: batches,
    concurrency: options.concurrency,
    budgetPerAccountPerHour: options.budgetPerAccountPerHour,
    estateResources: estate.arns.size,
    estateFailures: estate.failures,
    estateSetupSeconds,
    durationSeconds,
    findingsPerSecond: delivered / durationSeconds,
    executionsStarted: seen.size,
    redeliveriesAbsorbed: delivered - seen.size,
    ...tally.summary(),
    locksLeftHeld,
    limitedBy: next < deliveries.length ? 'storm time limit' : stop !== -1 ? 'estate time limit' : 'nothing',
  };
}
