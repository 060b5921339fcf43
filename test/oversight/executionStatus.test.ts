import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { AuditEvent } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { acquireLock } from '../../tasks/store/guardrails.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LocalRuntime, type PendingApproval } from '../../workflows/local/runtime.js';
import { findingFor, finished, submit } from '../support/findings.js';
import { useMoto } from '../support/moto.js';

describe('an execution aborted mid-way still gets its record', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  const waiting: PendingApproval[] = [];
  beforeAll(async () => {
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: PolicySchema.parse({ mode: 'auto' }), approver: (p) => (waiting.push(p), 'external') });
  });
  afterAll(async () => runtime.stop());

  it('StopExecution while it waits for approval: audited by the status rule, lock released, people told', async () => {
    // Prepare: a production bucket waits for approval
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: 'aborted-bucket' } });
    await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: 'aborted-bucket', Tagging: { TagSet: [{ Key: 'environment', Value: 'production' }] } } });
    const [name] = await submit(runtime, findingFor('S3.8', 'AwsS3Bucket', 'arn:aws:s3:::aborted-bucket'));
    // Bounded by the test's timeout, not a count of polls: on a loaded machine the execution may take seconds to get there.
    while (waiting.length === 0) await new Promise((r) => setTimeout(r, 25));
    // Act: an operator stops it from the console (the Step Functions API)
    await adminClient(SFNClient).send(new StopExecutionCommand({ executionArn: runtime.stepFunctions.byName(name!)!.executionArn, error: 'OperatorAbort', cause: 'wrong change window' }));
    const result = await finished(runtime, name!);
    // Assess
    expect(result.status).toBe('ABORTED');
    const died = result.audit.find((a) => a.event === AuditEvent.EXECUTION_DIED);
    expect(died).toMatchObject({ controlId: 'S3.8', resourceId: 'arn:aws:s3:::aborted-bucket', detail: { status: 'ABORTED', halfChanged: false, lastEvent: AuditEvent.APPROVAL_REQUESTED } });
    const lock = await acquireLock(runtime.resources.tableName, 'S3.8', 'arn:aws:s3:::aborted-bucket', 'someone-else', new Date(), 60);
    expect(lock).toEqual({ acquired: true });
    const told = (await runtime.collectNotifications()).find((n) => n.topic === 'escalations' && n.body.includes(name!));
    expect(told?.subject).toContain('Execution ABORTED');
    expect(told?.body).toContain('No change had been applied');
  });
});
