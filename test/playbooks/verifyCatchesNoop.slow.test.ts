import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import { allPlaybooks } from '../../tasks/playbooks/registry.js';
import { loadScenario, runScenario } from '../../workflows/local/scenario.js';
import { useMoto } from '../support/moto.js';

/**
 * A verify that lies is the worst failure a remediation tool has (DESIGN §5). Every playbook's
 * `*.remediated.scenario.json` is run again with `apply: "skip"`: apply returns without changing
 * anything, so the resource stays non-compliant in moto, the playbook's real verify must say so
 * (Verify retries, then fails), and the workflow rolls back and escalates. A verify that always
 * answers compliant turns this run into REMEDIATED (scripts/mutateVerify.ts proves it does).
 */
function remediatedScenarios(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return remediatedScenarios(full);
    return entry.name.endsWith('.remediated.scenario.json') ? [full] : [];
  });
}

const files = remediatedScenarios(import.meta.dirname).sort();

/** Playbooks proven the same way elsewhere, and why not here. */
const PROVEN_ELSEWHERE: Readonly<Record<string, string>> = {
  // moto has no SSM Automation: a remediated scenario through the real client can only fail.
  'rds-enable-instance-deletion-protection-runbook': 'test/playbooks/rds/enableDeletionProtectionWithRunbook.workflow.test.ts',
};

describe('a real non-compliant answer from every playbook: apply changes nothing, verify says so, the workflow rolls back (moto)', () => {
  const aws = useMoto();

  it('every playbook has a remediated scenario to run', () => {
    const covered = new Set(files.map((file) => loadScenario(file)).map((s) => String((s.finding as { Compliance?: { SecurityControlId?: string } }).Compliance?.SecurityControlId)));
    // A playbook moto cannot emulate (`notEmulated`) proves its verify with aws-sdk-client-mock in its direct test.
    const uncovered = allPlaybooks().filter((p) => !p.notEmulated && !p.controls.some((c) => covered.has(c))).map((p) => p.id);
    expect(uncovered).toEqual(Object.keys(PROVEN_ELSEWHERE));
    for (const file of Object.values(PROVEN_ELSEWHERE)) expect(readFileSync(path.join(import.meta.dirname, '../..', file), 'utf8')).toContain("apply: 'skip'");
  });

  for (const file of files) {
    it(path.relative(import.meta.dirname, file), async () => {
      // Prepare: the scenario as written, with an apply that changes nothing.
      await aws.moto.reset();
      const scenario = loadScenario(file);
      const { expect: _ignored, ...rest } = scenario;
      // Act
      const result = await runScenario({ ...rest, faults: { ...scenario.faults, apply: 'skip' } }, { endpoint: aws.endpoint });
      // Assess: the real verify found the resource non-compliant, retried, and the change was undone.
      expect(result.outcome, `${result.path.join(' → ')}: ${result.cause ?? ''}`).toBe(Outcome.FAILED_ROLLED_BACK);
      const verify = result.trace.steps.filter((s) => s.state === 'Verify');
      expect(verify.length).toBeGreaterThan(0);
      expect(verify.some((s) => (s.retries ?? 0) > 0)).toBe(true);
      expect(result.audit.map((a) => a.event)).toContain(AuditEvent.ROLLED_BACK);
      expect(result.cause ?? '').toMatch(/NotYetCompliant|non-compliant|not compliant|still/i);
    });
  }
});
