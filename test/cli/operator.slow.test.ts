import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { DEFAULT_POLICY } from '../../tasks/domain/policy.js';
import { readPolicy } from '../../tasks/handlers/loadPolicy.js';
import { listExemptions } from '../../tasks/store/exemptions.js';
import { listBreakers, recordBreakerResult } from '../../tasks/store/guardrails.js';
import { LOCAL_NAMES } from '../../workflows/local/provision.js';
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
      rectify('exemptions', 'add', '--resource', 'arn:aws:s3:::public-site', '--reason', 'forever please', '--by', 'x', '--expires', '2099-01-01'),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('more than 90 days away') });
    await rectify('exemptions', 'remove', 'account#222222222222#control#S3.8');
    expect((await rectify('exemptions', 'list')).stdout).toContain('no exemptions in the register');
  });

  it('normalises a control id typed in another case and refuses unknown ones, naming the nearest; nothing is stored', async () => {
    // Prepare: a key typed by hand in lower case
    const policyNow = () => readPolicy(LOCAL_NAMES.policyParameter);
    const handEdited = { ...(await policyNow()), controls: { 'ec2.19': 'off', 'S3.8': 'approve' } };
    await adminClient(SSMClient).send(new PutParameterCommand({ Name: LOCAL_NAMES.policyParameter, Value: JSON.stringify(handEdited), Type: 'String', Overwrite: true }));
    // Act
    const set = await rectify('mode', 'set', 'approve', '--control', 'ec2.19');
    // Assess: stored under the catalog's spelling, replacing the hand-typed key
    expect(set.stdout).toContain('control EC2.19 set to approve');
    expect((await policyNow()).controls).toEqual({ 'EC2.19': 'approve', 'S3.8': 'approve' });
    const before = await policyNow();
    await expect(rectify('mode', 'set', 'approve', '--control', 'EC2.999')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/"EC2\.999".*did you mean EC2\.19/) });
    await expect(rectify('mode', 'set', 'off', '--control', 'FOO')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('no playbook covers control "FOO"; did you mean') });
    expect(await policyNow()).toEqual(before);
  });

  it('resets only a breaker that is recorded, by account id or "global"', async () => {
    // Prepare
    await recordBreakerResult(runtime.resources.tableName, '333333333333', true, new Date(), { window: 10, threshold: 3 });
    // Act, Assess
    await expect(rectify('mode', 'reset-breaker', '999')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('a 12-digit account id or "global", not "999"') });
    await expect(rectify('mode', 'reset-breaker', '444444444444')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no circuit breaker 444444444444 is recorded, so there is nothing to reset; recorded: 333333333333 (CLOSED)'),
    });
    expect((await listBreakers(runtime.resources.tableName)).map((b) => b.scope)).toContain('333333333333');
    await rectify('mode', 'reset-breaker', '333333333333');
    expect(await listBreakers(runtime.resources.tableName)).toEqual([]);
  });

  it('refuses register entries that could never match a finding, saying what to fix; nothing is stored', async () => {
    // Prepare
    const table = runtime.resources.tableName;
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const add = (...scope: string[]) => rectify('exemptions', 'add', ...scope, '--reason', 'partner VPN', '--by', 'netops', '--expires', soon);
    // Act, Assess
    await expect(add('--resource', 'not-an-arn')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('exemption not added: "not-an-arn" is not an ARN') });
    await expect(add('--resource', 'arn:aws:ec2:us-east-1:222222222222:security-group/default')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('is not a resource ARN Rectify acts on'),
    });
    await expect(add('--account', '222222222222', '--control', 'NOPE.1')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('no playbook covers control "NOPE.1"; did you mean') });
    await expect(add('--control', 'S3.8')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('exemption not added: --control needs --account') });
    await expect(add('--account', '2222')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--account must be a 12-digit AWS account id, not "2222"') });
    await expect(
      rectify('exemptions', 'add', '--account', '222222222222', '--reason', 'ab', '--by', 'netops', '--expires', soon),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('at least 3 characters') });
    expect(await listExemptions(table)).toEqual([]);
  });

  it('stores the canonical scope, and removes an entry by the scope list prints or another spelling of it', async () => {
    // Prepare
    const table = runtime.resources.tableName;
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    // Act
    const added = await rectify('exemptions', 'add', '--account', '222222222222', '--control', ' ec2.18 ', '--reason', 'partner VPN', '--by', 'netops', '--expires', soon);
    await rectify('exemptions', 'add', '--resource', 'arn:aws:s3:::public-site', '--reason', 'static website', '--by', 'web team', '--expires', soon);
    // Assess
    expect(added.stdout).toContain('exemption added: account#222222222222#control#EC2.18');
    expect((await listExemptions(table)).map((e) => e.scope).sort()).toEqual(['account#222222222222#control#EC2.18', 'resource#arn:aws:s3:::public-site']);
    await expect(rectify('exemptions', 'remove', 'account#222222222222#control#EC2.19')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('the register holds: account#222222222222#control#EC2.18, resource#arn:aws:s3:::public-site'),
    });
    expect((await rectify('exemptions', 'remove', 'account#222222222222#control#ec2.18')).stdout).toContain('exemption removed: account#222222222222#control#EC2.18');
    const listed = (await rectify('exemptions', 'list')).stdout.split('\n')[1]!.split(/\s+/)[0]!;
    await rectify('exemptions', 'remove', listed);
    expect(await listExemptions(table)).toEqual([]);
  });
});
