/**
 * The mutation check (issue 21): for each playbook, replace its `verify` with one that always
 * answers compliant (test/mutation/verifyAlwaysCompliant.setup.ts) and run the tests that should
 * notice — the playbook's own moto test file and its run with an apply that changes nothing
 * (test/playbooks/verifyCatchesNoop.slow.test.ts). Every playbook's tests must fail under the mutant;
 * a playbook whose tests still pass is reported and the script exits 1.
 *
 *   npm run mutation                      # every playbook
 *   npm run mutation -- kms-enable-key-rotation s3-enable-bucket-versioning
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { allPlaybooks } from '../../tasks/playbooks/registry.js';
import { playbookSources, REPO_ROOT as ROOT } from '../support/playbookSources.js';

interface Target {
  readonly playbookId: string;
  /** The playbook says moto cannot emulate it (`notEmulated`): it has no scenario for the workflow run to mutate. */
  readonly notEmulated: boolean;
  /** `kms/enableKeyRotation`: where the playbook, its test and its scenarios live. */
  readonly module: string;
}

/** The playbooks to mutate: all, or those named. */
function targets(only: readonly string[]): Target[] {
  const all = playbookSources().map(({ playbookId, module, text }) => ({ playbookId, module, notEmulated: /^\s*notEmulated:/m.test(text) }));
  const unknown = only.filter((id) => !all.some((t) => t.playbookId === id));
  if (unknown.length > 0) throw new Error(`no playbook ${unknown.join(', ')}; known: ${all.map((t) => t.playbookId).join(', ')}`);
  return only.length > 0 ? all.filter((t) => only.includes(t.playbookId)) : all;
}

/** Run vitest under the mutant; resolves true when the tests failed (the mutant was caught). */
function caught(target: Target, args: string[]): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['vitest', 'run', '--config', 'vitest.mutation.config.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, RECTIFY_MUTANT_PLAYBOOK: target.playbookId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // "No test files found" or a crash before any test is not a caught mutant.
      if (code !== 0 && !/Tests\s+.*failed/.test(output)) reject(new Error(`vitest did not run the tests of ${target.playbookId}:\n${output.slice(-2000)}`));
      else resolve(code !== 0);
    });
  });
}

interface Row {
  readonly playbookId: string;
  readonly direct: boolean | 'no test file';
  /** `not emulated`: the playbook runs on aws-sdk-client-mock stubs only and has no scenario (docs/writing-a-playbook.md). */
  readonly workflow: boolean | 'not emulated';
}

async function check(target: Target): Promise<Row> {
  const directFile = `test/playbooks/${target.module}.test.ts`;
  const direct = existsSync(path.join(ROOT, directFile)) ? await caught(target, [directFile]) : 'no test file';
  // A playbook moto cannot run end to end (an SSM runbook) has its own workflow test with SSM stubbed.
  // A playbook moto cannot emulate at all has no scenario: its direct test (aws-sdk-client-mock) is the proof.
  if (target.notEmulated) return { playbookId: target.playbookId, direct, workflow: 'not emulated' };
  const workflowFile = `test/playbooks/${target.module}.workflow.test.ts`;
  const notEmulated = allPlaybooks().some((p) => p.id === target.playbookId && p.notEmulated);
  const workflow = existsSync(path.join(ROOT, workflowFile))
    ? await caught(target, [workflowFile])
    : notEmulated
      ? 'not emulated'
      : await caught(target, ['test/playbooks/verifyCatchesNoop.slow.test.ts', '-t', `${target.module}.remediated.scenario.json`]);
  return { playbookId: target.playbookId, direct, workflow };
}

async function main(): Promise<void> {
  const list = targets(process.argv.slice(2));
  const jobs = Math.max(1, Number(process.env.MUTATION_JOBS ?? 2));
  const rows: Row[] = [];
  const queue = [...list];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const row = await check(next);
        rows.push(row);
        const word = (v: boolean | string) => (v === true ? 'caught' : v === false ? 'MISSED' : v);
        process.stdout.write(`${row.playbookId.padEnd(52)} direct: ${word(row.direct).padEnd(12)} workflow: ${word(row.workflow)}\n`);
      }
    }),
  );
  const missed = rows.filter((r) => r.direct !== true || r.workflow === false);
  process.stdout.write(`\n${rows.length - missed.length}/${rows.length} playbooks: their tests fail when verify always answers compliant (${Math.round((Date.now() - started) / 1000)} s)\n`);
  if (missed.length > 0) {
    process.stdout.write(`missed: ${missed.map((r) => r.playbookId).join(', ')}\n`);
    process.exitCode = 1;
  }
}

await main();
