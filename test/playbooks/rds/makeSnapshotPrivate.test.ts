import {
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { makeSnapshotPrivate as playbook } from '../../../tasks/playbooks/rds/makeSnapshotPrivate.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const snapshotArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:snapshot:${id}`;
const PARTNER = '222222222222';
const AUDITOR = '333333333333';

describe('makeSnapshotPrivate (RDS.1) against moto', () => {
  const aws = useMoto();
  const rds = () => aws.clients().client(RDSClient);
  const instanceId = `orders-${crypto.randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: instanceId,
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'orders_admin',
        MasterUserPassword: 'not-a-real-password',
      }),
    );
  });

  /** A manual snapshot whose restore attribute holds exactly `restore`. */
  async function snapshot(restore: string[]): Promise<string> {
    const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
    await rds().send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: instanceId, DBSnapshotIdentifier: id }));
    if (restore.length) {
      await rds().send(new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: id, AttributeName: 'restore', ValuesToAdd: restore }));
    }
    return id;
  }

  function contextFor(id: string) {
    const request = requestFor({ resourceType: 'AwsRdsDbSnapshot', resourceId: snapshotArn(id), controlId: 'RDS.1' });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  const restoreOf = async (id: string) =>
    (await rds().send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id }))).DBSnapshotAttributesResult!
      .DBSnapshotAttributes!.find((attribute) => attribute.AttributeName === 'restore')!
      .AttributeValues!.sort();
  const describeSnapshot = async (id: string) =>
    (await rds().send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))).DBSnapshots![0];

  it('stops public sharing and keeps the accounts the snapshot is shared with', async () => {
    // Prepare
    const id = await snapshot(['all', PARTNER, AUDITOR]);
    const ctx = contextFor(id);
    const snapshotBefore = await describeSnapshot(id);
    // Act
    const current = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, current);
    await playbook.apply(ctx, plan);
    // Assess
    expect(current).toEqual({ public: true, sharedWithAccounts: [PARTNER, AUDITOR] });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Stop sharing RDS snapshot ${snapshotArn(id)} with all AWS accounts (remove "all" from its restore attribute); ` +
        `it stays shared with account(s) ${PARTNER}, ${AUDITOR}`,
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await restoreOf(id)).toEqual([PARTNER, AUDITOR]);
    expect(await describeSnapshot(id)).toEqual(snapshotBefore);
  });

  it('answers non-compliant for a public snapshot, and again when it is made public after the fix', async () => {
    // Prepare
    const id = await snapshot(['all', PARTNER]);
    const ctx = contextFor(id);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await rds().send(new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: id, AttributeName: 'restore', ValuesToAdd: ['all'] }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `RDS snapshot ${id} is still shared with all AWS accounts` });
    expect(putBack).toMatchObject({ compliant: false });
  });

  it('rolls back to public, with the same accounts', async () => {
    // Prepare
    const id = await snapshot(['all', PARTNER]);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
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
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await restoreOf(id)).toEqual([PARTNER]);
  });

  it('rolls back a public snapshot shared with no account by re-adding only "all"', async () => {
    // Prepare
    const id = await snapshot(['all']);
    const ctx = contextFor(id);
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes[0]?.description).toMatch(/it is shared with no account by id$/);
    expect(await restoreOf(id)).toEqual(['all']);
  });
});
