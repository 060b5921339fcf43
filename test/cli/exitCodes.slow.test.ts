import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../workflows/local/moto.js';
import { useMoto } from '../support/moto.js';
import { rectify, ROOT } from './runCli.js';

const RAW = 'test/cli/fixtures/raw';
const soon = () => new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);

/** An endpoint where nothing listens (a port just freed). */
async function deadEndpoint(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

// README "Exit codes": 0 success, 1 a check failed, 2 usage or input error, 3 endpoint or AWS unreachable or empty.
describe('exit codes and first lines, as README documents them', { timeout: 240_000 }, () => {
  it('simulate: 1 when the expect block is not met, 0 when it is', async () => {
    // Act
    const [failing, passing] = await Promise.all([
      rectify(['simulate', 'test/cli/fixtures/failing/wrong-expectation.json']),
      rectify(['simulate', 'test/cli/fixtures/passing/policy-skipped.json', '--json']),
    ]);
    // Assess
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.stdout).toMatch(/expectations NOT met:\n\s+✗ outcome REMEDIATED, expected EXEMPT/);
    expect(passing.code, passing.stderr).toBe(0);
    expect(JSON.parse(passing.stdout)).toMatchObject({ outcome: 'POLICY_SKIPPED', intake: 'started' });
  });

  it('simulate takes a raw ASFF finding or a one-finding Security Hub event as the finding; refuses two, saying what to do', async () => {
    // Act
    const [finding, event, two] = await Promise.all([
      rectify(['simulate', `${RAW}/asff-finding.json`]),
      rectify(['simulate', `${RAW}/eventbridge-event.json`, '--json']),
      rectify(['simulate', `${RAW}/eventbridge-two-findings.json`]),
    ]);
    // Assess
    expect(finding.code, finding.stderr).toBe(0);
    expect(finding.firstLine).toBe(`${RAW}/asff-finding.json: S3.1 S3 Block Public Access setting should be enabled`);
    expect(finding.stdout).toMatch(/outcome\s+DRY_RUN\n\s+policy\s+the default \(mode dry-run; the scenario sets none\)/);
    expect(event.code, event.stderr).toBe(0);
    expect(JSON.parse(event.stdout)).toMatchObject({ outcome: 'DRY_RUN', status: 'SUCCEEDED' });
    expect(two.code).toBe(2);
    expect(two.firstLine).toBe(
      `rectify: ${RAW}/eventbridge-two-findings.json: holds 2 findings in detail.findings; simulate runs one: save one of them as its own file (or as the "finding" of a scenario)`,
    );
  });

  it('simulate: an INVALID finding shows its reason in human output', async () => {
    // Act
    const run = await rectify(['simulate', 'scenarios/invalid.json']);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/finding\s+NEW: Rectify INVALID: invalid finding: .*not valid ASFF.*at Resources/);
  });

  it('input errors exit 2 and name the fix: a scenario that is no scenario, a file for a directory, a missing path, an unknown option', async () => {
    // Act
    const [notScenario, file, nowhere, missing, option] = await Promise.all([
      rectify(['simulate', 'package.json']),
      rectify(['test', 'scenarios/approved.json']),
      rectify(['test', 'nowhere/']),
      rectify(['simulate', 'nowhere.json']),
      rectify(['simulate', 'scenarios/approved.json', '--nope']),
    ]);
    // Assess
    expect([notScenario.code, file.code, nowhere.code, missing.code, option.code]).toEqual([2, 2, 2, 2, 2]);
    expect(notScenario.firstLine).toMatch(/^rectify: package\.json: not a valid scenario \(.*\)\. A scenario has name, setup, finding and expect \(docs\/scenarios\.md\); a Security Hub finding \(ASFF or OCSF\)/);
    expect(file.firstLine).toBe('rectify: scenarios/approved.json is a file, not a directory: run one scenario with `rectify simulate scenarios/approved.json`');
    expect(nowhere.firstLine).toBe('rectify: nowhere/ does not exist: pass a directory of scenario files, e.g. `rectify test scenarios`');
    expect(missing.firstLine).toBe('rectify: nowhere.json does not exist: give the path of a scenario file, e.g. scenarios/approved.json');
    expect(option.firstLine).toBe("error: unknown option '--nope'");
  });

  it('exemptions add: a short reason names the minimum; --control without --account says how to scope it', async () => {
    // Prepare: validation happens before anything is read, so no endpoint needs to answer
    const endpoint = await deadEndpoint();
    const add = (...args: string[]) => rectify(['exemptions', 'add', ...args, '--by', 'netops', '--expires', soon(), '--endpoint', endpoint]);
    // Act
    const [short, control] = await Promise.all([add('--account', '222222222222', '--reason', 'ab'), add('--control', 'EC2.19', '--reason', 'partner VPN')]);
    // Assess
    expect(short.code).toBe(2);
    expect(short.firstLine).toBe('rectify: exemption not added: --reason: say why the exemption is needed, in at least 3 characters');
    expect(control.code).toBe(2);
    expect(control.firstLine).toBe(
      'rectify: exemption not added: --control needs --account: a control is exempted in one account (--account 222222222222 --control EC2.19); a --resource exemption already covers every control',
    );
  });

  it('an endpoint where nothing listens exits 3 and says how to start moto (no raw ECONNREFUSED)', async () => {
    // Prepare
    const endpoint = await deadEndpoint();
    // Act
    const [modeGet, simulate, test] = await Promise.all([
      rectify(['mode', 'get', '--endpoint', endpoint]),
      rectify(['simulate', 'scenarios/dry-run.json', '--endpoint', endpoint]),
      rectify(['test', 'test/cli/fixtures/passing', '--endpoint', endpoint]),
    ]);
    // Assess
    for (const run of [modeGet, simulate, test]) {
      expect(run.code, run.stderr).toBe(3);
      expect(run.firstLine).toBe(
        `rectify: cannot reach ${endpoint} (ECONNREFUSED): is moto running there? start one with \`npm run sandbox -- --keep\` (it prints its endpoint) or \`python3 -m moto.server -p 5000\``,
      );
    }
  });

  it('--version prints the package version and exits 0', async () => {
    // Prepare
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    // Act
    const run = await rectify(['--version']);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it('sandbox stop with no kept sandbox exits 2 and says how to keep one', async () => {
    const run = await rectify(['sandbox', 'stop']);
    expect(run.code).toBe(2);
    expect(run.firstLine).toMatch(/^rectify: no kept sandbox is recorded in .*: start one with `npm run sandbox -- --keep`$/);
  });

  describe('against a moto that holds no Rectify state', () => {
    const aws = useMoto();

    it('mode get, report and exemptions list exit 3 and say how to provision it', async () => {
      // Act
      const runs = await Promise.all([
        rectify(['mode', 'get', '--endpoint', aws.endpoint]),
        rectify(['report', '--endpoint', aws.endpoint]),
        rectify(['exemptions', 'list', '--endpoint', aws.endpoint]),
      ]);
      // Assess
      const provision = 'this moto holds no Rectify state; provision it first: `npm run sandbox -- --keep`, or `npx rectify simulate scenarios/dry-run.json --endpoint URL`';
      expect(runs.map((r) => r.code)).toEqual([3, 3, 3]);
      expect(runs[0]!.firstLine).toBe(`rectify: no policy parameter /rectify/policy at ${aws.endpoint}: ${provision}`);
      expect(runs[1]!.firstLine).toBe(`rectify: no table rectify-local at ${aws.endpoint}: ${provision}`);
      expect(runs[2]!.firstLine).toBe(`rectify: no table rectify-local at ${aws.endpoint}: ${provision}`);
    });
  });
});
