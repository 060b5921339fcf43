import type { ScenarioResult } from '../workflows/local/scenario.js';

/** Human-readable summary of one run. */
export function printResult(result: ScenarioResult, failures: string[]): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`${result.scenario}`);
  out(`  execution  ${result.executionName} (${result.status})`);
  out(`  outcome    ${result.outcome}`);
  out(`  policy     ${result.policy}`);
  if (result.intake === 'redelivered') {
    out(`  intake     a redelivery: this finding version already ran here (${[...result.audit].reverse().find((a) => a.outcome)?.outcome ?? 'no outcome recorded'}); Step Functions started nothing, as in AWS`);
  } else {
    out(`  path       ${result.path.join(' → ')}`);
    out(`  counted    ${result.transitions} transitions, ${result.lambdaInvocations} Lambda invocations, ${result.durationMs} ms`);
  }
  // The outcome's note is on the finding, except where none was written back (INVALID): then from the audit.
  const note = result.finding.note ?? (result.intake === 'started' ? outcomeNote(result) : undefined);
  if (result.finding.workflowStatus || note) out(`  finding    ${result.finding.workflowStatus ?? 'unchanged'}: ${note ?? ''}`);
  for (const n of result.notifications) out(`  ${n.topic.padEnd(10)} ${n.subject}`);
  if (failures.length > 0) {
    out('  expectations NOT met:');
    failures.forEach((f) => out(`    ✗ ${f}`));
  }
}

/** The note the outcome record carries (why it ended so), on one line. */
function outcomeNote(result: ScenarioResult): string | undefined {
  const record = [...result.audit].reverse().find((a) => a.outcome);
  const note = (record?.detail as { note?: unknown } | undefined)?.note;
  return typeof note === 'string' ? note.replace(/\s*\n\s*/g, ' ') : record?.outcome;
}

/** A fixed-width table. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
