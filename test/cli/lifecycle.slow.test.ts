import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, rectify, ROOT } from './runCli.js';

const exec = promisify(execFile);

/** Processes (the CLI, its moto) whose environment carries this marker; Linux /proc. */
function processesMarked(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`RECTIFY_TEST_MARKER=${marker}`);
      } catch {
        return false; // ended meanwhile, or not ours to read
      }
    })
    .map(Number);
}

/** Wait until no marked process is left; returns those still there after the deadline. */
async function leftOver(marker: string, withinMs = 8_000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  let left = processesMarked(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = processesMarked(marker);
  }
  return left;
}

/** Start `rectify simulate … --decision link`, which waits for a person, and resolve once it does. */
async function waitingSimulation(marker: string) {
  const child = spawn(process.execPath, [BIN, 'simulate', 'scenarios/approved.json', '--decision', 'link'], {
    cwd: ROOT,
    env: { ...process.env, RECTIFY_TEST_MARKER: marker },
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/^APPROVAL_LINK /m.test(stderr)) resolve();
    });
    void exited.then(() => reject(new Error(`exited before waiting for approval: ${stderr}`)));
  });
  return { child, exited };
}

describe('a moto started by the CLI never outlives it', { timeout: 240_000 }, () => {
  it('`rectify test DIR | head -1`: the closed pipe ends the run and its moto', async () => {
    // Prepare
    const marker = randomUUID();
    // Act
    const { stdout } = await exec('sh', ['-c', `"${process.execPath}" "${BIN}" test scenarios | head -1`], {
      cwd: ROOT,
      env: { ...process.env, RECTIFY_TEST_MARKER: marker },
      timeout: 180_000,
    });
    // Assess
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/^✓ approval-timed-out\.json {2}APPROVAL_TIMED_OUT/);
    expect(await leftOver(marker)).toEqual([]);
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal} while a simulation waits for approval: exit ${code}, and its moto is gone`, async () => {
      // Prepare
      const marker = randomUUID();
      const { child, exited } = await waitingSimulation(marker);
      expect(processesMarked(marker).length).toBeGreaterThanOrEqual(2); // the CLI and its moto
      // Act
      child.kill(signal);
      // Assess
      expect(await exited).toBe(code);
      expect(await leftOver(marker)).toEqual([]);
    });
  }
});

describe('local runs write under RECTIFY_HOME, never into the project', { timeout: 180_000 }, () => {
  it('simulate saves its trace in $RECTIFY_HOME/traces and leaves .rectify/ alone', async () => {
    // Prepare
    const home = mkdtempSync(path.join(tmpdir(), 'rectify-home-'));
    const started = Date.now();
    try {
      // Act
      const run = await rectify(['simulate', 'scenarios/dry-run.json', '--json'], { env: { RECTIFY_HOME: home } });
      // Assess
      expect(run.code, run.stderr).toBe(0);
      const { executionName } = JSON.parse(run.stdout) as { executionName: string };
      expect(existsSync(path.join(home, 'traces', `${executionName}.json`))).toBe(true);
      const inProject = path.join(ROOT, '.rectify', 'traces', `${executionName}.json`);
      if (existsSync(inProject)) expect(statSync(inProject).mtimeMs).toBeLessThan(started);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
