import { GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { Outcome, StateName } from '../../tasks/domain/constants.js';
import { PolicySchema, type Policy } from '../../tasks/domain/policy.js';
import { putExemption } from '../../tasks/store/exemptions.js';
import { resetBreaker } from '../../tasks/store/guardrails.js';
import { callAws } from '../../workflows/local/awsCall.js';
import type { Faults } from '../../workflows/local/faults.js';
import { LOCAL_NAMES } from '../../workflows/local/provision.js';
import { LocalRuntime, type ApprovalChoice, type PendingApproval } from '../../workflows/local/runtime.js';
import { findingFor, finished, runOneByOne, submit } from '../support/findings.js';
import { useMoto } from '../support/moto.js';
import { waitFor } from '../support/waitFor.js';

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const OPEN = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

describe('oversight guardrails against moto', () => {
  const aws = useMoto();
  let runtime: LocalRuntime | undefined;
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  async function start(policy: Partial<Policy> & object, options: { faults?: Faults; approver?: (p: PendingApproval) => ApprovalChoice | 'external' } = {}) {
    runtime = await LocalRuntime.start({
      motoEndpoint: aws.endpoint,
      policy: PolicySchema.parse({ mode: 'auto', ...policy }),
      ...(options.faults ? { faults: options.faults } : {}),
      approver: options.approver ?? (() => 'approve'),
    });
    return runtime;
  }

  async function bucket(name: string, pab = OPEN, tags: Record<string, string> = {}) {
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: name } });
    await callAws({ service: 'S3', command: 'PutPublicAccessBlock', params: { Bucket: name, PublicAccessBlockConfiguration: pab } });
    if (Object.keys(tags).length > 0) {
      await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: name, Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } } });
    }
    return findingArgs(name);
  }
  const findingArgs = (name: string) => ['S3.8', 'AwsS3Bucket', `arn:aws:s3:::${name}`] as const;
  const pabOf = async (name: string) => (await adminClient(S3Client).send(new GetPublicAccessBlockCommand({ Bucket: name }))).PublicAccessBlockConfiguration;
  const escalations = async () => (await runtime!.collectNotifications()).filter((n) => n.topic === 'escalations');

  it('kill switch: mode off set mid-storm stops every remediation that starts after it', async () => {
    // Prepare
    await aws.moto.reset();
    const rt = await start({});
    const names = ['storm-1', 'storm-2', 'storm-3', 'storm-4'];
    for (const n of names) await bucket(n);
    // Act: two are fixed, then the operator flips the switch
    const before = await runOneByOne(rt, ...names.slice(0, 2).map((n) => findingFor(...findingArgs(n))));
    await adminClient(SSMClient).send(new PutParameterCommand({ Name: LOCAL_NAMES.policyParameter, Value: JSON.stringify(PolicySchema.parse({ mode: 'off' })), Overwrite: true, Type: 'String' }));
    const after = await runOneByOne(rt, ...names.slice(2).map((n) => findingFor(...findingArgs(n))));
    // Assess
    expect(before.map((r) => r.outcome)).toEqual([Outcome.REMEDIATED, Outcome.REMEDIATED]);
    expect(after.map((r) => r.outcome)).toEqual([Outcome.POLICY_SKIPPED, Outcome.POLICY_SKIPPED]);
    expect(await pabOf('storm-3')).toEqual(OPEN);
    expect(await pabOf('storm-4')).toEqual(OPEN);
  });

  it('a control set off is skipped while others are still fixed', async () => {
    await aws.moto.reset();
    const rt = await start({ controls: { 'S3.8': 'off' } });
    await bucket('control-off');
    const key = await callAws({ service: 'KMS', command: 'CreateKey', params: {} }) as { KeyMetadata: { Arn: string; KeyId: string } };
    const [s3, kms] = await runOneByOne(rt, findingFor(...findingArgs('control-off')), findingFor('KMS.4', 'AwsKmsKey', key.KeyMetadata.Arn));
    expect(s3?.outcome).toBe(Outcome.POLICY_SKIPPED);
    expect(kms?.outcome).toBe(Outcome.REMEDIATED);
    expect((await adminClient(KMSClient).send(new GetKeyRotationStatusCommand({ KeyId: key.KeyMetadata.KeyId }))).KeyRotationEnabled).toBe(true);
  });

  it('exemption register: an active entry exempts (source named); an expired one is ignored and the note says so', async () => {
    await aws.moto.reset();
    const rt = await start({});
    await bucket('registered');
    await bucket('registered-expired');
    const table = rt.resources.tableName;
    await putExemption(table, { resourceArn: 'arn:aws:s3:::registered', reason: 'public website until migration', requestedBy: 'web team', expiresOn: '2099-01-01' });
    await putExemption(table, { resourceArn: 'arn:aws:s3:::registered-expired', reason: 'old waiver', requestedBy: 'web team', expiresOn: '2020-01-01' });
    const [active, expired] = await runOneByOne(rt, findingFor(...findingArgs('registered')), findingFor(...findingArgs('registered-expired')));
    expect(active?.outcome).toBe(Outcome.EXEMPT);
    const exemption = active?.audit.find((a) => a.event === 'EXEMPTION_CHECKED')?.detail as { source: string; reason: string };
    expect(exemption).toMatchObject({ source: 'register' });
    expect(exemption.reason).toContain('by web team: "public website until migration"');
    expect(expired?.outcome).toBe(Outcome.REMEDIATED);
    expect(JSON.stringify(expired?.audit)).toContain('expired on 2020-01-01; ignored');
    expect(await pabOf('registered')).toEqual(OPEN);
  });

  it('blast-radius budget: the N+1-th automatic change in an hour waits for approval, and the alert goes out once', async () => {
    await aws.moto.reset();
    const rt = await start({ budgetPerAccountPerHour: 2 });
    const names = ['budget-1', 'budget-2', 'budget-3', 'budget-4'];
    for (const n of names) await bucket(n);
    const results = await runOneByOne(rt, ...names.map((n) => findingFor(...findingArgs(n))));
    expect(results.map((r) => r.outcome)).toEqual(names.map(() => Outcome.REMEDIATED));
    expect(results.map((r) => r.path.includes('AwaitApproval'))).toEqual([false, false, true, true]);
    const alerts = (await escalations()).filter((n) => n.subject.includes('Blast-radius budget'));
    expect(alerts).toHaveLength(1);
  });

  it('circuit breaker: opens after induced failures (alert), pauses automation to approval, closes after reset', async () => {
    await aws.moto.reset();
    const policy = { circuitBreaker: { window: 5, threshold: 2 } };
    // Prepare: two remediations fail and roll back
    let rt = await start(policy, { faults: { apply: 'throw' } });
    for (const n of ['breaker-1', 'breaker-2', 'breaker-3', 'breaker-4']) await bucket(n);
    const failures = await runOneByOne(rt, findingFor(...findingArgs('breaker-1')), findingFor(...findingArgs('breaker-2')));
    expect(failures.map((r) => r.outcome)).toEqual([Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLED_BACK]);
    expect((await escalations()).filter((n) => n.subject.includes('Circuit breaker open'))).toHaveLength(2); // account and global
    await rt.stop();
    // Act: the next finding, without faults, must wait for a person
    rt = await start(policy);
    const [paused] = await runOneByOne(rt, findingFor(...findingArgs('breaker-3')));
    expect(paused?.path).toContain('AwaitApproval');
    // Act: an operator resets the breaker; automation resumes
    await resetBreaker(rt.resources.tableName, '123456789012');
    await resetBreaker(rt.resources.tableName, 'global');
    const [resumed] = await runOneByOne(rt, findingFor(...findingArgs('breaker-4')));
    expect(resumed?.outcome).toBe(Outcome.REMEDIATED);
    expect(resumed?.path).not.toContain('AwaitApproval');
  });

  it('flap guard: the fourth fix of the same resource in a week is refused and the owner is told to fix the source', async () => {
    await aws.moto.reset();
    const rt = await start({});
    await bucket('flapping');
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      // Something (an IaC pipeline) turns the protection off again between fixes.
      await callAws({ service: 'S3', command: 'PutPublicAccessBlock', params: { Bucket: 'flapping', PublicAccessBlockConfiguration: OPEN } });
      const [result] = await runOneByOne(rt, findingFor(...findingArgs('flapping')));
      outcomes.push(result!.outcome);
    }
    expect(outcomes).toEqual([Outcome.REMEDIATED, Outcome.REMEDIATED, Outcome.REMEDIATED, Outcome.FLAP_GUARDED]);
    expect(await pabOf('flapping')).toEqual(OPEN);
    const told = (await escalations()).find((n) => n.subject.includes('FLAP_GUARDED'));
    expect(told?.body).toContain('fix the source');
  });

  it('dedupe: two findings on the same resource produce one change; the second is recorded as a duplicate', async () => {
    await aws.moto.reset();
    const waiting: PendingApproval[] = [];
    const rt = await start({}, { approver: (p) => (waiting.push(p), 'external') });
    await bucket('shared-bucket', OPEN, { environment: 'prod' }); // production: the first waits for approval, in flight
    const [first] = await submit(rt, findingFor(...findingArgs('shared-bucket'), { id: 'finding-from-standard-a' }));
    const asked = (name: string) => waiting.find((p) => p.executionName === name);
    const pathOf = (name: string) => (rt.stepFunctions.byName(name)?.events ?? []).filter((e) => e.type === 'StateEntered').map((e) => e.state);
    /** An execution's status and the states it entered, for a failure message. */
    const where = (name: string) => `${name} is ${rt.stepFunctions.byName(name)?.status ?? 'not started'} after ${pathOf(name).join(' → ')}`;
    // The first must be in flight, waiting for a person, before the second arrives: that is what makes the second a duplicate.
    const request = await waitFor(`the approval request of ${first} (a production bucket)`, () => {
      if (rt.stepFunctions.byName(first!)?.status !== 'RUNNING') throw new Error(`${first} ended without asking for approval: ${where(first!)}`);
      return asked(first!);
    }, { timeoutMs: 20_000, state: () => where(first!) });
    const [second] = await submit(rt, findingFor(...findingArgs('shared-bucket'), { id: 'finding-from-standard-b' }));
    // The duplicate ends on its own: it never asks for approval, and never waits for the first.
    await waitFor(`${second} to end as a duplicate`, () => {
      const path = pathOf(second!);
      const next = path[path.indexOf(StateName.HowToProceed) + 1];
      if (path.includes(StateName.HowToProceed) && next !== undefined && next !== StateName.RecordDuplicate) throw new Error(`${second} went on to ${next}: it was not recognised as a duplicate of ${first} (${where(second!)})`);
      if (asked(second!)) throw new Error(`${second} asked for approval: it was not recognised as a duplicate of ${first}`);
      return rt.stepFunctions.byName(second!)?.status === 'RUNNING' ? undefined : true;
    }, { timeoutMs: 20_000, state: () => where(second!) });
    const duplicate = await finished(rt, second!);
    expect(duplicate.outcome).toBe(Outcome.DUPLICATE);
    expect(waiting.map((p) => p.executionName)).toEqual([first]);
    await rt.decide(request, 'approve');
    const fixed = await finished(rt, first!);
    expect(fixed.outcome).toBe(Outcome.REMEDIATED);
    expect(await pabOf('shared-bucket')).toEqual(ALL_ON);
    const applied = [duplicate, fixed].flatMap((r) => r.audit.filter((a) => a.event === 'APPLIED'));
    expect(applied).toHaveLength(1);
  });

  it('fails closed: tags that cannot be read escalate and leave the resource unchanged', async () => {
    await aws.moto.reset();
    const rt = await start({}, { faults: { tags: 'deny' } });
    await bucket('unreadable-tags');
    const [result] = await runOneByOne(rt, findingFor(...findingArgs('unreadable-tags')));
    expect(result?.outcome).toBe(Outcome.ESCALATED);
    expect(result?.error).toBe('SafetyCheckFailed');
    expect(await pabOf('unreadable-tags')).toEqual(OPEN);
    const escalation = (await escalations()).find((n) => n.subject.includes('ESCALATED'));
    expect(escalation?.body).toContain('AccessDeniedException');
  });
});
