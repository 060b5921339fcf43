import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../tasks/domain/policy.js';
import { recordBreakerResult } from '../../tasks/store/guardrails.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { useMoto } from '../support/moto.js';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('operator commands against a local endpoint: rectify mode, rectify exemptions', { timeout: 180_000 }, () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  const rectify = (...args: string[]) => exec('npx', ['rectify', ...args, '--endpoint', aws.endpoint], { cwd: ROOT, timeout: 60_000 });

  beforeAll(async () => {
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: DEFAULT_POLICY }); // provisions table and parameter
  });
  afterAll(async () => runtime.stop());

  it('sets and shows the mode, a control setting and the breakers; refuses bad values', async () => {
    // Prepare: a breaker that opened
    for (let i = 0; i < 3; i++) await recordBreakerResult(runtime.resources.tableName, '210987654321', true, new Date(), { window: 10, threshold: 3 });
    // Act
    await rectify('mode', 'set', 'auto');
    await rectify('mode', 'set', 'approve', '--control', 'EC2.19');
    const shown = JSON.parse((await rectify('mode', 'get', '--json')).stdout) as { mode: string; controls: Record<string, string>; breakers: { scope: string; state: string }[] };
    // Assess
    expect(shown.mode).toBe('auto');
    expect(shown.controls).toEqual({ 'EC2.19': 'approve' });
    expect(shown.breakers).toContainEqual(expect.objectContaining({ scope: '210987654321', state: 'OPEN' }));
    await expect(rectify('mode', 'set', 'yolo')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('mode is one of off, dry-run, approve-all, auto') });
    await rectify('mode', 'reset-breaker', '210987654321');
    const after = JSON.parse((await rectify('mode', 'get', '--json')).stdout) as { breakers: unknown[] };
    expect(after.breakers).toEqual([]);
  });

  it('adds, lists and removes register entries; refuses an expiry beyond the maximum', async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await rectify('exemptions', 'add', '--account', '222222222222', '--control', 'S3.8', '--reason', 'public data lake', '--by', 'data team', '--expires', soon);
    const listed = JSON.parse((await rectify('exemptions', 'list', '--json')).stdout) as { scope: string; requestedBy: string }[];
    expect(listed).toEqual([expect.objectContaining({ scope: 'account#222222222222#control#S3.8', requestedBy: 'data team' })]);
    await expect(
      rectify('exemptions', 'add', '--resource', 'arn:aws:s3:::b', '--reason', 'forever please', '--by', 'x', '--expires', '2099-01-01'),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('more than 90 days away') });
    await rectify('exemptions', 'remove', 'account#222222222222#control#S3.8');
    expect((await rectify('exemptions', 'list')).stdout).toContain('no exemptions in the register');
  });
});
