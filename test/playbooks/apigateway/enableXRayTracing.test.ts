import { describe, expect, it } from 'vitest';
import { enableXRayTracing as playbook } from '../../../tasks/playbooks/apigateway/enableXRayTracing.js';
import { useMoto } from '../../support/moto.js';
import { createStages, stageContext, stageOf, type StageRef } from './stageFixtures.js';

const TRACING_OFF = [{ op: 'replace', path: '/tracingEnabled', value: 'false' }];

describe('enableXRayTracing (APIGateway.3) against moto', () => {
  const aws = useMoto();
  const contextFor = (ref: StageRef) => stageContext(playbook, aws.clients(), ref, 'APIGateway.3');

  it('turns on tracing for the stage named, a disruptive plan that names the cost, and leaves the rest of it and the other stage alone', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), { prod: TRACING_OFF, test: TRACING_OFF });
    const ctx = contextFor(prod);
    const before = await stageOf(aws.clients(), prod);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ tracingEnabled: false });
    expect(plan.changes.map((c) => c.description)).toEqual([`Set tracingEnabled to true on REST API stage ${prod.arn}: sampled requests are traced and billed by AWS X-Ray`]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/it adds cost/);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `X-Ray tracing of REST API stage ${prod.restApiId}/prod is enabled` });
    expect(await stageOf(aws.clients(), prod)).toEqual({ ...before, tracingEnabled: true });
    expect((await stageOf(aws.clients(), test)).tracingEnabled).toBe(false);
  });

  it('verify answers non-compliant for a stage without tracing, set or never set', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), { prod: TRACING_OFF });
    // Act
    const results = [await playbook.verify(contextFor(prod)), await playbook.verify(contextFor(test))];
    // Assess
    expect(results).toEqual([
      { compliant: false, detail: `X-Ray tracing of REST API stage ${prod.restApiId}/prod is disabled` },
      { compliant: false, detail: `X-Ray tracing of REST API stage ${test.restApiId}/test is disabled` },
    ]);
  });

  it('rolls back to no tracing', async () => {
    // Prepare
    const { prod } = await createStages(aws.clients(), { prod: TRACING_OFF });
    const ctx = contextFor(prod);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time, and plans nothing for a traced stage, whose rollback keeps tracing', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), { prod: TRACING_OFF, test: [{ op: 'replace', path: '/tracingEnabled', value: 'true' }] });
    const ctx = contextFor(prod);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await stageOf(aws.clients(), prod);
    // Act
    await playbook.apply(ctx, plan);
    const tracedCtx = contextFor(test);
    const tracedSnapshot = await playbook.snapshot(tracedCtx);
    const tracedPlan = await playbook.plan(tracedCtx, tracedSnapshot);
    await playbook.rollback(tracedCtx, tracedSnapshot);
    // Assess
    expect(await stageOf(aws.clients(), prod)).toEqual(afterFirst);
    expect(tracedPlan.changes).toEqual([]);
    expect((await stageOf(aws.clients(), test)).tracingEnabled).toBe(true);
  });

  it('fails the snapshot of a stage that does not exist', async () => {
    // Prepare
    const { prod } = await createStages(aws.clients());
    // Act & Assess
    await expect(playbook.snapshot(contextFor({ ...prod, stageName: 'gone', arn: prod.arn.replace('/prod', '/gone') }))).rejects.toThrow();
  });
});
