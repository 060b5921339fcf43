import { CreateClusterCommand, DescribeClustersCommand, RedshiftClient, type Cluster } from '@aws-sdk/client-redshift';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableRedshiftEnhancedVpcRouting as playbook } from '../../../tasks/playbooks/redshift/enableEnhancedVpcRouting.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const clusterArn = (id: string) => `arn:aws:redshift:us-east-1:123456789012:cluster:${id}`;

describe('enableRedshiftEnhancedVpcRouting (Redshift.7) against moto', () => {
  const aws = useMoto();
  const redshift = () => aws.clients().client(RedshiftClient);

  async function cluster(enhancedVpcRouting: boolean): Promise<string> {
    const id = `warehouse-${crypto.randomUUID().slice(0, 8)}`;
    await redshift().send(
      new CreateClusterCommand({
        ClusterIdentifier: id,
        NodeType: 'ra3.xlplus',
        ClusterType: 'single-node',
        MasterUsername: 'warehouse_admin',
        MasterUserPassword: 'Not-a-real-passw0rd',
        PubliclyAccessible: true,
        EnhancedVpcRouting: enhancedVpcRouting,
        Tags: [{ Key: 'team', Value: 'analytics' }],
      }),
    );
    return id;
  }
  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRedshiftCluster', resourceId: clusterArn(id), controlId: 'Redshift.7' }), aws.clients());
  const describeCluster = async (id: string): Promise<Cluster> => (await redshift().send(new DescribeClustersCommand({ ClusterIdentifier: id }))).Clusters![0]!;
  const otherSettings = async (id: string) => {
    const { EnhancedVpcRouting: _changed, ...rest } = await describeCluster(id);
    return rest;
  };

  it('turns on enhanced VPC routing, says COPY and UNLOAD need a route to S3, and leaves the rest and its neighbour alone', async () => {
    // Prepare
    const id = await cluster(false);
    const neighbour = await cluster(false);
    const ctx = contextFor(id);
    const before = await otherSettings(id);
    // Act
    const verdictBefore = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(verdictBefore).toEqual({ compliant: false, detail: `Redshift cluster ${id} does not use enhanced VPC routing` });
    expect(snapshot).toEqual({ enhancedVpcRouting: false });
    expect(plan.impact).toEqual({ level: 'disruptive', why: expect.stringMatching(/^COPY and UNLOAD traffic then goes through the VPC: without an S3 gateway endpoint/) });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.description).toMatch(new RegExp(`^Set EnhancedVpcRouting on Redshift cluster ${clusterArn(id)} \\(VPC .*\\): COPY and UNLOAD go through the VPC`));
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Redshift cluster ${id} uses enhanced VPC routing` });
    expect(await otherSettings(id)).toEqual(before);
    expect((await describeCluster(neighbour)).EnhancedVpcRouting).toBe(false);
  });

  it('rolls back to routing outside the VPC, and a second rollback changes nothing', async () => {
    // Prepare
    const id = await cluster(false);
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
    const id = await cluster(false);
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await describeCluster(id);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await describeCluster(id)).toEqual(afterFirst);
  });

  it('plans nothing for a cluster that already uses it, and its rollback changes nothing', async () => {
    // Prepare
    const id = await cluster(true);
    const ctx = contextFor(id);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await describeCluster(id)).EnhancedVpcRouting).toBe(true);
  });

  it('fails the snapshot of a cluster that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-cluster'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
