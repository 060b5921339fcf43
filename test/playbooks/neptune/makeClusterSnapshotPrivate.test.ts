import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { makeNeptuneClusterSnapshotPrivate as playbook } from '../../../tasks/playbooks/neptune/makeClusterSnapshotPrivate.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const snapshotArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:cluster-snapshot:${id}`;
const PARTNER = '222222222222';
const AUDITOR = '333333333333';

describe('makeNeptuneClusterSnapshotPrivate (Neptune.3) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);
  const clusterId = `graph-${crypto.randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await rds().send(new CreateDBClusterCommand({ DBClusterIdentifier: clusterId, Engine: 'neptune', MasterUsername: 'graph_admin', MasterUserPassword: 'not-a-real-password' }));
  });

  /** A manual Neptune cluster snapshot whose restore attribute holds exactly `restore`. */
  async function snapshot(restore: string[]): Promise<string> {
    const id = `graph-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: clusterId, DBClusterSnapshotIdentifier: id }));
    if (restore.length) {
      await rds().send(new ModifyDBClusterSnapshotAttributeCommand({ DBClusterSnapshotIdentifier: id, AttributeName: 'restore', ValuesToAdd: restore }));
    }
    return id;
  }

  const contextFor = (id: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsRdsDbClusterSnapshot', resourceId: snapshotArn(id), controlId: 'Neptune.3' }), aws.clients());
  const restoreOf = async (id: string) =>
    (await rds().send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: id }))).DBClusterSnapshotAttributesResult!
      .DBClusterSnapshotAttributes!.find((attribute) => attribute.AttributeName === 'restore')!
      .AttributeValues!.sort();
  const describeSnapshot = async (id: string) =>
    (await rds().send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }))).DBClusterSnapshots![0];

  it('stops public sharing of a Neptune snapshot and keeps the accounts it is shared with', async () => {
    // Prepare
    const id = await snapshot(['all', PARTNER, AUDITOR]);
    const neighbour = await snapshot(['all']);
    const ctx = contextFor(id);
    const snapshotBefore = await describeSnapshot(id);
    // Act
    const current = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, current);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshotBefore?.Engine).toBe('neptune');
    expect(current).toEqual({ public: true, sharedWithAccounts: [PARTNER, AUDITOR] });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Stop sharing Neptune cluster snapshot ${snapshotArn(id)} with all AWS accounts (remove "all" from its restore attribute); ` +
        `it stays shared with account(s) ${PARTNER}, ${AUDITOR}`,
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Neptune cluster snapshot ${id} is not public` });
    expect(await restoreOf(id)).toEqual([PARTNER, AUDITOR]);
    expect(await describeSnapshot(id)).toEqual(snapshotBefore);
    expect(await restoreOf(neighbour)).toEqual(['all']);
  });

  it('answers non-compliant for a public snapshot, and again when it is made public after the fix', async () => {
    // Prepare
    const id = await snapshot(['all', PARTNER]);
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBClusterSnapshotAttributeCommand({ DBClusterSnapshotIdentifier: id, AttributeName: 'restore', ValuesToAdd: ['all'] }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Neptune cluster snapshot ${id} is still shared with all AWS accounts` });
    expect(putBack).toMatchObject({ compliant: false });
  });

  it('rolls back to public, with the same accounts, and a second rollback changes nothing', async () => {
    // Prepare
    const id = await snapshot(['all', PARTNER]);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await restoreOf(id)).toEqual([PARTNER, 'all'].sort());
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const id = await snapshot(['all']);
    const ctx = contextFor(id);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await restoreOf(id)).toEqual([]);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a snapshot shared only with named accounts, and its rollback never makes it public', async () => {
    // Prepare
    const id = await snapshot([PARTNER]);
    const ctx = contextFor(id);
    const current = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, current);
    await playbook.rollback(ctx, current);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await restoreOf(id)).toEqual([PARTNER]);
  });

  it('fails the snapshot of a cluster snapshot that does not exist', async () => {
    // Act
    const reading = playbook.snapshot(contextFor('no-such-snapshot'));
    // Assess
    await expect(reading).rejects.toThrow();
  });
});
