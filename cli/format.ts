import type { ScenarioResult } from '../workflows/local/scenario.js';

/** Human-readable summary of one run. */
export function printResult(result: ScenarioResult, failures: string[]): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`${result.scenario}`);
  out(`  execution  ${result.executionName} (${result.status})`);
  out(`  outcome    ${result.outcome}`);
  out(`  path       ${result.path.join(' → ')}`);
  out(`  counted    ${result.transitions} transitions, ${result.lambdaInvocations} Lambda invocations, ${result.durationMs} ms`);
  if (result.finding.workflowStatus) out(`  finding    ${result.finding.workflowStatus}: ${result.finding.note ?? ''}`);
  for (const n of result.notifications) out(`  ${n.topic.padEnd(10)} ${n.subject}`);
  if (failures.length > 0) {
    out('  expectations NOT met:');
    failures.forEach((f) => out(`    ✗ ${f}`));
  }
}

/** A fixed-width table. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
