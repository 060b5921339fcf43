import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditEvent, Outcome, StateName } from '../../tasks/domain/constants.js';
import { checkExpectations, loadScenario, runScenario, type ScenarioResult } from '../../workflows/local/scenario.js';
import { useMoto } from '../support/moto.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../scenarios');

/** One run per scenario file, each on a fresh (reset) moto. */
async function run(aws: ReturnType<typeof useMoto>, file: string): Promise<{ result: ScenarioResult; failures: string[] }> {
  await aws.moto.reset();
  const scenario = loadScenario(path.join(SCENARIOS, file));
  const result = await runScenario(scenario, { endpoint: aws.endpoint });
  return { result, failures: checkExpectations(scenario, result) };
}

const events = (result: ScenarioResult) => result.audit.map((a) => a.event);

describe('outcome scenarios against moto (scenarios/*.json)', () => {
  const aws = useMoto();

  it('covers every outcome with at least one scenario (the guardrail ones with their state written in setup)', () => {
    // Prepare
    const expected = readdirSync(SCENARIOS).map((f) => loadScenario(path.join(SCENARIOS, f)).expect?.outcome);
    // Assess
    expect(new Set(expected)).toEqual(new Set(Object.values(Outcome)));
  });

  it('README lists one scenario file per outcome, and only files that exist', () => {
    // Prepare
    const readme = readFileSync(path.join(SCENARIOS, '../README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `(\w+)` \| \[`scenarios\/([\w.-]+\.json)`\]/gm)].map((m) => ({ outcome: m[1], file: m[2] }));
    // Assess
    expect(listed.map((l) => l.outcome).sort()).toEqual(Object.values(Outcome).sort());
    for (const { outcome, file } of listed) expect(loadScenario(path.join(SCENARIOS, file!)).expect?.outcome, file).toBe(outcome);
  });

  it('REMEDIATED (auto): revokes only the world-open SSH rule, resolves the finding, audits every step in order', async () => {
    // Act
    const { result, failures } = await run(aws, 'remediated-auto.json');
    // Assess
    expect(failures).toEqual([]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.finding.workflowStatus).toBe('RESOLVED');
    expect(result.finding.note).toMatch(/^Rectify REMEDIATED by ec2-revoke-world-open-high-risk-ports: .*\[execution EC2-19-a-/);
    expect(events(result)).toEqual([
      AuditEvent.VALIDATED, AuditEvent.POLICY_LOADED, AuditEvent.EXEMPTION_CHECKED, AuditEvent.CLASSIFIED, AuditEvent.GUARDRAILS_CHECKED,
      AuditEvent.PLANNED, AuditEvent.RECHECKED, AuditEvent.SNAPSHOT_TAKEN, AuditEvent.APPLIED, AuditEvent.VERIFIED, AuditEvent.OUTCOME,
    ]);
    expect(result.notifications).toEqual([]);
    expect(result.transitions).toBe(result.path.length);
    expect(result.lambdaInvocations).toBe(7);
  });

  it('DRY_RUN: records the plan it would apply and leaves the bucket as it was', async () => {
    const { result, failures } = await run(aws, 'dry-run.json');
    expect(failures).toEqual([]);
    expect(result.finding.workflowStatus).toBe('NOTIFIED');
    expect(result.finding.note).toContain('dry-run, nothing changed');
    expect(events(result)).not.toContain(AuditEvent.APPLIED);
    const planned = result.audit.find((a) => a.event === AuditEvent.PLANNED);
    expect(planned?.detail).toMatchObject({ dryRun: true });
    expect((planned?.detail as { changes: string[] }).changes.length).toBeGreaterThan(0);
  });

  it('EXEMPT by tag: the note names the tag; the key is not touched', async () => {
    const { result, failures } = await run(aws, 'exempt-tag.json');
    expect(failures).toEqual([]);
    expect(result.finding.note).toContain('rectify:exempt="KMS.4 until:2099-12-31"');
    expect(events(result)).not.toContain(AuditEvent.SNAPSHOT_TAKEN);
  });

  it('an exemption whose until: date passed is ignored, says so, and the key is fixed', async () => {
    const { result, failures } = await run(aws, 'exempt-expired.json');
    expect(failures).toEqual([]);
    const checked = result.audit.find((a) => a.event === AuditEvent.EXEMPTION_CHECKED);
    expect(checked?.detail).toMatchObject({ exempt: false });
    expect(String((checked?.detail as { reason: string }).reason)).toContain('expired on 2020-01-31');
  });

  it('approval: a production bucket waits for a person, the email carries the plan and no task token', async () => {
    const { result, failures } = await run(aws, 'approved.json');
    expect(failures).toEqual([]);
    const approval = result.notifications.find((n) => n.topic === 'approvals');
    expect(approval?.subject).toContain('S3.8');
    expect(approval?.body).toContain('Block Public Access');
    const requested = result.audit.find((a) => a.event === AuditEvent.APPROVAL_REQUESTED);
    expect(requested?.detail).toMatchObject({ risk: 'HIGH' });
    // The token is server-side only: not in any message, link, note or audit record.
    const everything = JSON.stringify({ n: result.notifications, a: result.audit, f: result.finding });
    expect(everything).not.toMatch(/local-[0-9a-f]{8}-/);
    expect(result.audit.find((a) => a.event === AuditEvent.APPROVAL_DECIDED)?.actor).toBe('local approver');
  });

  it('REJECTED: the bucket is unchanged and the finding says who rejected it', async () => {
    const { result, failures } = await run(aws, 'rejected.json');
    expect(failures).toEqual([]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.finding.note).toContain('approval rejected');
    expect(events(result)).not.toContain(AuditEvent.APPLIED);
  });

  it('APPROVAL_TIMED_OUT: escalated, the execution fails with ApprovalTimedOut, nothing changed', async () => {
    const { result, failures } = await run(aws, 'approval-timed-out.json');
    expect(failures).toEqual([]);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ApprovalTimedOut');
    expect(result.notifications.map((n) => n.topic)).toEqual(['approvals', 'escalations']);
    expect(result.finding.workflowStatus).toBe('NOTIFIED');
  });

  it('FAILED_ROLLED_BACK when apply throws: the revoked rule is back, people are told, the execution fails', async () => {
    const { result, failures } = await run(aws, 'failed-apply-rolled-back.json');
    expect(failures).toEqual([]);
    expect(result.error).toBe('RemediationFailed');
    expect(events(result).slice(-3)).toEqual([AuditEvent.REMEDIATION_FAILED, AuditEvent.ROLLED_BACK, AuditEvent.ESCALATED]);
    const escalation = result.notifications.find((n) => n.topic === 'escalations');
    expect(escalation?.subject).toContain('FAILED_ROLLED_BACK');
    expect(escalation?.body).toContain('injected fault: apply failed');
  });

  it('FAILED_ROLLED_BACK when verify keeps failing: Verify is retried with backoff before the rollback', async () => {
    const { result, failures } = await run(aws, 'failed-verify-rolled-back.json');
    expect(failures).toEqual([]);
    const verify = result.trace.steps.find((s) => s.state === 'Verify');
    expect(verify?.retries).toBe(4);
    expect(result.transitions).toBe(result.path.length + 4);
  });

  it('FAILED_ROLLBACK_FAILED: escalated as RollbackFailed with the instruction to restore by hand', async () => {
    const { result, failures } = await run(aws, 'failed-rollback-failed.json');
    expect(failures).toEqual([]);
    expect(result.error).toBe('RollbackFailed');
    expect(result.notifications.find((n) => n.topic === 'escalations')?.body).toContain('Restore it by hand');
  });

  it('NO_PLAYBOOK and POLICY_SKIPPED are recorded without touching anything', async () => {
    for (const file of ['no-playbook.json', 'policy-skipped.json']) {
      const { result, failures } = await run(aws, file);
      expect(failures).toEqual([]);
      expect(result.finding.workflowStatus).toBe('NOTIFIED');
      expect(result.lambdaInvocations).toBe(3);
    }
  });

  it('INVALID: a finding without resources gets a typed error and an audit record, and nothing starts', async () => {
    const { result, failures } = await run(aws, 'invalid.json');
    expect(failures).toEqual([]);
    expect(result.error).toBe('InvalidFinding');
    expect(result.audit).toHaveLength(1);
    expect(result.audit[0]).toMatchObject({ event: AuditEvent.INVALID, outcome: Outcome.INVALID });
    expect(JSON.stringify(result.audit[0]?.error)).toContain('Resources');
  });

  it('cross-account: the change lands in the member account through the assumed role', async () => {
    const { result, failures } = await run(aws, 'cross-account.json');
    expect(failures).toEqual([]);
    expect(result.audit.find((a) => a.event === AuditEvent.APPLIED)?.account).toBe('222222222222');
  });

  it('EC2.18 control parameters: 8443 authorized by the finding stays open; an invalid parameter escalates before any change', async () => {
    // Act
    const { result, failures } = await run(aws, 'ec2-18-authorized-ports.json');
    // Assess
    expect(failures).toEqual([]);
    expect(result.finding.note).toContain("authorized: TCP 80, 443, 8443 (from the finding's control parameters)");

    // Prepare: the same group and finding, with a port Security Hub would never send.
    await aws.moto.reset();
    const scenario = loadScenario(path.join(SCENARIOS, 'ec2-18-authorized-ports.json'));
    const compliance = scenario.finding.Compliance as Record<string, unknown>;
    compliance.SecurityControlParameters = [{ Name: 'authorizedTcpPorts', Value: ['abc'] }];
    // Act
    const invalid = await runScenario(scenario, { endpoint: aws.endpoint });
    // Assess: nothing was snapshotted or changed, and 3389 is still open (the expected state fails).
    expect(invalid.outcome).toBe(Outcome.ESCALATED);
    expect(events(invalid)).not.toContain(AuditEvent.SNAPSHOT_TAKEN);
    expect(invalid.notifications.find((n) => n.topic === 'escalations')?.body).toMatch(
      /InvalidControlParameters.*control parameter "authorizedTcpPorts" = \["abc"\] is not valid/s,
    );
    expect(invalid.path).toContain(StateName.MarkSafetyCheckFailed);
    const stateProblems = checkExpectations(scenario, invalid).filter((p) => p.startsWith('EC2.DescribeSecurityGroupRules: '));
    expect(stateProblems).toHaveLength(1);
    // 3389 is an element the expected list does not name (match), and the forbidden one (absent).
    expect(stateProblems[0]).toMatch(/^EC2\.DescribeSecurityGroupRules: does not match \{"SecurityGroupRules":\[.*8443.*\]\}; still contains \{"SecurityGroupRules":\[\{"IsEgress":false,"FromPort":3389\}\]\}$/);
  });
});
