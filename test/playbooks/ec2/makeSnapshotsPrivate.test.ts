import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { makeSnapshotsPrivate as playbook } from '../../../tasks/playbooks/ec2/makeSnapshotsPrivate.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ADMIN = '123456789012';
const MEMBER = '222222222222';
const PARTNER = '111122223333';

describe('makeSnapshotsPrivate (EC2.1) against moto', () => {
  const aws = useMoto();
  const ec2 = (account = ADMIN) => aws.clients(account).client(EC2Client);
  // The finding names the whole account: snapshots left by another test would be in scope.
  beforeEach(() => aws.moto.reset());

  /** A snapshot shared with everyone and/or with accounts by id. */
  async function snapshot(description: string, share: { everyone?: boolean; accounts?: string[] } = {}, account = ADMIN): Promise<string> {
    const { VolumeId } = await ec2(account).send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8 }));
    const { SnapshotId } = await ec2(account).send(new CreateSnapshotCommand({ VolumeId, Description: description }));
    const modify = (permission: { GroupNames?: string[]; UserIds?: string[] }) =>
      ec2(account).send(new ModifySnapshotAttributeCommand({ SnapshotId, Attribute: 'createVolumePermission', OperationType: 'add', ...permission }));
    if (share.everyone) await modify({ GroupNames: ['all'] });
    if (share.accounts) await modify({ UserIds: share.accounts });
    return SnapshotId!;
  }

  function contextFor(account = ADMIN) {
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${account}`, controlId: 'EC2.1', account });
    return createPlaybookContext(playbook, request, aws.clients(account));
  }

  /** Who may create volumes from the snapshot, one word each, sorted. */
  async function sharingOf(SnapshotId: string, account = ADMIN): Promise<string[]> {
    const { CreateVolumePermissions = [] } = await ec2(account).send(
      new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: 'createVolumePermission' }),
    );
    return CreateVolumePermissions.map((permission) => permission.Group ?? permission.UserId!).sort();
  }

  it('removes public sharing and keeps sharing with named accounts and private snapshots as they are', async () => {
    // Prepare
    const webImage = await snapshot('web image', { everyone: true, accounts: [PARTNER] });
    const dataset = await snapshot('', { everyone: true });
    const partnerOnly = await snapshot('partner copy', { accounts: [PARTNER] });
    const privateOne = await snapshot('backup');
    const ctx = contextFor();
    // Act
    const snap = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snap);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snap).toEqual({
      publicSnapshots: [
        { snapshotId: webImage, description: 'web image' },
        { snapshotId: dataset, description: null },
      ].sort((a, b) => a.snapshotId.localeCompare(b.snapshotId)),
    });
    expect(plan.summary).toMatch(new RegExp(`^Make 2 public EBS snapshot\\(s\\) private in account ${ADMIN} in us-east-1 \\(disruptive: `));
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining(webImage) });
    expect(plan.changes.map((change) => change.description)).toContain(
      `Stop sharing EBS snapshot ${webImage} ("web image") with everyone: remove the createVolumePermission group "all"; ` +
        'accounts it is shared with by id keep their access',
    );
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await sharingOf(webImage)).toEqual([PARTNER]);
    expect(await sharingOf(dataset)).toEqual([]);
    expect(await sharingOf(partnerOnly)).toEqual([PARTNER]);
    expect(await sharingOf(privateOne)).toEqual([]);
  });

  it('rolls back to the snapshots that were public', async () => {
    // Prepare
    const webImage = await snapshot('web image', { everyone: true, accounts: [PARTNER] });
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await sharingOf(webImage)).toEqual(['all', PARTNER].sort());
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify answers non-compliant while a snapshot is public, and again when one is made public after the fix', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const webImage = await snapshot('web image', { everyone: true });
    await snapshot('partner copy', { accounts: [PARTNER] });
    const ctx = contextFor();
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    const later = await snapshot('published later', { everyone: true });
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Still public in account ${ADMIN} in us-east-1: ${webImage}` });
    expect(fixed.compliant).toBe(true);
    expect(putBack).toEqual({ compliant: false, detail: `Still public in account ${ADMIN} in us-east-1: ${later}` });
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const webImage = await snapshot('web image', { everyone: true, accounts: [PARTNER] });
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await sharingOf(webImage)).toEqual([PARTNER]);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing when no snapshot is public', async () => {
    // Prepare
    await snapshot('partner copy', { accounts: [PARTNER] });
    const ctx = contextFor();
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan).toEqual({ summary: `No EBS snapshot of account ${ADMIN} in us-east-1 is restorable by everyone`, changes: [] });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('skips a planned snapshot that was deleted before apply', async () => {
    // Prepare
    const gone = await snapshot('deleted meanwhile', { everyone: true });
    const kept = await snapshot('web image', { everyone: true });
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await ec2().send(new DeleteSnapshotCommand({ SnapshotId: gone }));
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes).toHaveLength(2);
    expect(await sharingOf(kept)).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fixes only the finding’s account: a member finding leaves the administrator’s public snapshot alone', async () => {
    // Prepare
    const adminPublic = await snapshot('admin image', { everyone: true });
    const memberPublic = await snapshot('member image', { everyone: true }, MEMBER);
    const ctx = contextFor(MEMBER);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect(await sharingOf(memberPublic, MEMBER)).toEqual([]);
    expect(await sharingOf(adminPublic)).toEqual(['all']);
  });
});
