import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('npx rectify simulate --json', () => {
  it('prints the documented object, counted from the run (its own moto, started and stopped)', async () => {
    // Act
    const { stdout } = await run('npx', ['rectify', 'simulate', 'scenarios/remediated-auto.json', '--json'], { cwd: ROOT, timeout: 120_000 });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    // Assess
    for (const key of ['scenario', 'executionName', 'status', 'outcome', 'path', 'transitions', 'lambdaInvocations', 'finding', 'audit', 'notifications', 'trace']) {
      expect(result, key).toHaveProperty(key);
    }
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'REMEDIATED', finding: { workflowStatus: 'RESOLVED' } });
    const trace = result.trace as { events: { type: string }[]; steps: { state: string }[] };
    expect(result.transitions).toBe(trace.events.filter((e) => e.type === 'StateEntered' || e.type === 'StateRetried').length);
    expect(trace.steps.map((s) => s.state)).toEqual(result.path);
    expect(result.lambdaInvocations).toBe(7);
  });

  it('overrides the mode and the decision from the command line (then the scenario\'s expected REMEDIATED is not met: exit 1)', async () => {
    const failed = await run('npx', ['rectify', 'simulate', 'scenarios/approved.json', '--json', '--decision', 'reject', '--mode', 'approve-all'], { cwd: ROOT, timeout: 120_000 }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(JSON.parse(failed!.stdout)).toMatchObject({ outcome: 'REJECTED' });
    expect(failed!.stderr).toContain('rectify: expectations NOT met: outcome REJECTED, expected REMEDIATED');
  });

  it('fails with a clear message on a bad scenario file', async () => {
    await expect(run('npx', ['rectify', 'simulate', 'package.json'], { cwd: ROOT, timeout: 60_000 })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('not a valid scenario'),
    });
  });
});

describe('npx rectify test', () => {
  it('runs a directory of scenarios and exits non-zero when one does not meet its expectations', async () => {
    const { stdout } = await run('npx', ['rectify', 'test', 'test/cli/fixtures/passing'], { cwd: ROOT, timeout: 120_000 });
    expect(stdout).toMatch(/1 passed, 0 failed/);
    await expect(run('npx', ['rectify', 'test', 'test/cli/fixtures/failing'], { cwd: ROOT, timeout: 120_000 })).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/outcome REMEDIATED, expected EXEMPT[\s\S]*0 passed, 1 failed/),
    });
  });
});

describe('npx rectify simulate --decision link', () => {
  it('prints APPROVAL_LINK on stderr and waits until a person decides through that link', async () => {
    // Prepare
    const { spawn } = await import('node:child_process');
    const { submitApprovalForm } = await import('../../workflows/local/approvalServer.js');
    const child = spawn('npx', ['rectify', 'simulate', 'scenarios/approved.json', '--json', '--decision', 'link'], { cwd: ROOT });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const link = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /^APPROVAL_LINK (\S+)$/m.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`exited before printing a link: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Act: the person opens the link and approves
    const outcome = await submitApprovalForm(link, 'approve', 'cli tester');
    // Assess
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/approvals\/[0-9a-f-]{36}\?exp=\d+&sig=[\w-]+$/);
    expect(outcome).toBe('approved');
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ outcome: 'REMEDIATED' });
  });
});
