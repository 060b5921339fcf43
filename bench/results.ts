import { z } from 'zod';

/** A count, a duration or a price: never negative, always finite. */
const Amount = z.number().finite().nonnegative();
const Counts = z.record(z.string(), Amount);

export const PathCostSchema = z.object({
  path: z.string(),
  scenario: z.string(),
  outcome: z.string(),
  status: z.string(),
  transitions: Amount,
  lambdaInvocations: Amount,
  /** Approval endpoint (page + decision) and the execution-status rule; not in the workflow's count. */
  otherLambdaInvocations: Amount,
  taskDurationsMs: Counts,
  lambdaBilledMsLocalEstimate: Amount,
  lambdaGbSecondsLocalEstimate: Amount,
  auditPutItems: Amount,
  dynamoDb: z.object({ readRequests: Amount, writeRequests: Amount, readUnits: Amount, writeUnits: Amount }),
  snsPublishes: Amount,
  apiGatewayRequests: Amount,
  logBytesEstimate: Amount,
  usdPer1000: z.object({
    stepFunctions: Amount,
    lambdaRequests: Amount,
    lambdaComputeLocalEstimate: Amount,
    dynamoDb: Amount,
    sns: Amount,
    logsEstimate: Amount,
    apiGateway: Amount,
    total: Amount,
  }),
});
export type PathCost = z.infer<typeof PathCostSchema>;

export const StormResultSchema = z.object({
  findingsPlanned: Amount,
  findingsDelivered: Amount,
  /** Delivered findings by kind: new, redelivered (same id + UpdatedAt), same resource under another id, exempt, approval. */
  mix: Counts,
  controls: z.array(z.string()).min(6),
  accounts: z.array(z.string()).min(2),
  sqsBatches: Amount,
  concurrency: Amount,
  /** moto processes the calls were spread over (absent in results written before there could be more than one). */
  motoServers: Amount.optional(),
  budgetPerAccountPerHour: Amount,
  estateResources: Amount,
  /** Resources moto failed to create (their findings are not sent), with one error. */
  estateFailures: z.object({ count: Amount, example: z.string() }),
  estateSetupSeconds: Amount,
  durationSeconds: Amount,
  findingsPerSecond: Amount,
  executionsStarted: Amount,
  redeliveriesAbsorbed: Amount,
  outcomes: Counts,
  executionStatuses: Counts,
  /** Errors of executions that did not succeed: how many, and one cause each. */
  executionErrors: z.record(z.string(), z.object({ count: Amount, example: z.string() })),
  appliedChanges: Amount,
  /** Resource + control pairs changed more than once: must be 0. */
  duplicateRemediations: Amount,
  automaticChangesPeakPerAccountHour: Counts,
  approvedChanges: Amount,
  /** Dedupe locks still held after every execution ended: should be 0. */
  locksLeftHeld: Amount,
  executionsWithoutOutcomeRecord: Amount,
  /** Executions whose audit trail the benchmark could not read back from moto (not counted above). */
  auditUnreadable: Amount,
  executionMs: z.object({ p50: Amount, p95: Amount, max: Amount }),
  /** Why fewer findings than planned were delivered, if so. */
  limitedBy: z.enum(['nothing', 'storm time limit', 'estate time limit']),
});
export type StormResult = z.infer<typeof StormResultSchema>;

export const BundleResultSchema = z.object({
  handler: z.string(),
  /** Every chunk of the asset (JavaScript, no source maps). */
  bytes: Amount,
  /** What importing the handler loads: the entry and the chunks it imports statically. */
  coldBytes: Amount,
  sourcemapBytes: Amount,
  /** Bytes each of the biggest contributors (npm package or project folder) adds to what loads at cold start. */
  largestInputs: Counts,
  loadMsRuns: z.array(Amount).min(1),
  loadMsMedian: Amount,
  /** Functions that run playbooks: loading the entry and then one member service's playbook (its heaviest) and tag reader. */
  onDemand: z
    .object({
      services: Amount,
      worstService: z.string(),
      worstPlaybook: z.string(),
      /** Bytes the worst service's chunks add to the cold start's. */
      worstBytes: Amount,
      worstLoadMsMedian: Amount,
      loadMsMedianByService: Counts,
    })
    .optional(),
});
export type BundleResult = z.infer<typeof BundleResultSchema>;

export const ResultsSchema = z.object({
  generatedAt: z.string(),
  mode: z.enum(['quick', 'full']),
  machine: z.object({
    cpus: Amount,
    nproc: z.string(),
    memory: z.string(),
    node: z.string(),
    platform: z.string(),
    moto: z.string(),
    /** 1-minute load average when each section started: other work on the machine slows the figures. */
    loadAverage: z.record(z.string(), Amount),
  }),
  prices: z.record(z.string(), z.union([z.string(), Amount])),
  costModel: z.object({ memoryMb: Amount, runsPerPath: Amount, paths: z.array(PathCostSchema).length(5) }),
  storm: StormResultSchema,
  coldStart: z.object({
    esbuild: z.record(z.string(), z.unknown()),
    buildSeconds: Amount,
    /** The quick run builds while the other sections run (their figures are then slower). */
    buildOverlappedOtherSections: z.boolean(),
    runsPerBundle: Amount,
    bundles: z.array(BundleResultSchema).min(1),
    /** The functions whose bundles follow the catalog, rebuilt with a synthetic catalog several times the real one's size. */
    synthetic: z.object({ playbooks: Amount, realPlaybooks: Amount, bundles: z.array(BundleResultSchema).min(1) }),
  }),
  /** Wall time of each part of the run. */
  sectionSeconds: Counts,
  durationSeconds: Amount,
});
export type Results = z.infer<typeof ResultsSchema>;

/** What `npm run bench -- --only storm` writes: the storm section alone, with the machine it ran on. */
export const StormRunSchema = ResultsSchema.pick({ generatedAt: true, mode: true, machine: true, storm: true, sectionSeconds: true, durationSeconds: true }).extend({
  only: z.literal('storm'),
});
export type StormRun = z.infer<typeof StormRunSchema>;

/** What `npm run bench -- --only cold-start` writes: section c alone, with the machine it ran on. */
export const ColdStartRunSchema = ResultsSchema.pick({ generatedAt: true, mode: true, machine: true, coldStart: true, sectionSeconds: true, durationSeconds: true }).extend({
  only: z.literal('cold-start'),
});
export type ColdStartRun = z.infer<typeof ColdStartRunSchema>;
