import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { findingFor, finished, submit } from '../support/findings.js';
import { useMoto } from '../support/moto.js';

/**
 * The scripted approver finds each approval's link in the emails the runtime drains from one queue.
 * Drains that overlapped could hide one execution's email from another (the storm saw 2 of 137
 * approvals fail `LocalApproverFailed`).
 */
describe('local approver under concurrent approvals (moto)', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      motoEndpoint: aws.endpoint,
      policy: PolicySchema.parse({ mode: 'approve-all' }),
      approver: () => 'approve',
      saveTraces: false,
    });
  });
  afterAll(async () => runtime?.stop());

  it('finds every approval link when 16 executions ask at once', async () => {
    // Prepare: 16 buckets without a public access block, all needing approval.
    const buckets = Array.from({ length: 16 }, (_, i) => `concurrent-approval-${i}`);
    for (const bucket of buckets) await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: bucket } });
    // Act: one intake event, so the 16 executions run side by side.
    const names = await submit(runtime, ...buckets.map((b) => findingFor('S3.8', 'AwsS3Bucket', `arn:aws:s3:::${b}`)));
    const runs = await Promise.all(names.map((name) => finished(runtime, name)));
    // Assess
    expect(runtime.approverErrors.map((e) => e.message)).toEqual([]);
    expect(runs.map((r) => r.outcome)).toEqual(buckets.map(() => 'REMEDIATED'));
    expect(runs.every((r) => r.path.includes('AwaitApproval'))).toBe(true);
  }, 120_000);
});
