import { GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { FAULT_KINDS, injectSdkFault, recordCalls } from '../../workflows/local/sdkFaults.js';
import { findingFor, finished, submit, type Finished } from '../support/findings.js';
import { useMoto } from '../support/moto.js';

const PARTIAL = { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const FAILURES: readonly string[] = [Outcome.FAILED_ROLLED_BACK, Outcome.FAILED_ROLLBACK_FAILED, Outcome.ESCALATED, Outcome.APPROVAL_TIMED_OUT, Outcome.FLAP_GUARDED];
/** The local harness reads emailed links from this queue; it is not part of the workflow. */
const HARNESS_CALLS = new Set(['SQS.ReceiveMessage', 'SQS.DeleteMessageBatch']);

/**
 * Every AWS call one approved, production remediation makes (after intake's StartExecution, to the
 * last record), failed once with each fault kind. Whatever fails, Rectify must end in a defined
 * outcome, restore exactly when it changed something, escalate failures, keep the audit trail,
 * and leave the bucket either fixed or as it was — never half-changed.
 */
describe('fault injection: every workflow AWS call × throttling, access denied, not found, 5xx', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  let serial = 0;

  beforeAll(async () => {
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: PolicySchema.parse({ mode: 'auto', flapGuard: { maxFixes: 1000, windowDays: 1 } }), approver: () => 'approve', saveTraces: false });
  });
  afterAll(async () => runtime.stop());

  /** One remediation; `arm` starts recording or faulting just before intake and returns what stops it when the execution ends. */
  async function oneRemediation(arm: () => () => void): Promise<{ result: Finished; bucket: string }> {
    const bucket = `fault-matrix-${++serial}`;
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: bucket } });
    await callAws({ service: 'S3', command: 'PutPublicAccessBlock', params: { Bucket: bucket, PublicAccessBlockConfiguration: PARTIAL } });
    await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: bucket, Tagging: { TagSet: [{ Key: 'environment', Value: 'prod' }] } } });
    const disarm = arm(); // the workflow's calls only: not this setup, not the reads below
    try {
      const [name] = await submit(runtime, findingFor('S3.8', 'AwsS3Bucket', `arn:aws:s3:::${bucket}`));
      await runtime.stepFunctions.byName(name!)!.done;
      disarm();
      return { result: await finished(runtime, name!), bucket };
    } finally {
      disarm();
    }
  }

  function invariants(result: Finished, pab: unknown, faultedCall: string): string[] {
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
    const snapshotTaken = events.includes(AuditEvent.SNAPSHOT_TAKEN);
    const changed = events.includes(AuditEvent.APPLIED) || events.includes(AuditEvent.REMEDIATION_FAILED);
    const restored = result.audit.some((a) => a.event === AuditEvent.ROLLED_BACK && (a.detail as { restored?: boolean }).restored === true);
    if (changed && result.outcome !== Outcome.REMEDIATED && !restored && result.outcome !== Outcome.FAILED_ROLLBACK_FAILED && !died) problems.push('a change was made and not rolled back');
    if (restored && !snapshotTaken) problems.push('restored without a snapshot');
    if (FAILURES.includes(result.outcome) && !events.includes(AuditEvent.ESCALATED) && !died) problems.push(`failure ${result.outcome} not escalated`);
    const fixed = JSON.stringify(pab) === JSON.stringify(ALL_ON);
    const untouched = JSON.stringify(pab) === JSON.stringify(PARTIAL);
    if (!fixed && !untouched) problems.push(`bucket half-changed: ${JSON.stringify(pab)}`);
    if (result.outcome === Outcome.REMEDIATED && !fixed) problems.push('REMEDIATED but not fixed');
    return problems;
  }

  it('holds its invariants for every call and fault', { timeout: 600_000 }, async () => {
    // Prepare: the calls of a clean run
    let recording: ReturnType<typeof recordCalls> | undefined;
    const baseline = await oneRemediation(() => {
      recording = recordCalls();
      return recording.stop;
    });
    expect(baseline.result.outcome).toBe(Outcome.REMEDIATED);
    const start = recording!.calls.findIndex((c) => c.service === 'SFN' && c.command === 'StartExecution');
    // After intake's StartExecution (its failure is SQS's to retry: test/handlers/intake.test.ts).
    const calls = [...new Map(recording!.calls.slice(start + 1).map((c) => [`${c.service}.${c.command}`, c])).keys()].filter((c) => !HARNESS_CALLS.has(c));
    expect(calls.length).toBeGreaterThanOrEqual(12);

    // Act + Assess: each call, each fault, once
    const report: { call: string; fault: string; fired: number; outcome: string; problems: string[] }[] = [];
    for (const call of calls) {
      const [service, command] = call.split('.') as [string, string];
      for (const kind of FAULT_KINDS) {
        let fault: ReturnType<typeof injectSdkFault> | undefined;
        const run = await oneRemediation(() => {
          fault = injectSdkFault({ service, command }, kind);
          return fault.stop;
        });
        const pab = (await adminClient(S3Client).send(new GetPublicAccessBlockCommand({ Bucket: run.bucket }))).PublicAccessBlockConfiguration;
        report.push({ call, fault: kind, fired: fault!.fired(), outcome: run.result.outcome, problems: invariants(run.result, pab, call) });
      }
    }
    const broken = report.filter((r) => r.problems.length > 0);
    expect(broken, JSON.stringify(broken, null, 1)).toEqual([]);
    const reached = report.filter((r) => r.fired > 0);
    // Calls answered from a cache after the first run (the signing key) cannot be reached again; most must be.
    expect(reached.length).toBeGreaterThanOrEqual(report.length * 0.8);
    console.info(`fault matrix: ${report.length} cases (${calls.length} calls × ${FAULT_KINDS.length} faults), ${reached.length} reached; outcomes: ${JSON.stringify(report.reduce<Record<string, number>>((m, r) => ((m[r.outcome] = (m[r.outcome] ?? 0) + 1), m), {}))}`);
  });
});
