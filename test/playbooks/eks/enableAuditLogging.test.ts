import { CreateClusterCommand, DescribeClusterCommand, EKSClient, UpdateClusterConfigCommand, type Cluster } from '@aws-sdk/client-eks';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableAuditLogging as playbook } from '../../../tasks/playbooks/eks/enableAuditLogging.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (name: string) => `arn:aws:eks:us-east-1:123456789012:cluster/${name}`;
const ALL = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

describe('enableAuditLogging (EKS.8) against moto', () => {
  const aws = useMoto();
  const eks = () => aws.clients().client(EKSClient);

  /** A cluster that already sends the `api` and `scheduler` logs (the playbook must keep them) and, when asked, `audit`. */
  async function cluster(audit = false): Promise<string> {
    const name = `orders-${crypto.randomUUID().slice(0, 8)}`;
    const on = audit ? ['api', 'audit', 'scheduler'] : ['api', 'scheduler'];
    await eks().send(
      new CreateClusterCommand({
        name,
        roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
        resourcesVpcConfig: { subnetIds: ['subnet-11111111', 'subnet-22222222'] },
        tags: { team: 'orders' },
        logging: {
          clusterLogging: [
            { types: on as never, enabled: true },
            { types: ALL.filter((t) => !on.includes(t)) as never, enabled: false },
          ],
        },
      }),
    );
    return name;
  }
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsEksCluster', resourceId: clusterArn(name), controlId: 'EKS.8' }), aws.clients());
  const clusterOf = async (name: string): Promise<Cluster> => (await eks().send(new DescribeClusterCommand({ name }))).cluster!;
  const enabledLogs = async (name: string) =>
    (await clusterOf(name)).logging!.clusterLogging!.filter((g) => g.enabled).flatMap((g) => g.types!).sort();

  it('turns on the audit log, a disruptive plan that names the cost, and keeps the other log types, the cluster and a neighbour as they were', async () => {
    // Prepare
    const name = await cluster();
    const neighbour = await cluster();
    const ctx = contextFor(name);
    // The SDK gives every update a fresh idempotency token, which EKS keeps.
    const { logging: _changed, clientRequestToken: _token, ...before } = await clusterOf(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ auditLogging: false });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Enable the audit control-plane log of EKS cluster ${clusterArn(name)}, other log types unchanged: CloudWatch Logs ingestion and ` +
        `storage of log group /aws/eks/${name}/cluster are billed from then on`,
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `EKS cluster ${name} sends these control-plane logs: api, audit, scheduler` });
    expect(await enabledLogs(name)).toEqual(['api', 'audit', 'scheduler']);
    const { logging: _after, clientRequestToken: _newToken, ...after } = await clusterOf(name);
    expect(after).toEqual(before);
    expect(await enabledLogs(neighbour)).toEqual(['api', 'scheduler']);
  });

  it('verify answers non-compliant for a cluster without the audit log, even with every other log on', async () => {
    // Prepare
    const name = await cluster();
    await eks().send(
      new UpdateClusterConfigCommand({
        name,
        logging: { clusterLogging: [{ types: ['api', 'authenticator', 'controllerManager', 'scheduler'], enabled: true }, { types: ['audit'], enabled: false }] },
      }),
    );
    // Act
    const result = await playbook.verify(contextFor(name));
    // Assess
    expect(result).toEqual({ compliant: false, detail: `EKS cluster ${name} sends these control-plane logs: api, authenticator, controllerManager, scheduler` });
  });

  it('rolls back to no audit log, keeping the other log types', async () => {
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
    expect(await enabledLogs(name)).toEqual(['api', 'scheduler']);
  });

  it('changes nothing when applied a second time, and plans nothing for a cluster that has the audit log', async () => {
    // Prepare
    const name = await cluster();
    const compliant = await cluster(true);
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await clusterOf(name);
    // Act
    await playbook.apply(ctx, plan);
    const compliantCtx = contextFor(compliant);
    const compliantSnapshot = await playbook.snapshot(compliantCtx);
    const compliantPlan = await playbook.plan(compliantCtx, compliantSnapshot);
    await playbook.rollback(compliantCtx, compliantSnapshot);
    // Assess
    expect(await clusterOf(name)).toEqual(afterFirst);
    expect(compliantPlan.changes).toEqual([]);
    expect(await enabledLogs(compliant)).toEqual(['api', 'audit', 'scheduler']);
  });

  it('fails the snapshot of a cluster that does not exist', async () => {
    // Act & Assess
    await expect(playbook.snapshot(contextFor('gone'))).rejects.toThrow();
  });
});
