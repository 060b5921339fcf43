import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, rectify, ROOT } from '../cli/runCli.js';

/** Whether anything answers at the endpoint. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm run sandbox -- --keep', () => {
  it('leaves moto running with the estate, prints the endpoint and the next commands; they work; `sandbox stop` ends it', { timeout: 420_000 }, async () => {
    // Prepare: its own home, so `sandbox stop` finds this sandbox and no other
    const home = mkdtempSync(path.join(tmpdir(), 'rectify-keep-'));
    const env = { ...process.env, RECTIFY_HOME: home };
    const sandbox = spawn(process.execPath, [BIN, 'sandbox', '--keep', '--auto-approve'], { cwd: ROOT, env });
    const exited = new Promise<number | null>((resolve) => sandbox.on('exit', (code) => resolve(code)));
    try {
      // Act: wait for the way on
      let stdout = '';
      let stderr = '';
      sandbox.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const endpoint = await new Promise<string>((resolve, reject) => {
        sandbox.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /^moto keeps running at (http:\/\/127\.0\.0\.1:\d+) with the estate's state\. Try:$/m.exec(stdout);
          if (match && stdout.includes('npx rectify sandbox stop')) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`sandbox exited (${code}) before keeping moto: ${stdout}\n${stderr}`)));
      });
      // Assess: the commands it prints, exactly
      for (const command of [
        `npx rectify mode get --endpoint ${endpoint}`,
        `npx rectify exemptions list --endpoint ${endpoint}`,
        `npx rectify report --html report.html --endpoint ${endpoint}`,
      ]) {
        expect(stdout).toContain(`  ${command}\n`);
      }
      expect(stdout).toMatch(/^ {2}npx rectify trace [\w-]+$/m);
      // Act: explore the kept state
      const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      const set = await rectify(['mode', 'set', 'approve', '--control', 'EC2.19', '--endpoint', endpoint], { env });
      const added = await rectify(['exemptions', 'add', '--account', '222222222222', '--control', 'S3.8', '--reason', 'public data lake', '--by', 'data team', '--expires', soon, '--endpoint', endpoint], { env });
      const report = await rectify(['report', '--json', '--endpoint', endpoint], { env });
      const shown = await rectify(['mode', 'get', '--json', '--endpoint', endpoint], { env });
      // Assess: the estate's runs are there, and the changes were kept
      expect([set.code, added.code, report.code, shown.code], `${set.stderr}${added.stderr}${report.stderr}${shown.stderr}`).toEqual([0, 0, 0, 0]);
      expect(added.stdout).toContain('exemption added: account#222222222222#control#S3.8');
      const summary = JSON.parse(report.stdout) as { executions: number; byOutcome: Record<string, number> };
      expect(summary.executions).toBe(9);
      expect(summary.byOutcome.REMEDIATED).toBeGreaterThan(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ mode: 'auto', controls: { 'EC2.19': 'approve' } });
      // Act: stop it
      const stop = await rectify(['sandbox', 'stop'], { env });
      // Assess: stopped cleanly, and moto is gone
      expect(stop.code, stop.stderr).toBe(0);
      expect(stop.stdout).toBe(`sandbox stopped: moto at ${endpoint} is gone\n`);
      expect(await exited).toBe(0);
      expect(await answers(endpoint)).toBe(false);
    } finally {
      if (sandbox.exitCode === null) sandbox.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
