import { isDeepStrictEqual } from 'node:util';
import { GetPublicAccessBlockCommand, S3Client, type PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { FAULT_KINDS, injectSdkFault, recordCalls, type CallName } from '../../workflows/local/sdkFaults.js';
import { findingFor, finished, submit, type Finished } from '../support/findings.js';
import { useMoto } from '../support/moto.js';

const PARTIAL = { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const FAILURES: readonly string[] = [Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED, Outcome.ESCALATED, Outcome.APPROVAL_TIMED_OUT, Outcome.FLAP_GUARDED];
/** The local harness reads emailed links from this queue; it is not part of the workflow. */
const HARNESS_CALLS = new Set(['SQS.ReceiveMessage', 'SQS.DeleteMessageBatch']);
/** The call that changes the bucket: a fault on a call after it meets a change that has landed. */
const THE_CHANGE: CallName = { service: 'S3', command: 'PutPublicAccessBlock' };

const nameOf = (c: CallName) => `${c.service}.${c.command}`;
const callNamed = (name: string): CallName => {
  const [service, command] = name.split('.') as [string, string];
  return { service, command };
};

/** One call to fail: its first occurrence in the run, or its first occurrence after the change. */
interface Case {
  readonly call: string;
  readonly afterChange: boolean;
}

interface Run {
  readonly result: Finished;
  /** The bucket's Block Public Access read from moto just before the finding arrived, and after the execution ended. */
  readonly before: PublicAccessBlockConfiguration | undefined;
  readonly after: PublicAccessBlockConfiguration | undefined;
}

/**
 * Every AWS call one approved, production remediation makes (after intake's StartExecution, to the
 * last record), failed once with each fault kind — and, for a call also made after the change, once
 * more at its first occurrence after it, so rollbacks meet a change that landed. Every fault must be
 * reached. Whatever fails, Rectify must end in a defined outcome, escalate failures, keep the audit
 * trail, and leave the bucket either fixed or exactly as moto read it before the run — never
 * half-changed; a rollback is judged by reading the bucket back, not by the audit's word.
 */
describe('fault injection: every workflow AWS call × throttling, access denied, not found, 5xx', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  let serial = 0;

  beforeAll(async () => {
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: PolicySchema.parse({ mode: 'auto', flapGuard: { maxFixes: 1000, windowDays: 1 } }), approver: () => 'approve', saveTraces: false });
  });
  afterAll(async () => runtime.stop());

  const pabOf = async (bucket: string) => (await adminClient(S3Client).send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration;

  /**
   * One remediation; `arm` starts recording or faulting just before intake and returns what stops it when the execution ends.
   * Each run signs its approval link with a signing key of its own, as a cold start would: the key cache of an earlier
   * run cannot answer, so Secrets Manager's GetSecretValue is reached in every run.
   */
  async function oneRemediation(arm: () => () => void): Promise<Run> {
    const bucket = `fault-matrix-${++serial}`;
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: bucket } });
    await callAws({ service: 'S3', command: 'PutPublicAccessBlock', params: { Bucket: bucket, PublicAccessBlockConfiguration: PARTIAL } });
    await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: bucket, Tagging: { TagSet: [{ Key: 'environment', Value: 'prod' }] } } });
    const secret = (await callAws({ service: 'SecretsManager', command: 'CreateSecret', params: { Name: `rectify/approval-signing-key-${serial}`, SecretString: `fault-matrix-signing-key-${serial}-${'k'.repeat(32)}` } })) as { ARN: string };
    const before = await pabOf(bucket);
    const savedSecret = process.env[TaskEnv.approvalSecretArn];
    process.env[TaskEnv.approvalSecretArn] = secret.ARN;
    const disarm = arm(); // the workflow's calls only: not this setup, not the reads below
    try {
      const [name] = await submit(runtime, findingFor('S3.8', 'AwsS3Bucket', `arn:aws:s3:::${bucket}`));
      await runtime.stepFunctions.byName(name!)!.done;
      disarm();
      return { result: await finished(runtime, name!), before, after: await pabOf(bucket) };
    } finally {
      disarm();
      if (savedSecret === undefined) delete process.env[TaskEnv.approvalSecretArn];
      else process.env[TaskEnv.approvalSecretArn] = savedSecret;
    }
  }

  function invariants({ result, before, after }: Run, faultedCall: string): string[] {
    const problems: string[] = [];
    const events = result.audit.map((a) => a.event);
    const died = events.includes(AuditEvent.EXECUTION_DIED);
    if (result.status === 'RUNNING') problems.push('execution did not end');
    if (result.outcome === 'UNKNOWN' && !died) problems.push('no outcome and no status-rule record');
    // The trail holds every step that completed; when the failed call is the first audit write itself, the escalation is the record.
    const firstWriteFailed = faultedCall === 'DynamoDB.PutItem' && events[0] === AuditEvent.ESCALATED;
    // ValidateFinding re-reads the finding from Security Hub before it validates (decision 008): when that read fails, it cannot validate, and the escalation is the record.
    const hubReadFailed = faultedCall === 'SecurityHub.GetFindings' && events[0] === AuditEvent.ESCALATED && result.outcome === Outcome.ESCALATED;
    if (!events.includes(AuditEvent.VALIDATED) && result.outcome !== Outcome.INVALID && !died && !firstWriteFailed && !hubReadFailed) problems.push('audit trail lacks VALIDATED');
    if (FAILURES.includes(result.outcome) && !events.includes(AuditEvent.ESCALATED) && !died) problems.push(`failure ${result.outcome} not escalated`);

    // The bucket as moto reads it now, against how it read before the run: the truth a rollback is judged by.
    if (!isDeepStrictEqual(before, PARTIAL)) problems.push(`setup: the bucket read ${JSON.stringify(before)} before the run`);
    const fixed = isDeepStrictEqual(after, ALL_ON);
    const asBefore = isDeepStrictEqual(after, before);
    if (!fixed && !asBefore) problems.push(`bucket half-changed: ${JSON.stringify(after)} (before the run: ${JSON.stringify(before)})`);
    if (result.outcome === Outcome.REMEDIATED && !fixed) problems.push(`REMEDIATED but the bucket reads ${JSON.stringify(after)}`);
    const claimsRestored = result.audit.some((a) => a.event === AuditEvent.ROLLED_BACK && (a.detail as { restored?: boolean }).restored === true);
    if (claimsRestored && !events.includes(AuditEvent.SNAPSHOT_TAKEN)) problems.push('restored without a snapshot');
    if ((claimsRestored || result.outcome === Outcome.FAILED_ROLLED_BACK) && !asBefore) problems.push(`${result.outcome}: rolled back, yet the bucket reads ${JSON.stringify(after)}, not ${JSON.stringify(before)}`);
    // Whether or not the trail recorded the change: only REMEDIATED may leave it, or an outcome that says the restore failed.
    if (!asBefore && result.outcome !== Outcome.REMEDIATED && result.outcome !== Outcome.FAILED_ROLLBACK_FAILED && !died) problems.push(`${result.outcome}: the bucket was changed and not rolled back`);
    return problems;
  }

  it('reaches every call and fault, and holds its invariants', { timeout: 600_000 }, async () => {
    // Prepare: the calls of a clean run
    let recording: ReturnType<typeof recordCalls> | undefined;
    const baseline = await oneRemediation(() => {
      recording = recordCalls();
      return recording.stop;
    });
    expect(baseline.result.outcome).toBe(Outcome.REMEDIATED);
    const start = recording!.calls.findIndex((c) => c.service === 'SFN' && c.command === 'StartExecution');
    // After intake's StartExecution (its failure is SQS's to retry: test/handlers/intake.test.ts).
    const sequence = recording!.calls.slice(start + 1).map(nameOf).filter((c) => !HARNESS_CALLS.has(c));
    const change = sequence.indexOf(nameOf(THE_CHANGE));
    expect(change, `the clean run never called ${nameOf(THE_CHANGE)}`).toBeGreaterThan(0);
    const calls = [...new Set(sequence)];
    // A call first made after the change is already met after it by its first-occurrence case.
    const alsoAfterChange = [...new Set(sequence.slice(change + 1))].filter((c) => sequence.indexOf(c) < change);
    const cases: Case[] = [...calls.map((call) => ({ call, afterChange: false })), ...alsoAfterChange.map((call) => ({ call, afterChange: true }))];
    expect(calls.length).toBeGreaterThanOrEqual(12);
    expect(alsoAfterChange).toEqual(expect.arrayContaining(['S3.GetPublicAccessBlock', 'DynamoDB.PutItem'])); // the verify's read, the records after the change

    // Act + Assess: each case, each fault, once
    const report: { call: string; fault: string; fired: number; outcome: string; afterChange: boolean; problems: string[] }[] = [];
    for (const { call, afterChange } of cases) {
      for (const kind of FAULT_KINDS) {
        let fault: ReturnType<typeof injectSdkFault> | undefined;
        const run = await oneRemediation(() => {
          fault = injectSdkFault({ ...callNamed(call), ...(afterChange ? { after: THE_CHANGE } : {}) }, kind);
          return fault.stop;
        });
        const label = afterChange ? `${call} after the change` : call;
        report.push({ call: label, fault: kind, fired: fault!.fired(), outcome: run.result.outcome, afterChange, problems: invariants(run, call) });
      }
    }
    const unreached = report.filter((r) => r.fired !== 1).map((r) => `${r.call} × ${r.fault}: fired ${r.fired} times`);
    expect(unreached, 'every injected fault must be reached exactly once').toEqual([]);
    const broken = report.filter((r) => r.problems.length > 0);
    expect(broken, JSON.stringify(broken, null, 1)).toEqual([]);
    // Rollbacks are tested against a change that reached the bucket (the fault came after it), not only against one that never did.
    const realRollbacks = report.filter((r) => r.afterChange && r.outcome === Outcome.FAILED_ROLLED_BACK);
    expect(realRollbacks.length, 'no case rolled back a change that had reached the bucket').toBeGreaterThan(0);
    console.info(
      `fault matrix: ${report.length} cases ((${calls.length} calls + ${alsoAfterChange.length} after the change) × ${FAULT_KINDS.length} faults), all reached; ` +
        `${realRollbacks.length} rolled back a change that had reached the bucket; outcomes: ${JSON.stringify(report.reduce<Record<string, number>>((m, r) => ((m[r.outcome] = (m[r.outcome] ?? 0) + 1), m), {}))}`,
    );
  });
});
