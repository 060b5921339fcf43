import { CloudFormationClient, DescribeStacksCommand, UpdateTerminationProtectionCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { enableTerminationProtection as playbook } from '../../../tasks/playbooks/cloudformation/enableTerminationProtection.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const stackArn = (name: string, id: string) => `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${name}/${id}`;
const ORDERS = stackArn('orders', '5b8c4f70-1e0a-11ef-9a3b-0a1b2c3d4e5f');
const NEIGHBOUR = stackArn('orders-dns', '6c9d5081-1e0a-11ef-9a3b-0a1b2c3d4e5f');
const NESTED = stackArn('orders-Queue-1X2Y3Z', '7dae6192-1e0a-11ef-9a3b-0a1b2c3d4e5f');

/**
 * CloudFormation as the documented API behaves, for the calls the playbook makes: DescribeStacks
 * by stack ARN (ValidationError for an unknown one) and UpdateTerminationProtection (refused on a
 * nested stack). moto 5.2.1 has no UpdateTerminationProtection.
 */
describe('enableTerminationProtection (CloudFormation.3) with aws-sdk-client-mock', () => {
  const cloudformation = mockClient(CloudFormationClient);
  // A class stub: the fast tier's next files share this process (docs/decisions/018).
  afterAll(() => {
    cloudformation.restore();
  });
  let stacks: Map<string, Stack>;
  const clients: AwsClients = { account: ACCOUNT, region: 'us-east-1', client: <C>() => new CloudFormationClient({ region: 'us-east-1' }) as C };
  const contextFor = (arn: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsCloudFormationStack', resourceId: arn, controlId: 'CloudFormation.3' }), clients);
  const stack = (arn: string, extra: Partial<Stack> = {}): Stack => ({
    StackId: arn,
    StackName: arn.split('/')[1]!,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date('2026-01-01T00:00:00Z'),
    EnableTerminationProtection: false,
    Tags: [{ Key: 'team', Value: 'orders' }],
    ...extra,
  });

  beforeEach(() => {
    cloudformation.reset();
    stacks = new Map([
      [ORDERS, stack(ORDERS)],
      [NEIGHBOUR, stack(NEIGHBOUR)],
      [NESTED, stack(NESTED, { ParentId: ORDERS, RootId: ORDERS })],
    ]);
    cloudformation.on(DescribeStacksCommand).callsFake(({ StackName }: { StackName: string }) => {
      const found = stacks.get(StackName);
      if (!found) throw Object.assign(new Error(`Stack with id ${StackName} does not exist`), { name: 'ValidationError' });
      return { Stacks: [structuredClone(found)] };
    });
    cloudformation.on(UpdateTerminationProtectionCommand).callsFake(({ StackName, EnableTerminationProtection }: { StackName: string; EnableTerminationProtection: boolean }) => {
      const found = stacks.get(StackName);
      if (!found) throw Object.assign(new Error(`Stack [${StackName}] does not exist`), { name: 'ValidationError' });
      if (found.RootId) throw Object.assign(new Error('Termination protection cannot be updated on nested stacks'), { name: 'ValidationError' });
      found.EnableTerminationProtection = EnableTerminationProtection;
      return { StackId: found.StackId };
    });
  });

  it('turns on termination protection of the stack named and no other, and sends only what it declares', async () => {
    // Prepare
    const ctx = contextFor(ORDERS);
    const neighbourBefore = structuredClone(stacks.get(NEIGHBOUR));
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ terminationProtection: false });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set EnableTerminationProtection to true on CloudFormation stack ${ORDERS}: DeleteStack is refused until it is turned off`,
    ]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(cloudformation.commandCalls(UpdateTerminationProtectionCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: ORDERS, EnableTerminationProtection: true },
    ]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: 'Termination protection of CloudFormation stack orders is enabled' });
    expect(stacks.get(NEIGHBOUR)).toEqual(neighbourBefore);
    expect(actionsSentTo({ CloudFormation: cloudformation })).toEqual(new Set(playbook.permissions));
  });

  it('verify answers non-compliant for an unprotected stack', async () => {
    // Act
    const result = await playbook.verify(contextFor(ORDERS));
    // Assess
    expect(result).toEqual({ compliant: false, detail: 'Termination protection of CloudFormation stack orders is disabled' });
  });

  it('rolls back to no termination protection', async () => {
    // Prepare
    const ctx = contextFor(ORDERS);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(cloudformation.commandCalls(UpdateTerminationProtectionCommand).map((c) => c.args[0].input.EnableTerminationProtection)).toEqual([true, false]);
  });

  it('changes nothing when applied a second time, and plans nothing for a protected stack, whose rollback keeps protection', async () => {
    // Prepare
    stacks.get(NEIGHBOUR)!.EnableTerminationProtection = true;
    const ctx = contextFor(ORDERS);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    const protectedCtx = contextFor(NEIGHBOUR);
    const protectedSnapshot = await playbook.snapshot(protectedCtx);
    const protectedPlan = await playbook.plan(protectedCtx, protectedSnapshot);
    await playbook.rollback(protectedCtx, protectedSnapshot);
    // Assess
    expect(cloudformation.commandCalls(UpdateTerminationProtectionCommand)).toHaveLength(1);
    expect(protectedPlan.changes).toEqual([]);
    expect(stacks.get(NEIGHBOUR)!.EnableTerminationProtection).toBe(true);
  });

  it('refuses a nested stack, naming its root, and fails the snapshot of a stack that does not exist', async () => {
    // Prepare
    const nested = contextFor(NESTED);
    // Act
    const planning = playbook.snapshot(nested).then((snapshot) => playbook.plan(nested, snapshot));
    // Assess
    await expect(planning).rejects.toThrow(`it is a nested stack, which takes its protection from its root stack ${ORDERS}`);
    await expect(playbook.snapshot(contextFor(stackArn('gone', '8ebf72a3-1e0a-11ef-9a3b-0a1b2c3d4e5f')))).rejects.toThrow(/does not exist/);
    expect(cloudformation.commandCalls(UpdateTerminationProtectionCommand)).toHaveLength(0);
  });
});
