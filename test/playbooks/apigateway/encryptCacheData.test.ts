import { describe, expect, it } from 'vitest';
import { encryptCacheData as playbook } from '../../../tasks/playbooks/apigateway/encryptCacheData.js';
import { useMoto } from '../../support/moto.js';
import { createStages, stageContext, stageOf, type StageRef } from './stageFixtures.js';

/** The stage caches every method unencrypted, and one method (GET /) with its own, also unencrypted, setting. */
const CACHING_UNENCRYPTED = [
  { op: 'replace', path: '/cacheClusterEnabled', value: 'true' },
  { op: 'replace', path: '/*/*/caching/enabled', value: 'true' },
  { op: 'replace', path: '/*/*/caching/dataEncrypted', value: 'false' },
  { op: 'replace', path: '/~1/GET/caching/enabled', value: 'true' },
  { op: 'replace', path: '/~1/GET/caching/dataEncrypted', value: 'false' },
];

describe('encryptCacheData (APIGateway.5) against moto', () => {
  const aws = useMoto();
  const contextFor = (ref: StageRef) => stageContext(playbook, aws.clients(), ref, 'APIGateway.5');

  it('encrypts the cache of every method that caches, a disruptive plan, and leaves the rest of the stage and the other stage alone', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), { prod: CACHING_UNENCRYPTED, test: CACHING_UNENCRYPTED });
    const ctx = contextFor(prod);
    const before = await stageOf(aws.clients(), prod);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ cachingMethods: { '*/*': false, '~1/GET': false } });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Encrypt the cache data of every method of the stage on REST API stage ${prod.arn} (caching/dataEncrypted true)`,
      `Encrypt the cache data of method GET / on REST API stage ${prod.arn} (caching/dataEncrypted true)`,
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Every method of REST API stage ${prod.restApiId}/prod that caches encrypts its cache data` });
    const after = await stageOf(aws.clients(), prod);
    expect(after).toEqual({
      ...before,
      methodSettings: {
        '*/*': { ...before.methodSettings!['*/*'], cacheDataEncrypted: true },
        '~1/GET': { ...before.methodSettings!['~1/GET'], cacheDataEncrypted: true },
      },
    });
    expect(Object.values((await stageOf(aws.clients(), test)).methodSettings!).map((m) => m.cacheDataEncrypted)).toEqual([false, false]);
  });

  it('verify answers non-compliant when one caching method is unencrypted, and passes a method that does not cache', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), {
      prod: [
        { op: 'replace', path: '/*/*/caching/enabled', value: 'true' },
        { op: 'replace', path: '/*/*/caching/dataEncrypted', value: 'true' },
        { op: 'replace', path: '/~1/GET/caching/enabled', value: 'true' },
        { op: 'replace', path: '/~1/GET/caching/dataEncrypted', value: 'false' },
      ],
      test: [
        { op: 'replace', path: '/*/*/caching/enabled', value: 'false' },
        { op: 'replace', path: '/*/*/caching/dataEncrypted', value: 'false' },
      ],
    });
    // Act
    const results = [await playbook.verify(contextFor(prod)), await playbook.verify(contextFor(test))];
    // Assess
    expect(results[0]).toEqual({ compliant: false, detail: `REST API stage ${prod.restApiId}/prod caches unencrypted for method GET /` });
    expect(results[1]!.compliant).toBe(true);
  });

  it('rolls back to unencrypted caches for exactly the methods it encrypted', async () => {
    // Prepare
    const { prod } = await createStages(aws.clients(), { prod: CACHING_UNENCRYPTED });
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

  it('changes nothing when applied a second time, and plans nothing for a stage without caching', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), { prod: CACHING_UNENCRYPTED });
    const ctx = contextFor(prod);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await stageOf(aws.clients(), prod);
    // Act
    await playbook.apply(ctx, plan);
    const plainCtx = contextFor(test);
    const plainSnapshot = await playbook.snapshot(plainCtx);
    const plainPlan = await playbook.plan(plainCtx, plainSnapshot);
    await playbook.rollback(plainCtx, plainSnapshot);
    // Assess
    expect(await stageOf(aws.clients(), prod)).toEqual(afterFirst);
    expect(plainSnapshot).toEqual({ cachingMethods: {} });
    expect(plainPlan.changes).toEqual([]);
  });

  it('fails the snapshot of a stage that does not exist', async () => {
    // Prepare
    const { prod } = await createStages(aws.clients());
    // Act & Assess
    await expect(playbook.snapshot(contextFor({ ...prod, stageName: 'gone', arn: prod.arn.replace('/prod', '/gone') }))).rejects.toThrow();
  });
});
