import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TASK_HANDLERS } from '../../workflows/remediationWorkflow.js';
import { REPO_ROOT, removeOutdirs, tempOutdir, TEST_REGION } from './testApp.js';

/** The CLI as an operator runs it, offline: no instance metadata lookups, a pinned region. */
function cdk(args: string[]) {
  const started = Date.now();
  const result = spawnSync('npx', ['cdk', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, AWS_REGION: TEST_REGION, AWS_EC2_METADATA_DISABLED: 'true', CI: 'true' },
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

interface LambdaJson {
  Type: string;
  Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, string> } };
}

/**
 * Events the bundles must answer without calling AWS: an empty batch for intake; for the approval
 * endpoint, a link whose id is malformed, which it refuses before reading the signing key; for the
 * execution-status rule, a status that needs no record.
 */
const EVENTS: Record<string, unknown> = {
  intake: { Records: [] },
  approval: { httpMethod: 'GET', pathParameters: { id: 'not-an-approval-id' }, queryStringParameters: { exp: '1', sig: 'x' } },
  // A status the rule never sends: answered without reading the table.
  executionStatus: { detail: { executionArn: 'arn:aws:states:us-east-1:111111111111:execution:x:y', name: 'y', status: 'SUCCEEDED' } },
};

/** Import each bundle under Node and call its handler with its event, or one it must reject. */
const LOAD_BUNDLES = `
const results = {};
const events = JSON.parse(process.argv[2]);
for (const [name, file] of JSON.parse(process.argv[1])) {
  const { handler } = await import(file);
  try {
    results[name] = { type: typeof handler, value: await handler(events[name] ?? {}) };
  } catch (error) {
    results[name] = { type: typeof handler, error: error.name };
  }
}
console.log(JSON.stringify(results));
`;

describe('cdk synth (the real CLI, with bundling)', () => {
  afterAll(removeOutdirs);

  it('synthesizes both stacks and bundles every handler as a loadable ESM module', { timeout: 300_000 }, () => {
    // Prepare
    const outdir = tempOutdir();

    // Act
    const synth = cdk(['synth', '--quiet', '-o', outdir]);

    // Assess
    expect(synth.stderr + synth.stdout).not.toMatch(/Error:|ValidationFailed/);
    expect(synth.status).toBe(0);
    console.info(`cdk synth with bundling took ${synth.seconds.toFixed(1)} s`);

    const template = JSON.parse(readFileSync(join(outdir, 'RectifyAdmin.template.json'), 'utf8')) as {
      Resources: Record<string, LambdaJson>;
    };
    const bundles = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => [r.Properties.Environment.Variables.RECTIFY_HANDLER!, join(outdir, `asset.${r.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs')]);
    expect(bundles.map(([name]) => name).sort()).toEqual([...TASK_HANDLERS, 'executionStatus', 'intake', 'approval'].sort());

    const load = spawnSync(process.execPath, ['--input-type=module', '-e', LOAD_BUNDLES, JSON.stringify(bundles), JSON.stringify(EVENTS)], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, RECTIFY_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111111111111:stateMachine:x', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    expect(load.stderr).toBe('');
    const results = JSON.parse(load.stdout) as Record<string, { type: string; error?: string; value?: unknown }>;
    for (const name of TASK_HANDLERS) {
      // Parse at the edge: the bundled handler rejects an empty event with its typed error.
      expect(results[name]).toEqual({ type: 'function', error: 'TaskInputInvalid' });
    }
    expect(results.intake).toEqual({ type: 'function', value: { batchItemFailures: [] } });
    expect(results.executionStatus).toEqual({ type: 'function', value: { recorded: false, reason: 'status SUCCEEDED needs no record' } });
    // A 4xx page, never an exception API Gateway would turn into a bare 502.
    expect(results.approval).toMatchObject({
      type: 'function',
      value: { statusCode: 403, headers: { 'Content-Type': expect.stringMatching(/^text\/html/) }, body: expect.stringMatching(/<html/i) },
    });
  });

  it('fails with the offending key when the rectify context is bad', { timeout: 120_000 }, () => {
    // Act
    const synth = cdk(['synth', '--quiet', '-o', tempOutdir(), '-c', 'rectify={"approvalTimeoutHours":0}']);

    // Assess
    expect(synth.status).not.toBe(0);
    expect(synth.stderr).toContain('rectify.approvalTimeoutHours: Too small');
  });
});
