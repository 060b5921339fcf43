import { z } from 'zod';
import { MODES, Outcome, Source } from '../../tasks/domain/constants.js';
import { executionNameFor, startExecutions } from '../../tasks/handlers/intake.js';
import { readAudit, type AuditRecord } from '../../tasks/store/table.js';
import { callAws, matchesExpectation, showsAny, substitute, valueAt } from './awsCall.js';
import { LOCAL_ADMIN_ACCOUNT } from './awsEnv.js';
import { runAs } from './callerContext.js';
import { policyForRun } from './scenarioPolicy.js';
import { asScenarioDocument, describeScenarioIssues, readScenarioJson, ScenarioFileError } from './scenarioInput.js';
import { FaultsSchema } from './faults.js';
import { startMoto } from './moto.js';
import { accountOf, eventFor, importFinding, viewOf, type FindingView } from './scenarioFinding.js';
import { LocalRuntime, type ApprovalChoice, type Notification } from './runtime.js';
import { summariseTrace, type TraceEvent, type TraceStep } from './trace.js';

const OUTCOMES = Object.values(Outcome) as [Outcome, ...Outcome[]];
import { DECISIONS, type ScenarioDecision } from './decisions.js';
export { DECISIONS, type ScenarioDecision };

const StepSchema = z
  .object({
    service: z.string().min(1),
    command: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    account: z.string().regex(/^\d{12}$/).optional(),
    region: z.string().optional(),
    save: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const StateCheckSchema = StepSchema.extend({
  /** The response must contain this (deep subset). */
  match: z.unknown().optional(),
  /** The response must not contain this (deep subset). */
  absent: z.unknown().optional(),
}).strict();

/** A scenario file (DESIGN §7). */
export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    mode: z.enum(MODES).optional(),
    policy: z.record(z.string(), z.unknown()).optional(),
    faults: FaultsSchema.optional(),
    source: z.enum([Source.AUTOMATIC, Source.MANUAL]).optional(),
    setup: z.array(StepSchema).default([]),
    /** ASFF (Security Hub CSPM) or OCSF (Security Hub, `Findings Imported V2`). */
    finding: z.record(z.string(), z.unknown()),
    /**
     * The same failure as the other hub reports it (OCSF for an ASFF finding, or the reverse): imported
     * with the finding, and its event taken in after the finding's execution ends (docs/decisions/020).
     */
    twin: z.record(z.string(), z.unknown()).optional(),
    /** When the twin's event reaches intake: `after` the finding's execution ends (the default), or `with` the finding's (both run at once). */
    twinArrives: z.enum(['after', 'with']).default('after'),
    /** Steps run after the finding is imported into Security Hub and before its event reaches intake (e.g. a person suppresses it). */
    afterImport: z.array(StepSchema).default([]),
    /** Steps run once, when the first approval is requested and before the decision: the world moving while a person reads the email. */
    duringApproval: z.array(StepSchema).default([]),
    decision: z.enum(DECISIONS).optional(),
    expect: z
      .object({
        outcome: z.enum(OUTCOMES),
        path: z.array(z.string()).optional(),
        state: z.array(StateCheckSchema).optional(),
        /** The twin's execution's outcome. */
        twinOutcome: z.enum(OUTCOMES).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;

/**
 * Load a scenario file: a scenario, or a raw ASFF finding or Security Hub event taken as one
 * (scenarioInput.ts). Throws {@link ScenarioFileError} saying what to fix.
 */
export function loadScenario(file: string): Scenario {
  const parsed = ScenarioSchema.safeParse(asScenarioDocument(readScenarioJson(file), file));
  if (!parsed.success) throw new ScenarioFileError(describeScenarioIssues(file, parsed.error));
  return parsed.data;
}

export interface StateCheckResult {
  readonly step: string;
  readonly ok: boolean;
  readonly detail?: string;
  readonly response?: unknown;
}

/** What `rectify simulate --json` prints (DESIGN §7). */
export interface ScenarioResult {
  readonly scenario: string;
  readonly executionName: string;
  readonly status: string;
  readonly outcome: Outcome | 'UNKNOWN';
  readonly path: string[];
  readonly transitions: number;
  readonly lambdaInvocations: number;
  readonly finding: Omit<FindingView, 'format'> & { format?: FindingView['format'] };
  readonly audit: (AuditRecord & { at: string })[];
  readonly notifications: Notification[];
  readonly trace: { events: TraceEvent[]; steps: TraceStep[] };
  readonly error?: string;
  readonly cause?: string;
  readonly saved: Record<string, unknown>;
  /** Results of the scenario's `expect.state` reads, after the run. */
  readonly state: StateCheckResult[];
  readonly durationMs: number;
  /** The policy the run used, in words: the scenario's, the default, or the endpoint's kept. */
  readonly policy: string;
  /**
   * `redelivered`: an execution of this finding version already ran against the endpoint, so the
   * intake's StartExecution was a no-op, as in AWS; the outcome is then DUPLICATE and the audit is
   * that earlier execution's.
   */
  readonly intake: 'started' | 'redelivered';
  /** With a `twin`: its execution, outcome and finding after both runs; `finding` above is then also read after both. */
  readonly twin?: { readonly executionName: string; readonly outcome: Outcome | 'UNKNOWN'; readonly finding: FindingView; readonly audit: (AuditRecord & { at: string })[] };
}

export interface RunOptions {
  /** Use this moto server (and leave its state); otherwise start and stop one. */
  readonly endpoint?: string;
  readonly decision?: ScenarioDecision;
  readonly mode?: (typeof MODES)[number];
  /** Called with the approval link when the decision is `link`; the run then waits for a person. */
  readonly onApprovalLink?: (url: string) => void;
  /**
   * With `endpoint`: keep the policy stored there; the scenario's fields replace only their own.
   * @default false (the scenario's policy, as a fresh deployment would have it)
   */
  readonly keepEndpointPolicy?: boolean;
}

/** Run one scenario end to end: setup, intake, the workflow, and the reads that check it. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<ScenarioResult> {
  const started = Date.now();
  const moto = options.endpoint ? undefined : await startMoto();
  const endpoint = options.endpoint ?? moto!.endpoint;
  const decision = options.decision ?? scenario.decision ?? 'approve';
  const runPolicy = await policyForRun(scenario, options);
  const policy = runPolicy.policy;
  const accounts = new Set<string>([...scenario.setup.map((s) => s.account ?? LOCAL_ADMIN_ACCOUNT), accountOf(scenario.finding) ?? LOCAL_ADMIN_ACCOUNT]);
  accounts.delete(LOCAL_ADMIN_ACCOUNT);
  let movedDuringApproval = false;
  const savedForApproval: Record<string, unknown> = {};
  const runtime = await LocalRuntime.start({
    motoEndpoint: endpoint,
    policy,
    memberAccounts: [...accounts],
    ...(scenario.faults ? { faults: scenario.faults, resolveFaultStep: (step) => substitute(step, savedForApproval) } : {}),
    approver: async (pending) => {
      if (!movedDuringApproval) {
        movedDuringApproval = true;
        for (const step of scenario.duringApproval) await callAws(substitute(step, savedForApproval));
      }
      if (decision !== 'link') return decision as ApprovalChoice;
      options.onApprovalLink?.(pending.link);
      return 'external';
    },
  });
  try {
    const saved: Record<string, unknown> = {};
    for (const [index, step] of scenario.setup.entries()) {
      const response = await callAws(substitute(step, saved)).catch((error: Error) => {
        const again = options.endpoint
          ? `; if this scenario ran on ${options.endpoint} before, its setup already exists there: run it without --endpoint, or reset that moto (curl -X POST ${options.endpoint}/moto-api/reset)`
          : '';
        throw new Error(`setup step ${index + 1} (${step.service}.${step.command}) failed: ${error.name}: ${error.message}${again}`, { cause: error });
      });
      for (const [name, path] of Object.entries(step.save ?? {})) {
        const value = valueAt(response, path);
        if (value === undefined) throw new Error(`setup ${step.service}.${step.command}: response has no "${path}" to save as \${${name}}`);
        saved[name] = value;
      }
    }
    Object.assign(savedForApproval, saved);
    const finding = substitute(scenario.finding, saved);
    const source = scenario.source ?? Source.AUTOMATIC;
    const twinFinding = scenario.twin ? substitute(scenario.twin, saved) : undefined;
    await importFinding(runtime.securityHub, finding);
    if (twinFinding) await importFinding(runtime.securityHub, twinFinding);
    for (const step of scenario.afterImport) await callAws(substitute(step, saved));
    const intake = await runAs('intake', () => startExecutions(runtime.stateMachineArn, eventFor(finding, source)));
    if (twinFinding && scenario.twinArrives === 'with') await runAs('intake', () => startExecutions(runtime.stateMachineArn, eventFor(twinFinding, source)));
    const executionName = executionNameFor(finding, source);
    const execution = runtime.stepFunctions.byName(executionName);
    if (!execution && intake.duplicates.includes(executionName)) {
      const audit = await readAudit(runtime.resources.tableName, executionName);
      return {
        scenario: scenario.name, executionName, status: 'NOT_STARTED', outcome: Outcome.DUPLICATE, path: [], transitions: 0, lambdaInvocations: 0,
        finding: { notes: [] }, audit, notifications: [], trace: { events: [], steps: [] }, saved,
        state: await readBackState(scenario, saved), durationMs: Date.now() - started, policy: runPolicy.description, intake: 'redelivered',
      };
    }
    if (!execution) throw new Error(`intake did not start execution ${executionName}`);
    await execution.done;
    if (runtime.approverErrors.length > 0) throw new Error(`the scripted approver failed: ${runtime.approverErrors.map((e) => e.message).join('; ')}`);

    const audit = await readAudit(runtime.resources.tableName, executionName);
    const outcome = [...audit].reverse().find((a) => a.outcome)?.outcome ?? 'UNKNOWN';
    const twin = twinFinding ? await runTwin(runtime, twinFinding, source, scenario.twinArrives === 'with') : undefined;
    const { format, ...view } = viewOf(runtime.securityHub, finding);
    const notifications = (await runtime.collectNotifications()).filter((n) => n.body.includes(executionName));
    const state = await readBackState(scenario, saved);
    const path = execution.events.filter((e) => e.type === 'StateEntered').map((e) => e.state!);
    return {
      scenario: scenario.name,
      executionName,
      status: execution.status,
      outcome,
      path,
      transitions: path.length + execution.events.filter((e) => e.type === 'StateRetried').length,
      lambdaInvocations: execution.lambdaInvocations,
      finding: { ...view, ...(format === 'OCSF' ? { format } : {}) },
      audit,
      notifications,
      trace: { events: execution.events, steps: summariseTrace(execution.events) },
      ...(execution.error ? { error: execution.error } : {}),
      ...(execution.cause ? { cause: execution.cause } : {}),
      saved,
      state,
      durationMs: Date.now() - started,
      policy: runPolicy.description,
      intake: 'started',
      ...(twin ? { twin } : {}),
    };
  } finally {
    await runtime.stop();
    await moto?.stop();
  }
}

/** Take in the twin's event once the finding's execution has ended (unless it was taken in with it), and run its execution to the end. */
async function runTwin(runtime: LocalRuntime, twin: Record<string, unknown>, source: Source, started: boolean): Promise<NonNullable<ScenarioResult['twin']>> {
  if (!started) await runAs('intake', () => startExecutions(runtime.stateMachineArn, eventFor(twin, source)));
  const executionName = executionNameFor(twin, source);
  const execution = runtime.stepFunctions.byName(executionName);
  if (!execution) throw new Error(`intake did not start the twin's execution ${executionName}`);
  await execution.done;
  const audit = await readAudit(runtime.resources.tableName, executionName);
  const outcome = [...audit].reverse().find((a) => a.outcome)?.outcome ?? 'UNKNOWN';
  return { executionName, outcome, finding: viewOf(runtime.securityHub, twin), audit };
}

/** Run the scenario's `expect.state` reads after the workflow; each says whether it matched. */
async function readBackState(scenario: Scenario, saved: Record<string, unknown>): Promise<StateCheckResult[]> {
  const state: StateCheckResult[] = [];
  for (const check of scenario.expect?.state ?? []) {
    const step = substitute(check, saved);
    const label = `${step.service}.${step.command}`;
    try {
      const response = await callAws(step);
      const problems: string[] = [];
      if (step.match !== undefined && !matchesExpectation(response, step.match)) problems.push(`does not match ${JSON.stringify(step.match)}`);
      if (step.absent !== undefined && showsAny(response, step.absent)) problems.push(`still contains ${JSON.stringify(step.absent)}`);
      state.push({ step: label, ok: problems.length === 0, response, ...(problems.length ? { detail: problems.join('; ') } : {}) });
    } catch (error) {
      state.push({ step: label, ok: false, detail: `${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return state;
}

/** Compare a result with the scenario's `expect` block; returns the failures (empty = pass). */
export function checkExpectations(scenario: Scenario, result: ScenarioResult): string[] {
  const failures: string[] = [];
  const expected = scenario.expect;
  if (!expected) return failures;
  if (result.intake === 'redelivered' && expected.outcome !== Outcome.DUPLICATE) {
    const earlier = [...result.audit].reverse().find((a) => a.outcome)?.outcome ?? 'no outcome recorded';
    failures.push(
      `outcome DUPLICATE, expected ${expected.outcome}: this finding version already ran on this endpoint (${result.executionName}: ${earlier}), so intake started nothing, as in AWS;` +
        ' give the finding a new UpdatedAt, or use a fresh endpoint, to run it again',
    );
  } else if (result.outcome !== expected.outcome) failures.push(`outcome ${result.outcome}, expected ${expected.outcome}`);
  if (result.intake === 'started' && expected.path && JSON.stringify(result.path) !== JSON.stringify(expected.path)) {
    failures.push(`path ${result.path.join(' → ')}, expected ${expected.path.join(' → ')}`);
  }
  if (expected.twinOutcome && result.twin?.outcome !== expected.twinOutcome) failures.push(`twin outcome ${result.twin?.outcome ?? 'none (no twin ran)'}, expected ${expected.twinOutcome}`);
  for (const check of result.state) if (!check.ok) failures.push(`${check.step}: ${check.detail}`);
  return failures;
}
