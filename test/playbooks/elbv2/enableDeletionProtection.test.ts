import { describe, expect, it } from 'vitest';
import { enableLoadBalancerDeletionProtection as playbook } from '../../../tasks/playbooks/elbv2/enableDeletionProtection.js';
import { useMoto } from '../../support/moto.js';
import { attributesOf, createLoadBalancer, loadBalancerContext } from './loadBalancerFixtures.js';

const KEY = 'deletion_protection.enabled';

describe('enableLoadBalancerDeletionProtection (ELB.6) against moto', () => {
  const aws = useMoto();
  const lb = (protectedAlready = false) => createLoadBalancer(aws.clients(), 'application', { [KEY]: String(protectedAlready), 'idle_timeout.timeout_seconds': '90' });
  const contextFor = (arn: string) => loadBalancerContext(playbook, aws.clients(), arn, 'ELB.6');

  it('turns on deletion protection and leaves the other attributes and a neighbour alone', async () => {
    // Prepare
    const arn = await lb();
    const neighbour = await lb();
    const ctx = contextFor(arn);
    const before = await attributesOf(aws.clients(), arn);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ deletionProtection: false });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set ${KEY} to true on load balancer ${arn}: it can no longer be deleted until protection is turned off; traffic is unaffected`,
    ]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Deletion protection of load balancer ${arn} is enabled` });
    expect(await attributesOf(aws.clients(), arn)).toEqual({ ...before, [KEY]: 'true' });
    expect((await attributesOf(aws.clients(), neighbour))[KEY]).toBe('false');
  });

  it('verify answers non-compliant for an unprotected load balancer', async () => {
    // Prepare
    const arn = await lb();
    // Act
    const result = await playbook.verify(contextFor(arn));
    // Assess
    expect(result).toEqual({ compliant: false, detail: `Deletion protection of load balancer ${arn} is disabled` });
  });

  it('rolls back to no deletion protection', async () => {
    // Prepare
    const arn = await lb();
    const ctx = contextFor(arn);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await attributesOf(aws.clients(), arn))[KEY]).toBe('false');
  });

  it('changes nothing when applied a second time, and plans nothing for a protected load balancer, whose rollback keeps protection', async () => {
    // Prepare
    const arn = await lb();
    const compliant = await lb(true);
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
    expect(compliantPlan.changes).toEqual([]);
    expect((await attributesOf(aws.clients(), compliant))[KEY]).toBe('true');
  });

  it('fails the snapshot of a load balancer that does not exist', async () => {
    // Prepare
    const arn = (await lb()).replace(/\/app\/[^/]+\//, '/app/gone/');
    // Act & Assess
    await expect(playbook.snapshot(contextFor(arn))).rejects.toThrow();
  });
});
