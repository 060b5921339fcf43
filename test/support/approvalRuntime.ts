import { GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { executionNameFor, startExecutions } from '../../tasks/handlers/intake.js';
import { getApproval } from '../../tasks/store/table.js';
import { callAws } from '../../workflows/local/awsCall.js';
import type { LocalExecution } from '../../workflows/local/ExecutionEngine.js';
import { LocalRuntime, type PendingApproval } from '../../workflows/local/runtime.js';
import type { MotoHandle } from './moto.js';

/** A bucket's Block Public Access before the fix: only BlockPublicAcls on. */
export const PARTIAL = { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

/** A production bucket's finding, waiting for a person at its emailed link. */
export interface WaitingApproval extends PendingApproval {
  readonly execution: LocalExecution;
  readonly bucket: string;
}

export interface ApprovalHarness {
  readonly runtime: LocalRuntime;
  /** A production bucket with a partial Block Public Access configuration, and its finding, waiting for approval. */
  waitingApproval(bucket: string): Promise<WaitingApproval>;
  /** The execution still waits, its approval is PENDING and the bucket is as it was. */
  stillWaiting(w: WaitingApproval): Promise<void>;
}

/** What an approval page says: its `data-outcome`, or the page itself. */
export const kindOf = (html: string): string => /data-outcome="([^"]+)"/.exec(html)?.[1] ?? 'approval-page';

/**
 * The local runtime in `auto` mode with every approval left to a person at the emailed link
 * (the approval page served locally), for the tests of that page: in a browser
 * (test/browser/approval.slow.test.ts) and under attack over HTTP (test/approval/linkAttacks.test.ts).
 */
export function useApprovalRuntime(aws: MotoHandle): ApprovalHarness {
  let runtime: LocalRuntime | undefined;
  const pending = new Map<string, PendingApproval>();

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      motoEndpoint: aws.endpoint,
      policy: PolicySchema.parse({ mode: 'auto' }),
      approver: (p) => {
        pending.set(p.executionName, p);
        return 'external'; // a person decides, through the page
      },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  const started = (): LocalRuntime => {
    if (!runtime) throw new Error('the approval runtime is not started yet: use it inside tests or hooks');
    return runtime;
  };

  return {
    get runtime() {
      return started();
    },
    async waitingApproval(bucket: string): Promise<WaitingApproval> {
      const runtime = started();
      await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: bucket } });
      await callAws({ service: 'S3', command: 'PutPublicAccessBlock', params: { Bucket: bucket, PublicAccessBlockConfiguration: PARTIAL } });
      await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: bucket, Tagging: { TagSet: [{ Key: 'environment', Value: 'prod' }] } } });
      const finding = {
        Id: `finding-${bucket}`, ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub', GeneratorId: 'security-control/S3.8',
        AwsAccountId: '123456789012', UpdatedAt: '2026-11-01T00:00:00Z', Severity: { Label: 'HIGH' }, Title: 'S3 general purpose buckets should block public access',
        Compliance: { Status: 'FAILED', SecurityControlId: 'S3.8' }, Resources: [{ Type: 'AwsS3Bucket', Id: `arn:aws:s3:::${bucket}`, Region: 'us-east-1' }],
        Workflow: { Status: 'NEW' }, RecordState: 'ACTIVE',
      };
      runtime.securityHub.import(finding as never);
      await startExecutions(runtime.stateMachineArn, { 'detail-type': 'Security Hub Findings - Imported', detail: { findings: [finding] } });
      const name = executionNameFor(finding, 'automatic');
      for (let i = 0; i < 200 && !pending.has(name); i++) await new Promise((r) => setTimeout(r, 25));
      const approval = pending.get(name);
      if (!approval) throw new Error(`no approval requested for ${name}`);
      return { ...approval, execution: runtime.stepFunctions.byName(name)!, bucket };
    },

    async stillWaiting(w: WaitingApproval): Promise<void> {
      const runtime = started();
      expect(w.execution.status).toBe('RUNNING');
      expect((await getApproval(runtime.resources.tableName, w.approvalId))?.status).toBe('PENDING');
      const pab = await adminClient(S3Client).send(new GetPublicAccessBlockCommand({ Bucket: w.bucket }));
      expect(pab.PublicAccessBlockConfiguration).toEqual(PARTIAL);
    },
  };
}
