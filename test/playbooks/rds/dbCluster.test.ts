import { DescribeDBClustersCommand, ModifyDBClusterCommand, RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableClusterCopyTagsToSnapshot } from '../../../tasks/playbooks/rds/enableClusterCopyTagsToSnapshot.js';
import { enableClusterDeletionProtection } from '../../../tasks/playbooks/rds/enableClusterDeletionProtection.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:orders';

/**
 * moto applies every ModifyDBCluster at once and never reports PendingModifiedValues, so RDS is
 * stubbed here to answer as it does for a cluster whose owners queued an engine upgrade.
 */
describe('RDS DB cluster changes with modifications pending on the cluster', () => {
  const client = new RDSClient({ region: 'us-east-1' });
  const rds = mockClient(client);
  afterEach(() => rds.reset());

  const pendingCluster: DBCluster = {
    DBClusterIdentifier: 'orders',
    Engine: 'aurora-postgresql',
    Status: 'available',
    DeletionProtection: false,
    CopyTagsToSnapshot: false,
    PendingModifiedValues: { EngineVersion: '16.4', MasterUserPassword: '****' },
  };

  it('refuses a change that must be applied now, naming what is pending, and sends no ModifyDBCluster', async () => {
    // Prepare
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [pendingCluster] });
    const ctx = createPlaybookContext(
      enableClusterCopyTagsToSnapshot,
      requestFor({ resourceType: 'AwsRdsDbCluster', resourceId: ARN, controlId: 'RDS.16' }),
      stubbedClients([client]),
    );
    // Act
    const planning = enableClusterCopyTagsToSnapshot.plan(ctx, await enableClusterCopyTagsToSnapshot.snapshot(ctx));
    const applying = enableClusterCopyTagsToSnapshot.apply(ctx, { summary: '', changes: [] });
    // Assess
    await expect(planning).rejects.toThrow(
      /2 modification\(s\) are pending on the cluster \(EngineVersion 16\.4; MasterUserPassword\); this setting must be applied at once, which could apply them too, so apply or cancel them first\. Rectify changed nothing\.$/,
    );
    await expect(applying).rejects.toThrow(/modification\(s\) are pending on the cluster/);
    expect(rds.commandCalls(ModifyDBClusterCommand)).toEqual([]);
  });

  it('sends deletion protection, which RDS applies at once anyway, with ApplyImmediately false so nothing pending is applied', async () => {
    // Prepare
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [pendingCluster] });
    rds.on(ModifyDBClusterCommand).resolves({});
    const ctx = createPlaybookContext(
      enableClusterDeletionProtection,
      requestFor({ resourceType: 'AwsRdsDbCluster', resourceId: ARN, controlId: 'RDS.7' }),
      stubbedClients([client]),
    );
    // Act
    const plan = await enableClusterDeletionProtection.plan(ctx, await enableClusterDeletionProtection.snapshot(ctx));
    await enableClusterDeletionProtection.apply(ctx, plan);
    // Assess
    expect(rds.commandCalls(ModifyDBClusterCommand).map((call) => call.args[0].input)).toEqual([
      { DBClusterIdentifier: 'orders', DeletionProtection: true, ApplyImmediately: false },
    ]);
  });
});
