import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../tasks/domain/policy.js';
import { executionInputFor, executionNameFor, handler } from '../../tasks/handlers/intake.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { useMoto } from '../support/moto.js';

const eventText = readFileSync(path.resolve(import.meta.dirname, '../fixtures/ocsf/sqs1-failed.event.json'), 'utf8');
const ocsf = () => structuredClone((JSON.parse(eventText) as { detail: { findings: Record<string, any>[] } }).detail.findings[0]!);
const sqsEvent = (...bodies: string[]): SQSEvent => ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;

describe('executionNameFor an OCSF finding (Findings Imported V2)', () => {
  it('is deterministic on finding_info.uid, product, account and modification time', () => {
    // Prepare
    const later = ocsf();
    later.finding_info.modified_time_dt = '2026-10-15T00:00:00.000Z';
    const otherAccount = ocsf();
    otherAccount.cloud.account.uid = '999999999999';
    const commentOnly = { ...ocsf(), comment: 'Rectify wrote this', status_id: 2, status: 'In Progress' };
    // Act
    const name = executionNameFor(ocsf(), 'automatic');
    // Assess
    expect(name).toMatch(/^SQS-1-a-[0-9a-f]{40}$/);
    expect(executionNameFor(ocsf(), 'automatic')).toBe(name);
    expect(executionNameFor(later, 'automatic')).not.toBe(name);
    expect(executionNameFor(otherAccount, 'automatic')).not.toBe(name);
    // Rectify's own BatchUpdateFindingsV2 changes comment and status, not the times: its echo is the same version.
    expect(executionNameFor(commentOnly, 'automatic')).toBe(name);
  });

  it('gives the ASFF finding of the same failure its own name (two findings; the lock makes one change)', () => {
    const asff = { Id: ocsf().finding_info.uid, UpdatedAt: ocsf().finding_info.modified_time_dt, Compliance: { SecurityControlId: 'SQS.1' } };
    expect(executionNameFor(asff, 'automatic')).not.toBe(executionNameFor(ocsf(), 'automatic'));
  });

  it('keeps an oversized OCSF finding\'s identity in its own shape', () => {
    const big = { ...ocsf(), unmapped: { blob: 'x'.repeat(300 * 1024) } };
    const input = JSON.parse(executionInputFor(big, 'automatic')) as { finding: Record<string, any>; oversizedBytes: number };
    expect(input.oversizedBytes).toBeGreaterThan(300 * 1024);
    expect(input.finding).toEqual({
      finding_info: { uid: ocsf().finding_info.uid, modified_time_dt: '2026-10-14T08:20:07.512Z' },
      metadata: { product: { uid: 'arn:aws:securityhub:eu-west-1::productv2/aws/securityhub' } },
      cloud: { account: { uid: '222233334444' } },
    });
  });
});

describe('intake handler with a Findings Imported V2 event', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: DEFAULT_POLICY });
  });
  afterAll(async () => runtime.stop());

  it('starts one execution for its finding, and a redelivery is a no-op', async () => {
    // Act
    const result = await handler(sqsEvent(eventText, eventText));
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const name = executionNameFor(ocsf(), 'automatic');
    expect(runtime.stepFunctions.list().map((e) => e.name)).toEqual([name]);
    // The hub holds no such finding here: ValidateFinding reads the hub's copy (GetFindingsV2) and refuses.
    const done = await runtime.stepFunctions.byName(name)!.done;
    expect(done.error).toBe('InvalidFinding');
    expect(done.cause).toContain('is not in Security Hub');
  });
});
