import {
  DescribeDBClusterSnapshotAttributesCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  RDSClient,
  type ModifyDBClusterSnapshotAttributeCommandInput,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { makeDocumentDbClusterSnapshotPrivate as playbook } from '../../../tasks/playbooks/documentdb/makeClusterSnapshotPrivate.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const snapshotArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:cluster-snapshot:${id}`;
const PARTNER = '222222222222';

/**
 * moto cannot create a DocumentDB cluster, so RDS is stubbed with the documented behaviour of
 * DescribeDBClusterSnapshotAttributes and ModifyDBClusterSnapshotAttribute on the `restore` attribute.
 */
function stubbedRds(restore: string[]) {
  const client = new RDSClient({ region: 'us-east-1' });
  const rds = mockClient(client);
  let values = [...restore];
  rds.on(DescribeDBClusterSnapshotAttributesCommand).callsFake(async () => ({
    DBClusterSnapshotAttributesResult: { DBClusterSnapshotIdentifier: 'catalog-nightly', DBClusterSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: [...values] }] },
  }));
  rds.on(ModifyDBClusterSnapshotAttributeCommand).callsFake(async (input: ModifyDBClusterSnapshotAttributeCommandInput) => {
    values = values.filter((value) => !(input.ValuesToRemove ?? []).includes(value)).concat((input.ValuesToAdd ?? []).filter((value) => !values.includes(value)));
    return {};
  });
  const request = requestFor({ resourceType: 'AwsRdsDbClusterSnapshot', resourceId: snapshotArn('catalog-nightly'), controlId: 'DocumentDB.3' });
  return { rds, restore: () => [...values].sort(), ctx: createPlaybookContext(playbook, request, stubbedClients([client])) };
}

describe('makeDocumentDbClusterSnapshotPrivate (DocumentDB.3), RDS stubbed', () => {
  it('removes only "all" from the restore attribute, keeps the named account, and reads it back', async () => {
    // Prepare
    const { rds, restore, ctx } = stubbedRds(['all', PARTNER]);
    // Act
    const current = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, current);
    await playbook.apply(ctx, plan);
    // Assess
    expect(current).toEqual({ public: true, sharedWithAccounts: [PARTNER] });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Stop sharing DocumentDB cluster snapshot ${snapshotArn('catalog-nightly')} with all AWS accounts (remove "all" from its restore attribute); ` +
        `it stays shared with account(s) ${PARTNER}`,
    ]);
    expect(rds.commandCalls(ModifyDBClusterSnapshotAttributeCommand).map((call) => call.args[0].input)).toEqual([
      { DBClusterSnapshotIdentifier: 'catalog-nightly', AttributeName: 'restore', ValuesToRemove: ['all'] },
    ]);
    expect(restore()).toEqual([PARTNER]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: 'DocumentDB cluster snapshot catalog-nightly is not public' });
    expect(actionsSentTo({ RDS: rds })).toEqual(new Set(playbook.permissions));
  });

  it('answers non-compliant for a public snapshot', async () => {
    // Prepare
    const { ctx } = stubbedRds(['all']);
    // Act
    const result = await playbook.verify(ctx);
    // Assess
    expect(result).toEqual({ compliant: false, detail: 'DocumentDB cluster snapshot catalog-nightly is still shared with all AWS accounts' });
  });

  it('rolls back to public with the same accounts, and a second rollback sends nothing', async () => {
    // Prepare
    const { rds, restore, ctx } = stubbedRds(['all', PARTNER]);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(restore()).toEqual([PARTNER, 'all'].sort());
    expect(rds.commandCalls(ModifyDBClusterSnapshotAttributeCommand)).toHaveLength(2);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const { rds, ctx } = stubbedRds(['all']);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(rds.commandCalls(ModifyDBClusterSnapshotAttributeCommand)).toHaveLength(1);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a snapshot shared only with named accounts, and its rollback sends nothing', async () => {
    // Prepare
    const { rds, ctx } = stubbedRds([PARTNER]);
    const current = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, current);
    await playbook.rollback(ctx, current);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(rds.commandCalls(ModifyDBClusterSnapshotAttributeCommand)).toEqual([]);
  });

  it('fails the snapshot of a cluster snapshot RDS does not know', async () => {
    // Prepare
    const { rds, ctx } = stubbedRds([]);
    rds.on(DescribeDBClusterSnapshotAttributesCommand).rejects(Object.assign(new Error('DBClusterSnapshot catalog-nightly not found.'), { name: 'DBClusterSnapshotNotFoundFault' }));
    // Act
    const reading = playbook.snapshot(ctx);
    // Assess
    await expect(reading).rejects.toThrow(/not found/);
  });
});
