import {
  DescribeSnapshotsCommand,
  DisableSnapshotBlockPublicAccessCommand,
  EC2Client,
  EnableSnapshotBlockPublicAccessCommand,
  GetSnapshotBlockPublicAccessStateCommand,
  type SnapshotBlockPublicAccessState,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { blockSnapshotPublicAccess as playbook } from '../../../tasks/playbooks/ec2/blockSnapshotPublicAccess.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';

/** One region's EBS snapshot block public access state and public snapshots, answered as EC2 documents them (moto lacks the API). */
function fakeEc2(initial: SnapshotBlockPublicAccessState = 'unblocked', publicSnapshots: string[] = []) {
  const state = { value: initial };
  const client = new EC2Client({ region: 'us-east-1' });
  const stub = mockClient(client);
  stub.on(GetSnapshotBlockPublicAccessStateCommand).callsFake(() => ({ State: state.value }));
  stub.on(EnableSnapshotBlockPublicAccessCommand).callsFake(({ State }) => {
    state.value = State;
    return { State };
  });
  stub.on(DisableSnapshotBlockPublicAccessCommand).callsFake(() => {
    state.value = 'unblocked';
    return { State: 'unblocked' };
  });
  stub.on(DescribeSnapshotsCommand, { OwnerIds: ['self'], RestorableByUserIds: ['all'] }).resolves({ Snapshots: publicSnapshots.map((SnapshotId) => ({ SnapshotId })) });
  const clients: AwsClients = { account: ACCOUNT, region: 'us-east-1', client: <C>() => client as unknown as C };
  return { state, stub, clients };
}

describe('blockSnapshotPublicAccess (EC2.182) with EC2 stubbed on its documented inputs and outputs', () => {
  const stubs: { restore(): void }[] = [];
  afterEach(() => stubs.splice(0).forEach((stub) => stub.restore()));
  function setUp(initial?: SnapshotBlockPublicAccessState, publicSnapshots?: string[]) {
    const fake = fakeEc2(initial, publicSnapshots);
    stubs.push(fake.stub);
    const ctx = createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${ACCOUNT}`, controlId: 'EC2.182' }), fake.clients);
    return { ...fake, ctx };
  }

  it('blocks all sharing where nothing is public, a non-disruptive plan', async () => {
    // Prepare
    const { state, stub, ctx } = setUp();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ state: 'unblocked' });
    expect(plan.changes.map((c) => c.description)).toEqual([`Set EBS snapshot block public access to block-all-sharing in account ${ACCOUNT} in us-east-1 (now unblocked)`]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(stub.commandCalls(EnableSnapshotBlockPublicAccessCommand).map((c) => c.args[0].input)).toEqual([{ State: 'block-all-sharing' }]);
    expect(state.value).toBe('block-all-sharing');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `EBS snapshot block public access is block-all-sharing in account ${ACCOUNT} in us-east-1 (EC2.182)` });
  });

  it('is disruptive when snapshots are public today, and names them', async () => {
    // Prepare
    const { ctx } = setUp('block-new-sharing', ['snap-0a', 'snap-0b']);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.impact).toEqual({
      level: 'disruptive',
      why: 'snapshots public today stop being restorable by other accounts: snap-0a, snap-0b; anyone restoring volumes from them loses that access',
    });
    expect(plan.summary).toContain('(disruptive: ');
  });

  it('verify fails unblocked and block-new-sharing: the control requires all sharing blocked', async () => {
    // Act
    const unblocked = await playbook.verify(setUp('unblocked').ctx);
    const newOnly = await playbook.verify(setUp('block-new-sharing').ctx);
    // Assess
    expect(unblocked).toMatchObject({ compliant: false });
    expect(newOnly).toEqual({ compliant: false, detail: `EBS snapshot block public access is block-new-sharing in account ${ACCOUNT} in us-east-1 (EC2.182)` });
  });

  it.each(['unblocked', 'block-new-sharing'] as const)('rolls back to %s, twice without harm', async (initial) => {
    // Prepare
    const { state, ctx } = setUp(initial);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(state.value).toBe(initial);
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });

  it('changes nothing when applied a second time, and plans nothing once all sharing is blocked', async () => {
    // Prepare
    const { stub, ctx } = setUp();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(stub.commandCalls(EnableSnapshotBlockPublicAccessCommand)).toHaveLength(1);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('needs exactly the actions it declares (the permission proof for a playbook moto cannot run)', async () => {
    // Prepare
    const { stub, ctx } = setUp();
    const before = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    await playbook.verify(ctx);
    await playbook.rollback(ctx, before);
    // Assess
    expect(actionsSentTo({ EC2: stub })).toEqual(new Set(playbook.permissions));
  });
});
