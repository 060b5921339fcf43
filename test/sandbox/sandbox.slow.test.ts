import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runSandbox } from '../../workflows/local/sandbox/runSandbox.js';
import { summariseTrace } from '../../workflows/local/trace.js';
import { loadTrace } from '../../workflows/local/traceStore.js';
import { launchChromium, RESULTS_DIR } from '../support/browser.js';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('npm run sandbox', () => {
  it('on a clean copy of the repository (tracked files only), every finding ends as expected and moto agrees', { timeout: 300_000 }, async () => {
    // Prepare: the tracked files as they are now, nothing else (no .rectify state, no build output)
    const clone = mkdtempSync(path.join(tmpdir(), 'rectify-clean-'));
    try {
      const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT }).toString().split('\0').filter(Boolean);
      for (const file of files) {
        mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
        cpSync(path.join(ROOT, file), path.join(clone, file));
      }
      // Dependencies are installed by `npm ci` (CI proves that); link them rather than download again.
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
      // Act
      const { stdout } = await exec('npm', ['run', '--silent', 'sandbox', '--', '--auto-approve', '--json'], { cwd: clone, timeout: 280_000 });
      const result = JSON.parse(stdout) as { ok: boolean; rows: { key: string; expected: string; outcome: string; stateOk: boolean; problems: string[] }[] };
      // Assess
      expect(result.rows.length).toBeGreaterThanOrEqual(8);
      for (const row of result.rows) expect({ key: row.key, outcome: row.outcome, problems: row.problems }).toEqual({ key: row.key, outcome: row.expected, problems: [] });
      expect(result.ok).toBe(true);
      expect(new Set(result.rows.map((r) => r.outcome))).toEqual(new Set(['REMEDIATED', 'EXEMPT', 'FAILED_ROLLED_BACK', 'NO_PLAYBOOK']));
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('waits for a person: the approval page in a browser, then the trace page with the path highlighted', { timeout: 300_000 }, async () => {
    const browser = await launchChromium();
    try {
      // Act: the person opens the emailed link, reads the plan, approves
      let approvalShot = '';
      const result = await runSandbox({
        autoApprove: false,
        onApprovalNeeded: (pending) => {
          void (async () => {
            const page = await browser.newPage();
            await page.goto(pending.link);
            approvalShot = path.join(RESULTS_DIR, 'sandbox-approval-page.png');
            await page.screenshot({ path: approvalShot, fullPage: true });
            await page.fill('#name', 'sandbox evaluator');
            await page.click('button.approve');
            await page.close();
          })();
        },
      });
      // Assess: the run
      expect(result.ok).toBe(true);
      expect(approvalShot).not.toBe('');
      const prod = result.rows.find((r) => r.item.key === 'prod-bucket')!;
      expect(prod.outcome).toBe('REMEDIATED');
      // Assess: its trace page highlights exactly the path the execution took, in order
      const expectedPath = summariseTrace(loadTrace(prod.executionName).execution.events).map((s) => s.state);
      expect(expectedPath).toContain('AwaitApproval');
      const page = await browser.newPage();
      await page.goto(`file://${prod.tracePath}`);
      const highlighted = await page.$$eval('#graph .node.visited', (nodes) =>
        nodes.flatMap((n) => (n.getAttribute('data-order') ?? '').split(',').filter(Boolean).map((o: string) => ({ order: Number(o), state: n.getAttribute('data-state') }))),
      );
      expect(highlighted.sort((a, b) => a.order - b.order).map((h) => h.state)).toEqual(expectedPath);
      expect(await page.$$('#graph .node')).toHaveLength(Object.keys(loadTrace(prod.executionName).definition.States as object).length);
      await page.click('#graph .node[data-state="AwaitApproval"]');
      expect(await page.$eval('details[data-state="AwaitApproval"]', (d) => (d as unknown as { open: boolean }).open)).toBe(true);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'trace-page.png'), fullPage: true });
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
