import { describe, expect, it } from 'vitest';
import { setDesyncMitigationMode as playbook } from '../../../tasks/playbooks/elbv2/setDesyncMitigationMode.js';
import { useMoto } from '../../support/moto.js';
import { attributesOf, createLoadBalancer, loadBalancerContext } from './loadBalancerFixtures.js';

const KEY = 'routing.http.desync_mitigation_mode';

describe('setDesyncMitigationMode (ELB.12) against moto', () => {
  const aws = useMoto();
  const alb = (mode = 'monitor') => createLoadBalancer(aws.clients(), 'application', { [KEY]: mode, 'routing.http2.enabled': 'false' });
  const contextFor = (arn: string, settings?: unknown) => loadBalancerContext(playbook, aws.clients(), arn, 'ELB.12', settings);

  it('moves a monitoring load balancer to defensive, a disruptive plan, and leaves its other attributes and a neighbour alone', async () => {
    // Prepare
    const arn = await alb();
    const neighbour = await alb();
    const ctx = contextFor(arn);
    const before = await attributesOf(aws.clients(), arn);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ desyncMitigationMode: 'monitor' });
    expect(plan.changes.map((c) => c.description)).toEqual([`Set ${KEY} from monitor to defensive on Application Load Balancer ${arn}`]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/blocks requests it classifies as a severe desync risk/);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Application Load Balancer ${arn} uses defensive desync mitigation mode` });
    expect(await attributesOf(aws.clients(), arn)).toEqual({ ...before, [KEY]: 'defensive' });
    expect((await attributesOf(aws.clients(), neighbour))[KEY]).toBe('monitor');
  });

  it('uses strictest when the policy says so', async () => {
    // Prepare
    const arn = await alb();
    const ctx = contextFor(arn, { mode: 'strictest' });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.impact?.why).toMatch(/blocks every request that does not comply with RFC 7230/);
    expect((await attributesOf(aws.clients(), arn))[KEY]).toBe('strictest');
    expect(() => contextFor(arn, { mode: 'monitor' })).toThrow(/settings for playbook elbv2-set-desync-mitigation-mode are refused/);
  });

  it('verify answers non-compliant in monitor mode and passes defensive, strictest and the unreported default', async () => {
    // Prepare
    const arns = [await alb('monitor'), await alb('defensive'), await alb('strictest'), await createLoadBalancer(aws.clients(), 'application')];
    // Act
    const results = await Promise.all(arns.map(async (arn) => (await playbook.verify(contextFor(arn))).compliant));
    // Assess
    expect(results).toEqual([false, true, true, true]);
  });

  it('rolls back to monitor mode', async () => {
    // Prepare
    const arn = await alb();
    const ctx = contextFor(arn);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time, and plans nothing for a strictest load balancer, which keeps its mode', async () => {
    // Prepare
    const arn = await alb();
    const strict = await alb('strictest');
    const ctx = contextFor(arn);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await attributesOf(aws.clients(), arn);
    // Act
    await playbook.apply(contextFor(arn, { mode: 'strictest' }), plan);
    const strictCtx = contextFor(strict);
    const strictPlan = await playbook.plan(strictCtx, await playbook.snapshot(strictCtx));
    await playbook.apply(strictCtx, strictPlan);
    // Assess
    expect(await attributesOf(aws.clients(), arn)).toEqual(afterFirst);
    expect(strictPlan.changes).toEqual([]);
    expect((await attributesOf(aws.clients(), strict))[KEY]).toBe('strictest');
  });

  it('refuses a Gateway Load Balancer and fails the snapshot of a load balancer that does not exist', async () => {
    // Prepare: moto puts every load balancer under loadbalancer/app/, so the gateway's ARN is written here.
    const arn = await alb();
    // Act
    const planning = Promise.resolve().then(() => playbook.plan(contextFor(arn.replace('/app/', '/gwy/')), { desyncMitigationMode: 'monitor' }));
    // Assess
    await expect(planning).rejects.toThrow(/ELB.12 evaluates Application Load Balancers only, and .* is a gateway load balancer/);
    await expect(playbook.snapshot(contextFor(arn.replace(/\/app\/[^/]+\//, '/app/gone/')))).rejects.toThrow();
  });
});
