import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { decidePolicy } from '../../tasks/handlers/loadPolicy.js';
import { approvalIdFor, createRequestApproval } from '../../tasks/handlers/requestApproval.js';
import { defaultPlaybookDeps } from '../../tasks/handlers/playbookDeps.js';
import { getApproval } from '../../tasks/store/table.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { requestFor } from '../support/request.js';
import { useMoto } from '../support/moto.js';

describe('requestApproval (AwaitApproval) when Step Functions retries it', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: PolicySchema.parse({ mode: 'auto' }) });
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: 'retried-approval' } });
  });
  afterAll(async () => runtime.stop());

  it('keeps one approval and one email, refreshes the task token, and keeps the first expiry', async () => {
    // Prepare
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: 'arn:aws:s3:::retried-approval', controlId: 'S3.8' });
    const state = { finding: {}, request, policy: decidePolicy(request, PolicySchema.parse({ mode: 'auto' })) };
    const execution = { id: 'arn:aws:states:us-east-1:123456789012:execution:rectify-local:retry-1', name: 'retry-1' };
    let clock = new Date('2026-11-29T10:00:00Z');
    const handler = createRequestApproval({ ...defaultPlaybookDeps, now: () => clock });
    // Act: the first attempt, then a retry a minute later with a new token
    const first = await handler({ taskToken: 'token-attempt-1', execution, state });
    clock = new Date('2026-11-29T10:01:00Z');
    const second = await handler({ taskToken: 'token-attempt-2', execution, state });
    // Assess
    expect(first).toEqual({ approvalId: approvalIdFor('retry-1') });
    expect(second).toEqual(first);
    const stored = await getApproval(runtime.resources.tableName, first.approvalId);
    expect(stored).toMatchObject({ taskToken: 'token-attempt-2', status: 'PENDING', expiresAt: '2026-11-30T10:00:00.000Z' });
    const emails = (await runtime.collectNotifications()).filter((n) => n.topic === 'approvals');
    expect(emails).toHaveLength(1);
    expect(emails[0]?.body).not.toContain('token-attempt');
    expect(emails[0]?.body).toMatch(/\/approvals\/[0-9a-f-]{36}\?exp=1796032800&sig=/);
  });
});
