import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Outcome } from '../../../tasks/domain/constants.js';
import { PolicySchema } from '../../../tasks/domain/policy.js';
import { executionNameFor, startExecutions } from '../../../tasks/handlers/intake.js';
import { buildReport, type EffectivenessReport } from '../../../tasks/report/effectiveness.js';
import { renderReportHtml } from '../../../tasks/report/renderHtml.js';
import { putExemption } from '../../../tasks/store/exemptions.js';
import { readAudit } from '../../../tasks/store/table.js';
import { callAws, matchesExpectation, showsAny, substitute, valueAt } from '../awsCall.js';
import { LOCAL_MEMBER_ACCOUNT } from '../awsEnv.js';
import { runAs } from '../callerContext.js';
import { startMoto, type MotoServer } from '../moto.js';
import { LocalRuntime, type PendingApproval } from '../runtime.js';
import { renderTraceHtml } from '../traceHtml.js';
import { sandboxDir, traceDir } from '../rectifyHome.js';
import { loadTrace } from '../traceStore.js';
import { ESTATE, EXPIRED_REGISTER_BUCKET, FAILING_TABLE_ARN, type EstateItem } from './estate.js';
import { estateFinding, importEstateFindings } from './estateFindings.js';


export interface SandboxRow {
  readonly item: EstateItem;
  readonly resourceId: string;
  readonly executionName: string;
  state: string;
  outcome?: Outcome | 'UNKNOWN';
  stateOk?: boolean;
  problems: string[];
  tracePath?: string;
}

export interface SandboxResult {
  readonly rows: SandboxRow[];
  readonly report: EffectivenessReport;
  readonly reportPath: string;
  readonly wallSeconds: number;
  readonly ok: boolean;
  /** With `keep`: the moto server, still running with the estate's state, for the caller to stop. */
  readonly moto?: MotoServer;
}

export interface SandboxOptions {
  readonly autoApprove: boolean;
  /** Called when a person must decide; the link is the emailed one, served locally. */
  readonly onApprovalNeeded?: (pending: PendingApproval) => void;
  /** Called about four times a second while executions run. */
  readonly onProgress?: (rows: readonly SandboxRow[]) => void;
  readonly log?: (line: string) => void;
  /**
   * Leave moto running at the end (returned as `moto`), so the estate can be explored with the
   * operator commands; it is still stopped if the run fails.
   * @default false
   */
  readonly keep?: boolean;
}

/**
 * The main job on its embedded default: start moto, build the estate, import its findings,
 * send them through intake together, and watch every execution to its outcome; then read the
 * resources back, write the report and the traces.
 */
export async function runSandbox(options: SandboxOptions): Promise<SandboxResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  log('starting moto (the local AWS)…');
  const moto = await startMoto();
  const runtime = await LocalRuntime.start({
    motoEndpoint: moto.endpoint,
    policy: PolicySchema.parse({ mode: 'auto' }),
    memberAccounts: [LOCAL_MEMBER_ACCOUNT],
    faults: { apply: 'skip', resources: [FAILING_TABLE_ARN] },
    approvalTimeoutSeconds: 900,
    approver: (pending) => {
      if (options.autoApprove) return 'approve';
      options.onApprovalNeeded?.(pending);
      return 'external';
    },
  });
  let kept = false;
  try {
    log(`building the estate: ${ESTATE.length} non-compliant resources in two accounts…`);
    const saved: Record<string, unknown> = {};
    for (const item of ESTATE) {
      for (const step of item.setup) {
        const response = await callAws(substitute(step, saved));
        for (const [name, at] of Object.entries(step.save ?? {})) saved[name] = valueAt(response, at);
      }
    }
    await putExemption(runtime.resources.tableName, {
      resourceArn: `arn:aws:s3:::${EXPIRED_REGISTER_BUCKET}`, reason: 'legacy ledger, waiver until migration', requestedBy: 'finance platform team', expiresOn: '2025-12-31',
    });
    const rows: SandboxRow[] = ESTATE.map((item) => {
      const resourceId = substitute(item.resourceId, saved);
      return { item, resourceId, executionName: executionNameFor(estateFinding(item, resourceId), 'automatic'), state: 'queued', problems: [] };
    });
    const events = await importEstateFindings(runtime.securityHub, rows.map((r) => estateFinding(r.item, r.resourceId)));
    log('findings imported (ASFF from Security Hub CSPM, one in OCSF from Security Hub); sending them through intake…');
    for (const event of events) await runAs('intake', () => startExecutions(runtime.stateMachineArn, event));

    const executions = rows.map((r) => runtime.stepFunctions.byName(r.executionName)!);
    const timer = setInterval(() => {
      rows.forEach((row, i) => {
        const entered = executions[i]!.events.filter((e) => e.type === 'StateEntered').at(-1)?.state;
        if (executions[i]!.status === 'RUNNING') row.state = entered ?? 'starting';
      });
      options.onProgress?.(rows);
    }, 250);
    try {
      await Promise.all(
        executions.map(async (execution, i) => {
          await execution.done;
          const row = rows[i]!;
          const audit = await readAudit(runtime.resources.tableName, row.executionName);
          row.outcome = [...audit].reverse().find((a) => a.outcome)?.outcome ?? 'UNKNOWN';
          row.state = execution.status;
        }),
      );
    } finally {
      clearInterval(timer);
    }
    options.onProgress?.(rows);

    for (const row of rows) {
      if (row.outcome !== row.item.expected) row.problems.push(`outcome ${row.outcome}, expected ${row.item.expected}`);
      for (const check of row.item.checks) {
        const step = substitute(check, saved);
        const response = await callAws(step);
        if (step.match !== undefined && !matchesExpectation(response, step.match)) row.problems.push(`${step.service}.${step.command} does not show ${JSON.stringify(step.match)}`);
        if (step.absent !== undefined && showsAny(response, step.absent)) row.problems.push(`${step.service}.${step.command} still shows ${JSON.stringify(step.absent)}`);
      }
      row.stateOk = row.problems.length === 0;
      const trace = loadTrace(row.executionName);
      row.tracePath = path.join(traceDir(), `${row.executionName}.html`);
      writeFileSync(row.tracePath, await renderTraceHtml(trace));
    }
    const report = await buildReport(runtime.resources.tableName, new Date(started - 60_000));
    mkdirSync(sandboxDir(), { recursive: true });
    const reportPath = path.join(sandboxDir(), 'report.html');
    const traces = new Map(rows.flatMap((r) => (r.tracePath ? [[r.executionName, pathToFileURL(r.tracePath).href] as const] : [])));
    writeFileSync(reportPath, await renderReportHtml(report, { traceLink: (name) => traces.get(name) }));
    kept = options.keep === true;
    return { rows, report, reportPath, wallSeconds: (Date.now() - started) / 1000, ok: rows.every((r) => r.stateOk), ...(kept ? { moto } : {}) };
  } finally {
    await runtime.stop();
    if (!kept) await moto.stop();
  }
}
