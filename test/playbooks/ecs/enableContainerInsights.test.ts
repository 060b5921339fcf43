import { CreateClusterCommand, DescribeClustersCommand, ECSClient, type Cluster } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableContainerInsights as playbook } from '../../../tasks/playbooks/ecs/enableContainerInsights.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (name: string) => `arn:aws:ecs:us-east-1:123456789012:cluster/${name}`;

describe('enableContainerInsights (ECS.12) against moto', () => {
  const aws = useMoto();
  const ecs = () => aws.clients().client(ECSClient);

  async function cluster(containerInsights = 'disabled'): Promise<string> {
    const clusterName = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await ecs().send(
      new CreateClusterCommand({ clusterName, settings: [{ name: 'containerInsights', value: containerInsights }], tags: [{ key: 'team', value: 'orders' }] }),
    );
    return clusterName;
  }
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsEcsCluster', resourceId: clusterArn(name), controlId: 'ECS.12' }), aws.clients());
  const clusterOf = async (name: string): Promise<Cluster> =>
    (await ecs().send(new DescribeClustersCommand({ clusters: [name], include: ['SETTINGS', 'TAGS'] }))).clusters![0]!;

  it('turns on Container Insights, a disruptive plan that names the cost, and leaves the rest of the cluster and a neighbour alone', async () => {
    // Prepare
    const name = await cluster();
    const neighbour = await cluster();
    const ctx = contextFor(name);
    const before = await clusterOf(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ containerInsights: 'disabled' });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set containerInsights to enabled on ECS cluster ${clusterArn(name)} (now disabled): CloudWatch custom metrics and performance log events are billed from then on`,
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/it adds cost/);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Container Insights of ECS cluster ${name} is enabled` });
    expect(await clusterOf(name)).toEqual({ ...before, settings: [{ name: 'containerInsights', value: 'enabled' }] });
    expect((await clusterOf(neighbour)).settings).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
  });

  it('verify answers non-compliant for a cluster without Container Insights, and passes enhanced', async () => {
    // Prepare
    const off = await cluster();
    const enhanced = await cluster('enhanced');
    // Act
    const results = [await playbook.verify(contextFor(off)), await playbook.verify(contextFor(enhanced))];
    // Assess
    expect(results[0]).toEqual({ compliant: false, detail: `Container Insights of ECS cluster ${off} is disabled` });
    expect(results[1]!.compliant).toBe(true);
  });

  it('rolls back to Container Insights disabled', async () => {
    // Prepare
    const name = await cluster();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time, and plans nothing for an enhanced cluster, which keeps enhanced', async () => {
    // Prepare
    const name = await cluster();
    const enhanced = await cluster('enhanced');
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await clusterOf(name);
    // Act
    await playbook.apply(ctx, plan);
    const enhancedCtx = contextFor(enhanced);
    const enhancedSnapshot = await playbook.snapshot(enhancedCtx);
    const enhancedPlan = await playbook.plan(enhancedCtx, enhancedSnapshot);
    await playbook.apply(enhancedCtx, enhancedPlan);
    await playbook.rollback(enhancedCtx, enhancedSnapshot);
    // Assess
    expect(await clusterOf(name)).toEqual(afterFirst);
    expect(enhancedPlan.changes).toEqual([]);
    expect((await clusterOf(enhanced)).settings).toEqual([{ name: 'containerInsights', value: 'enhanced' }]);
  });

  it('fails the snapshot of a cluster that does not exist', async () => {
    // Act & Assess
    await expect(playbook.snapshot(contextFor('gone'))).rejects.toThrow(/ECS cluster .*gone was not found/);
  });
});
