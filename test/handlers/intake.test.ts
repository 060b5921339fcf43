import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../tasks/domain/policy.js';
import { executionNameFor, handler } from '../../tasks/handlers/intake.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { useMoto } from '../support/moto.js';

const finding = (id: string, updatedAt = '2026-11-01T00:00:00Z') => ({ Id: id, UpdatedAt: updatedAt, Compliance: { SecurityControlId: 'S3.8' } });
const sqsEvent = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;
const imported = (...findings: unknown[]) => JSON.stringify({ 'detail-type': 'Security Hub Findings - Imported', detail: { findings } });

describe('executionNameFor', () => {
  it('is deterministic per finding version and source, readable, and within 80 characters', () => {
    const a = executionNameFor(finding('f-1'), 'automatic');
    expect(a).toBe(executionNameFor(finding('f-1'), 'automatic'));
    expect(a).not.toBe(executionNameFor(finding('f-1', '2026-11-02T00:00:00Z'), 'automatic'));
    expect(a).not.toBe(executionNameFor(finding('f-1'), 'manual'));
    expect(a).toMatch(/^S3-8-a-[0-9a-f]{40}$/);
    expect(a.length).toBeLessThanOrEqual(80);
  });
});

describe('intake handler', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: DEFAULT_POLICY });
  });
  afterAll(async () => runtime.stop());

  it('starts one execution per finding; a redelivered finding is a no-op; an unreadable message is still taken in', async () => {
    // Act
    const result = await handler(sqsEvent(imported(finding('a'), finding('b')), imported(finding('a')), '{not json'));
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const names = runtime.stepFunctions.list().map((e) => e.name);
    expect(names).toHaveLength(3);
    expect(names).toContain(executionNameFor(finding('a'), 'automatic'));
    // The unreadable message becomes an execution that records it as INVALID rather than vanishing.
    const unreadable = runtime.stepFunctions.list().find((e) => e.input.includes('unparseableMessage'));
    expect((await unreadable!.done).error).toBe('InvalidFinding');
  });

  it('records a finding too big for an execution input as INVALID instead of failing the message', async () => {
    // Prepare: 300 KB of description; Step Functions takes at most 262,144 bytes of input (the intake starts at most 250,000).
    const big = { ...finding('huge'), Description: 'D'.repeat(300 * 1024) };
    // Act
    const result = await handler(sqsEvent(imported(big)));
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const execution = runtime.stepFunctions.byName(executionNameFor(big, 'automatic'))!;
    expect(Buffer.byteLength(execution.input)).toBeLessThan(1024);
    const done = await execution.done;
    expect(done.error).toBe('InvalidFinding');
    expect(done.cause).toMatch(/finding huge is 307,\d{3} bytes as an execution input, more than Step Functions' 262,144-byte limit/);
  });

  it('reports only the failed message back to SQS when StartExecution fails', async () => {
    // Prepare
    const saved = process.env[TaskEnv.stateMachineArn];
    process.env[TaskEnv.stateMachineArn] = 'arn:aws:states:us-east-1:123456789012:stateMachine:missing';
    try {
      // Act
      const result = await handler(sqsEvent(imported(finding('c'))));
      // Assess
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    } finally {
      process.env[TaskEnv.stateMachineArn] = saved;
    }
  });
});
