import { describe, expect, it } from 'vitest';
import { buildReport } from '../../tasks/report/effectiveness.js';
import { LOCAL_NAMES } from '../../workflows/local/provision.js';
import { useMoto } from '../support/moto.js';
import { rectify } from './runCli.js';

describe('simulate --endpoint keeps the endpoint\'s state', { timeout: 240_000 }, () => {
  const aws = useMoto();

  it('keeps per-control settings made with `mode set`, says which policy it used, and a second run of the same finding is a redelivery', async () => {
    // Prepare: Rectify provisioned at the endpoint by a first run, then an operator's per-control setting
    await aws.moto.reset();
    const first = await rectify(['simulate', 'scenarios/dry-run.json', '--endpoint', aws.endpoint, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'DRY_RUN', intake: 'started', policy: "the scenario's (mode dry-run)" });
    const set = await rectify(['mode', 'set', 'approve', '--control', 'EC2.19', '--endpoint', aws.endpoint]);
    expect(set.code, set.stderr).toBe(0);
    // Act: the same scenario (the same finding version) again
    const again = await rectify(['simulate', 'scenarios/dry-run.json', '--endpoint', aws.endpoint]);
    // Assess: the policy was kept, the redelivery started nothing and says so
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("policy     the endpoint's /rectify/policy (kept), with the scenario's mode dry-run");
    expect(again.stdout).toMatch(/outcome\s+DUPLICATE/);
    expect(again.stdout).toMatch(/intake\s+a redelivery: this finding version already ran here \(DRY_RUN\); Step Functions started nothing, as in AWS/);
    expect(again.stdout).toMatch(/✗ outcome DUPLICATE, expected DRY_RUN: this finding version already ran on this endpoint .* give the finding a new UpdatedAt, or use a fresh endpoint, to run it again/);
    expect(again.stdout).not.toContain('ConditionalCheckFailed');
    const shown = JSON.parse((await rectify(['mode', 'get', '--json', '--endpoint', aws.endpoint])).stdout) as { mode: string; controls: Record<string, string> };
    expect(shown).toMatchObject({ mode: 'dry-run', controls: { 'EC2.19': 'approve' } });
    // One execution ran, so the report counts one
    const report = await buildReport(LOCAL_NAMES.table, new Date(Date.now() - 3_600_000));
    expect(report.executions).toBe(1);
    expect(report.byOutcome).toEqual({ DRY_RUN: 1 });
  });

  it('a scenario whose setup already exists at the endpoint says so and how to start over', async () => {
    // Prepare
    await aws.moto.reset();
    expect((await rectify(['simulate', 'scenarios/remediated-auto.json', '--endpoint', aws.endpoint])).code).toBe(0);
    // Act
    const again = await rectify(['simulate', 'scenarios/remediated-auto.json', '--endpoint', aws.endpoint]);
    // Assess
    expect(again.code).toBe(2);
    expect(again.firstLine).toBe(
      `rectify: setup step 1 (EC2.CreateSecurityGroup) failed: InvalidGroup.Duplicate: The security group 'web' already exists; if this scenario ran on ${aws.endpoint} before, its setup already exists there: run it without --endpoint, or reset that moto (curl -X POST ${aws.endpoint}/moto-api/reset)`,
    );
  });
});
