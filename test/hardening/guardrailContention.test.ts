import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { recordBreakerResult, readBreaker } from '../../tasks/store/guardrails.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { useMoto } from '../support/moto.js';

/*
 * Found by the storm benchmark (bench/, docs/benchmarks.md): with 32 executions in flight,
 * about one in ten remediated executions ended FAILED with `RecordFailed`. Fixed (jittered retries,
 * the lock always released); this test fails if the contention comes back.
 */
describe('circuit breaker under concurrent completions (moto)', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  beforeAll(async () => {
    // Provisions the table the guardrails use.
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: PolicySchema.parse({ mode: 'auto' }), saveTraces: false });
  });
  afterAll(async () => runtime?.stop());

  it('concurrent results for one scope are all recorded (was: "too much contention to record a result")', async () => {
    // Prepare: every remediation that ends records its result twice (its account and "global"); 16 end at once.
    const limits = { window: 10, threshold: 3 };
    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, () => recordBreakerResult(runtime.resources.tableName, 'global', false, new Date(), limits)),
    );
    // Assess: each lost result fails RecordSuccess (RecordFailed) after the change was made, and the
    // dedupe lock, released after the breaker, stays held until it expires (26 h by default).
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(rejected).toEqual([]);
    expect((await readBreaker(runtime.resources.tableName, 'global')).version).toBe(16);
  });
});
