import { CreateClusterCommand, DescribeClustersCommand, RedshiftClient, type Cluster } from '@aws-sdk/client-redshift';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { disableRedshiftPublicAccess as playbook } from '../../../tasks/playbooks/redshift/disablePublicAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (id: string) => `arn:aws:redshift:us-east-1:123456789012:cluster:${id}`;

describe('disableRedshiftPublicAccess (Redshift.1) against moto', () => {
  const aws = useMoto();
  const redshift = () => aws.clients().client(RedshiftClient);

  async function cluster(publiclyAccessible: boolean): Promise<string> {
    const id = `warehouse-${crypto.randomUUID().slice(0, 8)}`;
    await redshift().send(
      new CreateClusterCommand({
        ClusterIdentifier: id,
        NodeType: 'ra3.xlplus',
        ClusterType: 'single-node',
        MasterUsername: 'warehouse_admin',
        MasterUserPassword: 'Not-a-real-passw0rd',
        PubliclyAccessible: publiclyAccessible,
        EnhancedVpcRouting: false,
        Tags: [{ Key: 'team', Value: 'analytics' }],
      }),
    );
    return id;
  }
  const contextFor = (id: string, controlId = 'Redshift.1') =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRedshiftCluster', resourceId: clusterArn(id), controlId }), aws.clients());
  const describeCluster = async (id: string): Promise<Cluster> => (await redshift().send(new DescribeClustersCommand({ ClusterIdentifier: id }))).Clusters![0]!;
  const otherSettings = async (id: string) => {
    const { PubliclyAccessible: _changed, ...rest } = await describeCluster(id);
    return rest;
  };

  it('makes the cluster private, says who loses access, and leaves the rest of the cluster and its neighbour alone', async () => {
    // Prepare
    const id = await cluster(true);
    const neighbour = await cluster(true);
    const ctx = contextFor(id);
    const before = await otherSettings(id);
    // Act
    const verdictBefore = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(verdictBefore).toEqual({ compliant: false, detail: `Redshift cluster ${id} is publicly accessible` });
    expect(snapshot).toEqual({ publiclyAccessible: true });
    expect(plan.impact).toEqual({ level: 'disruptive', why: expect.stringMatching(/^clients outside the VPC .* lose access/) });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.description).toMatch(new RegExp(`^Set PubliclyAccessible false on Redshift cluster ${clusterArn(id)} \\(.*\\): its endpoint resolves to a private address only`));
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Redshift cluster ${id} is not publicly accessible` });
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeCluster(neighbour)).PubliclyAccessible).toBe(true);
  });

  it('takes a finding under the PCI DSS v3.2.1 id PCI.Redshift.1', async () => {
    // Prepare
    const id = await cluster(true);
    const ctx = contextFor(id, 'pci-dss/v/3.2.1/PCI.Redshift.1');
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect((await describeCluster(id)).PubliclyAccessible).toBe(false);
  });

  it('rolls back to public, and a second rollback changes nothing', async () => {
    // Prepare
    const id = await cluster(true);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await cluster(true);
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await describeCluster(id);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await describeCluster(id)).toEqual(afterFirst);
  });

  it('plans nothing for a private cluster, and its rollback changes nothing', async () => {
    // Prepare
    const id = await cluster(false);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await describeCluster(id)).PubliclyAccessible).toBe(false);
  });

  it('fails the snapshot of a cluster that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-cluster'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
