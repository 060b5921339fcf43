import path from 'node:path';
import { renderReportText } from '../../tasks/report/renderHtml.js';
import { runSandbox, type SandboxRow } from '../../workflows/local/sandbox/runSandbox.js';
import { ExitCode, UsageError } from '../errors.js';
import { table } from '../format.js';
import { keepUntilStopped, stopKeptSandbox } from './sandboxKeep.js';

const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
const outcomeColour = (o: string | undefined) => (o === 'REMEDIATED' ? 32 : o === 'EXEMPT' || o === 'DRY_RUN' ? 36 : o?.startsWith('FAILED') ? 31 : 33);

function liveTable(rows: readonly SandboxRow[]): string {
  const done = rows.filter((r) => r.outcome).length;
  const body = table([
    ['CONTROL', 'ACCOUNT', 'RESOURCE', 'STATE', 'OUTCOME'],
    ...rows.map((r) => [r.item.controlId, r.item.account, r.resourceId.split(/[:/]/).pop() ?? r.resourceId, r.state, r.outcome ?? '…']),
  ]);
  const width = 30;
  const filled = Math.round((done / rows.length) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${rows.length} findings done\n${body}`;
}

/**
 * `npm run sandbox`: the main job on its embedded default. A live table while the findings run;
 * the approval link when a person must decide (or --auto-approve); the report summary and the
 * paths of the HTML report and traces at the end. Exit 1 when an outcome or a resource read back
 * is not what the estate expects. With --keep, moto stays up afterwards for the operator commands
 * until Ctrl-C or `rectify sandbox stop`.
 */
export async function sandboxCommand(action: string | undefined, options: { autoApprove?: boolean; json?: boolean; keep?: boolean }): Promise<void> {
  if (action === 'stop') return stopKeptSandbox();
  if (action !== undefined) throw new UsageError(`unknown sandbox action "${action}": run \`rectify sandbox\` (add --keep to explore afterwards) or \`rectify sandbox stop\``);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const live = !options.json;
  let drawn = 0;
  const redraw = (rows: readonly SandboxRow[]) => {
    if (!live) return;
    const text = liveTable(rows);
    if (process.stdout.isTTY && drawn > 0) process.stdout.write(`\u001b[${drawn}A\u001b[0J`);
    else if (!process.stdout.isTTY) return; // not a terminal: print the table once, at the end
    process.stdout.write(`${text}\n`);
    drawn = text.split('\n').length;
  };
  if (live) out(paint(1, 'Rectify sandbox — a two-account estate on a local AWS (moto); no AWS account needed.\n'));
  const result = await runSandbox({
    autoApprove: options.autoApprove ?? false,
    keep: options.keep ?? false,
    log: (line) => live && process.stderr.write(`${line}\n`),
    onProgress: redraw,
    onApprovalNeeded: (pending) => {
      process.stderr.write(`\n${paint(33, 'APPROVAL NEEDED')} for a production bucket. Open this link, read the plan, and press Approve or Reject:\nAPPROVAL_LINK ${pending.link}\n\n`);
      drawn = 0;
    },
  });
  if (options.json) {
    out(JSON.stringify({
      ok: result.ok,
      wallSeconds: result.wallSeconds,
      rows: result.rows.map((r) => ({ key: r.item.key, controlId: r.item.controlId, account: r.item.account, resourceId: r.resourceId, executionName: r.executionName, expected: r.item.expected, outcome: r.outcome, stateOk: r.stateOk, problems: r.problems, trace: r.tracePath })),
      report: result.report,
      reportPath: result.reportPath,
      ...(result.moto ? { endpoint: result.moto.endpoint } : {}),
    }, null, 2));
  } else {
    if (!process.stdout.isTTY) out(liveTable(result.rows));
    out('');
    for (const r of result.rows) {
      const mark = r.stateOk ? paint(32, '✓') : paint(31, '✗');
      out(`${mark} ${paint(outcomeColour(r.outcome), String(r.outcome).padEnd(22))} ${r.item.story}`);
      r.problems.forEach((p) => out(`    ${paint(31, p)}`));
    }
    out(`\n${renderReportText(result.report)}\n`);
    out(`HTML report: ${path.relative(process.cwd(), result.reportPath)}`);
    out('Traces (open in a browser, or: npx rectify trace <execution>):');
    for (const r of result.rows) out(`  ${r.item.key.padEnd(16)} ${path.relative(process.cwd(), r.tracePath ?? '')}`);
    out(`\n${result.rows.length} findings in ${result.wallSeconds.toFixed(1)} s; ${result.ok ? 'every outcome and every resource read back from moto is as expected.' : 'SOME RESULTS DIFFER FROM WHAT THE ESTATE EXPECTS (see ✗ above).'}`);
  }
  if (!result.ok) process.exitCode = ExitCode.CHECK_FAILED;
  if (result.moto) {
    // The JSON on stdout stays one object; the way on goes to stderr.
    const say = options.json ? (line: string) => process.stderr.write(`${line}\n`) : out;
    await keepUntilStopped(result.moto, result.rows[0]?.executionName, say);
  }
}
