import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import { cancelPendingApprovals } from '../../tasks/approval/cancelPending.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { listPendingApprovals } from '../../tasks/store/table.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { checkExpectations, loadScenario, runScenario, type ScenarioResult } from '../../workflows/local/scenario.js';
import { findingFor, finished, submit } from '../support/findings.js';
import { useMoto } from '../support/moto.js';

/**
 * The trust rules of DESIGN §2 (issues 12 and 13), each shown end to end against moto: one
 * identity, live facts only, Security Hub's copy of the finding, and the re-check at the moment
 * of change. Every `*.scenario.json` here runs through intake and the workflow, and its AWS state
 * is read back; the tests below assert what the scenario format cannot.
 */
const DIR = import.meta.dirname;
const files = readdirSync(DIR).filter((f) => f.endsWith('.scenario.json')).sort();

describe('trust scenarios (test/trust/*.scenario.json)', () => {
  const aws = useMoto();
  const results = new Map<string, ScenarioResult>();

  for (const file of files) {
    it(file, async () => {
      // Prepare
      await aws.moto.reset();
      const scenario = loadScenario(path.join(DIR, file));
      // Act
      const result = await runScenario(scenario, { endpoint: aws.endpoint });
      results.set(file, result);
      // Assess
      expect(checkExpectations(scenario, result)).toEqual([]);
      // Outcomes that promise no change never applied one.
      const changing: string[] = [Outcome.REMEDIATED, Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED];
      if (!changing.includes(scenario.expect?.outcome ?? '')) expect(result.audit.map((a) => a.event)).not.toContain(AuditEvent.APPLIED);
    });
  }

  it('a changed plan is a new approval: both plans are audited, the second email says why, and only the second plan is applied', () => {
    // Prepare
    const result = results.get('approval-plan-changed.scenario.json');
    expect(result, 'the scenario ran').toBeDefined();
    // Assess
    const events = result!.audit.map((a) => a.event);
    expect(events.filter((e) => e === AuditEvent.APPROVAL_REQUESTED)).toHaveLength(2);
    const changed = result!.audit.find((a) => a.event === AuditEvent.PLAN_CHANGED)!;
    expect(changed.detail).toMatchObject({ approvedBy: 'local approver' });
    const digests = result!.audit.filter((a) => a.event === AuditEvent.APPROVAL_REQUESTED).map((a) => (a.detail as { planDigest: string }).planDigest);
    expect(digests[0]).not.toBe(digests[1]);
    expect((changed.detail as { approvedDigest: string; newDigest: string }).approvedDigest).toBe(digests[0]);
    expect((changed.detail as { newDigest: string }).newDigest).toBe(digests[1]);
    const applied = result!.audit.filter((a) => a.event === AuditEvent.APPLIED);
    expect(applied).toHaveLength(1);
    expect((applied[0]!.detail as { planDigest: string }).planDigest).toBe(digests[1]);
    const emails = result!.notifications.filter((n) => n.topic === 'approvals');
    expect(emails).toHaveLength(2);
    expect(emails[1]!.body).toMatch(/This is a new request: .*plan changed since local approver approved it/);
  });

  it('mode off while waiting: the request is cancelled, the note says why, nothing was snapshotted or changed', () => {
    const result = results.get('approval-mode-off.scenario.json');
    expect(result, 'the scenario ran').toBeDefined();
    expect(result!.finding.note).toMatch(/mode is off \(kill switch\)/);
    expect(result!.audit.map((a) => a.event)).not.toContain(AuditEvent.SNAPSHOT_TAKEN);
  });

  it('a rollback leaves a change made after Rectify\'s own, and escalates with both states', () => {
    const result = results.get('rollback-leaves-a-later-change.scenario.json');
    expect(result, 'the scenario ran').toBeDefined();
    const rolledBack = result!.audit.find((a) => a.event === AuditEvent.ROLLED_BACK)!;
    expect(rolledBack.detail).toMatchObject({ restored: false, current: { RestrictPublicBuckets: false } });
    expect(result!.notifications.find((n) => n.topic === 'escalations')?.body).toMatch(/changed after Rectify's change .*left as it is/);
  });

  it('a setting looser than the control is refused by name: the escalation says what the control requires, and nothing was planned', () => {
    // Prepare
    const result = results.get('loose-playbook-setting.scenario.json');
    expect(result, 'the scenario ran').toBeDefined();
    // Assess
    expect(result!.error).toBe('SafetyCheckFailed');
    expect(result!.cause).toMatch(/InvalidPlaybookSettings/);
    expect(result!.notifications.find((n) => n.topic === 'escalations')?.body).toMatch(/IAM\.3 requires/);
    expect(result!.audit.map((a) => a.event)).not.toContain(AuditEvent.PLANNED);
  });

  it('untrusted products and suppressed findings say why in the note', () => {
    expect(results.get('untrusted-product.scenario.json')?.finding.note).toMatch(/product 123456789012\/default, which the policy does not trust/);
    expect(results.get('suppressed-after-import.scenario.json')?.audit.find((a) => a.event === AuditEvent.POLICY_LOADED)?.detail).toMatchObject({ reason: expect.stringMatching(/SUPPRESSED in Security Hub/) });
  });
});

describe('changes to one resource are serialised across controls (moto)', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      motoEndpoint: aws.endpoint,
      policy: PolicySchema.parse({ mode: 'auto' }),
      approver: () => 'approve',
      // EC2.18's playbook fails after its change (then rolls it back); EC2.19's works.
      faults: { apply: 'throw', playbooks: ['ec2-revoke-world-open-unauthorized-ports'] },
      saveTraces: false,
    });
  });
  afterAll(async () => runtime?.stop());

  it('EC2.18 and EC2.19 findings on one group at once, EC2.18 failing: its rollback never re-opens the SSH that EC2.19 closed', async () => {
    // Prepare: SSH (high-risk, and not authorised), 8443 (not high-risk, not authorised) and HTTPS open to the world.
    const { GroupId } = (await callAws({ service: 'EC2', command: 'CreateSecurityGroup', params: { GroupName: 'shared', Description: 'two controls' } })) as { GroupId: string };
    const open = (port: number) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
    await callAws({ service: 'EC2', command: 'AuthorizeSecurityGroupIngress', params: { GroupId, IpPermissions: [open(22), open(8443), open(443)] } });
    const arn = `arn:aws:ec2:us-east-1:123456789012:security-group/${GroupId}`;
    // Act
    const [unauthorized, highRisk] = await submit(runtime, findingFor('EC2.18', 'AwsEc2SecurityGroup', arn), findingFor('EC2.19', 'AwsEc2SecurityGroup', arn));
    const [a, b] = await Promise.all([finished(runtime, unauthorized!), finished(runtime, highRisk!)]);
    // Assess
    expect(a.outcome).toBe(Outcome.FAILED_ROLLED_BACK);
    expect(b.outcome).toBe(Outcome.REMEDIATED);
    const rules = (await callAws({ service: 'EC2', command: 'DescribeSecurityGroupRules', params: { Filters: [{ Name: 'group-id', Values: [GroupId] }] } })).SecurityGroupRules as { IsEgress: boolean; FromPort: number; CidrIpv4?: string }[];
    const worldOpen = rules.filter((r) => !r.IsEgress && r.CidrIpv4 === '0.0.0.0/0').map((r) => r.FromPort).sort((x, y) => x - y);
    expect(worldOpen).toEqual([443, 8443]);
    // One of them waited for the other: their changes did not overlap.
    const window = (f: typeof a) => {
      const at = f.audit.filter((e) => e.event === AuditEvent.SNAPSHOT_TAKEN || e.event === AuditEvent.OUTCOME || e.event === AuditEvent.ESCALATED).map((e) => Date.parse(e.at));
      return [Math.min(...at), Math.max(...at)] as const;
    };
    const [a0, a1] = window(a);
    const [b0, b1] = window(b);
    expect(a1 <= b0 || b1 <= a0).toBe(true);
  }, 60_000);
});

describe('mode off cancels the approval requests that wait (moto)', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  beforeAll(async () => {
    // Nobody decides: the request waits until the kill switch cancels it.
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: PolicySchema.parse({ mode: 'auto' }), approver: () => 'external', saveTraces: false });
  });
  afterAll(async () => runtime?.stop());

  it('closes each waiting request, ends its execution without a change, and its page says cancelled', async () => {
    // Prepare: a production bucket, so the change waits for a person.
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: 'waiting-prod-bucket' } });
    await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: 'waiting-prod-bucket', Tagging: { TagSet: [{ Key: 'environment', Value: 'prod' }] } } });
    const [name] = await submit(runtime, findingFor('S3.8', 'AwsS3Bucket', 'arn:aws:s3:::waiting-prod-bucket'));
    const table = runtime.resources.tableName;
    // The request is waiting once its email is out.
    let waiting = await listPendingApprovals(table);
    for (let i = 0; i < 100 && !waiting.some((a) => 'emailSentAt' in a); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      waiting = await listPendingApprovals(table);
    }
    expect(waiting).toHaveLength(1);
    const link = await runtime.approvalLink(name!, waiting[0]!.approvalId);

    // Act: what `rectify mode set off` does after writing the mode.
    await callAws({ service: 'SSM', command: 'PutParameter', params: { Name: '/rectify/policy', Type: 'String', Overwrite: true, Value: JSON.stringify({ mode: 'off' }) } });
    const result = await cancelPendingApprovals(table);
    const run = await finished(runtime, name!);

    // Assess
    expect(result).toEqual({ cancelled: [waiting[0]!.approvalId], unreachable: [] });
    expect(run.outcome).toBe(Outcome.POLICY_SKIPPED);
    expect(run.path.at(-1)).toBe('RecordSkippedAtChange');
    expect(run.audit.map((a) => a.event)).not.toContain(AuditEvent.SNAPSHOT_TAKEN);
    expect(await listPendingApprovals(table)).toEqual([]);
    expect(await (await fetch(link)).text()).toContain('data-outcome="cancelled"');
    await expect(callAws({ service: 'S3', command: 'GetPublicAccessBlock', params: { Bucket: 'waiting-prod-bucket' } })).rejects.toThrow();
  }, 60_000);
});
