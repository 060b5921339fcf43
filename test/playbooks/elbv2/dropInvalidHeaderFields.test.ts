import { describe, expect, it } from 'vitest';
import { dropInvalidHeaderFields as playbook } from '../../../tasks/playbooks/elbv2/dropInvalidHeaderFields.js';
import { useMoto } from '../../support/moto.js';
import { attributesOf, createLoadBalancer, loadBalancerContext } from './loadBalancerFixtures.js';

const KEY = 'routing.http.drop_invalid_header_fields.enabled';

describe('dropInvalidHeaderFields (ELB.4) against moto', () => {
  const aws = useMoto();
  const alb = (attributes: Record<string, string> = { [KEY]: 'false', 'idle_timeout.timeout_seconds': '120' }) =>
    createLoadBalancer(aws.clients(), 'application', attributes);
  const contextFor = (arn: string) => loadBalancerContext(playbook, aws.clients(), arn, 'ELB.4');

  it('makes the load balancer drop invalid headers, a disruptive plan, and leaves its other attributes and a neighbour alone', async () => {
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
    expect(snapshot).toEqual({ dropInvalidHeaderFields: false });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set ${KEY} to true on Application Load Balancer ${arn}: headers with names outside [-A-Za-z0-9]+ are removed before requests reach the targets`,
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/stops receiving it/);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Application Load Balancer ${arn} drops invalid HTTP header fields` });
    expect(await attributesOf(aws.clients(), arn)).toEqual({ ...before, [KEY]: 'true' });
    expect((await attributesOf(aws.clients(), neighbour))[KEY]).toBe('false');
  });

  it('verify answers non-compliant for a load balancer that forwards invalid headers, and for one that never set the attribute', async () => {
    // Prepare: ELB's default is false; moto does not report an attribute never set.
    const explicit = await alb();
    const defaulted = await alb({});
    // Act
    const results = [await playbook.verify(contextFor(explicit)), await playbook.verify(contextFor(defaulted))];
    // Assess
    expect(results.map((r) => r.compliant)).toEqual([false, false]);
    expect(results[0]!.detail).toBe(`Application Load Balancer ${explicit} forwards invalid HTTP header fields`);
  });

  it('rolls back to forwarding invalid headers', async () => {
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

  it('changes nothing when applied a second time, and plans nothing for a load balancer that already drops them', async () => {
    // Prepare
    const arn = await alb();
    const compliant = await alb({ [KEY]: 'true' });
    const ctx = contextFor(arn);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await attributesOf(aws.clients(), arn);
    // Act
    await playbook.apply(ctx, plan);
    const compliantCtx = contextFor(compliant);
    const compliantSnapshot = await playbook.snapshot(compliantCtx);
    const compliantPlan = await playbook.plan(compliantCtx, compliantSnapshot);
    await playbook.rollback(compliantCtx, compliantSnapshot);
    // Assess
    expect(await attributesOf(aws.clients(), arn)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
    expect(compliantPlan.changes).toEqual([]);
    expect((await attributesOf(aws.clients(), compliant))[KEY]).toBe('true');
  });

  it('refuses a Network Load Balancer, which ELB.4 does not evaluate, and fails the snapshot of a load balancer that does not exist', async () => {
    // Prepare: moto puts every load balancer under loadbalancer/app/ whatever its type, so the NLB's ARN is written here.
    const arn = await alb();
    const nlb = arn.replace('/app/', '/net/');
    const missing = arn.replace(/\/app\/[^/]+\//, '/app/gone/');
    // Act
    const planning = Promise.resolve().then(() => playbook.plan(contextFor(nlb), { dropInvalidHeaderFields: false }));
    const applying = playbook.apply(contextFor(nlb), { summary: '', changes: [] });
    // Assess
    await expect(planning).rejects.toThrow(/ELB.4 evaluates Application Load Balancers only, and .* is a network load balancer/);
    await expect(applying).rejects.toThrow(/ELB.4 evaluates Application Load Balancers only/);
    await expect(playbook.snapshot(contextFor(missing))).rejects.toThrow();
    expect((await attributesOf(aws.clients(), arn))[KEY]).toBe('false');
  });
});
