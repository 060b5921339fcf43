import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsSchema } from '../../bench/results.js';
import { deployableHandlers } from '../../bench/coldStart.js';
import { Outcome } from '../../tasks/domain/constants.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Run a command to its end; resolves with the exit code and the end of its output. */
function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run bench -- --quick (smoke)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rectify-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and writes every section with sane, non-negative figures', async () => {
    // Prepare: a separate results file, so the published bench/results.json is left alone.
    const out = path.join(dir, 'results.json');
    // Act
    const { code, output } = await run('npm', ['run', 'bench', '--', '--quick', '--out', out]);
    // Assess: the schema requires every section and rejects negative or non-finite numbers.
    expect(code, output).toBe(0);
    const results = ResultsSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(results.mode).toBe('quick');
    expect(results.costModel.paths.map((p) => p.outcome)).toEqual([
      Outcome.REMEDIATED, Outcome.REMEDIATED, Outcome.DRY_RUN, Outcome.EXEMPT, Outcome.FAILED_ROLLED_BACK,
    ]);
    for (const p of results.costModel.paths) {
      expect(p.transitions).toBeGreaterThanOrEqual(p.lambdaInvocations);
      expect(p.auditPutItems).toBeGreaterThan(0);
      expect(p.dynamoDb.writeRequests).toBeGreaterThanOrEqual(p.auditPutItems);
      expect(p.usdPer1000.total).toBeGreaterThan(0);
    }
    const { storm } = results;
    expect(storm.findingsDelivered).toBeGreaterThan(0);
    expect(storm.executionsStarted).toBeGreaterThan(0);
    expect(storm.executionsStarted + storm.redeliveriesAbsorbed).toBe(storm.findingsDelivered);
    expect(Object.values(storm.outcomes).reduce((a, b) => a + b, 0)).toBe(storm.executionsStarted);
    expect(storm.duplicateRemediations).toBe(0);
    expect(storm.executionsWithoutOutcomeRecord).toBe(0);
    expect(results.coldStart.bundles.map((b) => b.handler)).toEqual(deployableHandlers());
    for (const bundle of results.coldStart.bundles) expect(bundle.bytes).toBeGreaterThanOrEqual(bundle.coldBytes);
    expect(results.coldStart.synthetic.realPlaybooks).toBeGreaterThan(0);
    expect(results.coldStart.synthetic.playbooks).toBe(3 * results.coldStart.synthetic.realPlaybooks);
    expect(results.coldStart.bundles.filter((b) => b.onDemand).map((b) => b.handler)).toEqual(results.coldStart.synthetic.bundles.filter((b) => b.onDemand).map((b) => b.handler));
    expect(output).toContain('Cost per 1,000 findings');
    expect(output).toContain('synthetic catalog');
    // A generous limit, not a timing assertion: the quick run takes about 2–3 minutes, more on a loaded machine.
  }, 480_000);
});
