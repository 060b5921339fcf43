import { GetServiceSettingCommand, ResetServiceSettingCommand, SSMClient, UpdateServiceSettingCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { blockPublicDocumentSharing as playbook, PUBLIC_SHARING_SETTING } from '../../../tasks/playbooks/ssm/blockPublicDocumentSharing.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';

/** One region's SSM service settings, answered as SSM documents them (moto has none): `Enable` and `Default` until changed. */
function fakeSsm(initial?: { value: string; status: string }) {
  const state = { value: initial?.value ?? 'Enable', status: initial?.status ?? 'Default' };
  const client = new SSMClient({ region: 'us-east-1' });
  const stub = mockClient(client);
  const setting = () => ({
    SettingId: PUBLIC_SHARING_SETTING,
    SettingValue: state.value,
    Status: state.status,
    ARN: `arn:aws:ssm:us-east-1:${ACCOUNT}:servicesetting${PUBLIC_SHARING_SETTING}`,
  });
  stub.on(GetServiceSettingCommand, { SettingId: PUBLIC_SHARING_SETTING }).callsFake(() => ({ ServiceSetting: setting() }));
  stub.on(UpdateServiceSettingCommand, { SettingId: PUBLIC_SHARING_SETTING }).callsFake(({ SettingValue }) => {
    Object.assign(state, { value: SettingValue, status: 'Customized' });
    return {};
  });
  stub.on(ResetServiceSettingCommand, { SettingId: PUBLIC_SHARING_SETTING }).callsFake(() => {
    Object.assign(state, { value: 'Enable', status: 'Default' });
    return { ServiceSetting: setting() };
  });
  const clients: AwsClients = { account: ACCOUNT, region: 'us-east-1', client: <C>() => client as unknown as C };
  return { state, stub, clients };
}

describe('blockPublicDocumentSharing (SSM.7) with SSM stubbed on its documented inputs and outputs', () => {
  const stubs: { restore(): void }[] = [];
  afterEach(() => stubs.splice(0).forEach((stub) => stub.restore()));
  function setUp(initial?: { value: string; status: string }) {
    const fake = fakeSsm(initial);
    stubs.push(fake.stub);
    const ctx = createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${ACCOUNT}`, controlId: 'SSM.7' }), fake.clients);
    return { ...fake, ctx };
  }

  it('blocks public sharing by setting the service setting to Disable, and changes nothing else', async () => {
    // Prepare
    const { state, stub, ctx } = setUp();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ settingValue: 'Enable', customized: false });
    expect(plan.changes.map((c) => c.description)).toEqual([`Set the SSM service setting ${PUBLIC_SHARING_SETTING} to Disable in account ${ACCOUNT} in us-east-1 (now Enable)`]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(stub.commandCalls(UpdateServiceSettingCommand).map((c) => c.args[0].input)).toEqual([{ SettingId: PUBLIC_SHARING_SETTING, SettingValue: 'Disable' }]);
    expect(state).toEqual({ value: 'Disable', status: 'Customized' });
    expect(await playbook.verify(ctx)).toEqual({
      compliant: true,
      detail: `${PUBLIC_SHARING_SETTING} is Disable in account ${ACCOUNT} in us-east-1: public sharing of SSM documents is blocked (SSM.7)`,
    });
  });

  it('verify answers non-compliant while public sharing is allowed, whether by default or set so', async () => {
    // Act
    const byDefault = await playbook.verify(setUp().ctx);
    const setSo = await playbook.verify(setUp({ value: 'Enable', status: 'Customized' }).ctx);
    // Assess
    expect(byDefault).toMatchObject({ compliant: false, detail: expect.stringContaining('public sharing of SSM documents is allowed') });
    expect(setSo.compliant).toBe(false);
  });

  it('rolls back an untouched setting by resetting it to SSM\'s default, twice without harm', async () => {
    // Prepare
    const { stub, ctx } = setUp();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(stub.commandCalls(ResetServiceSettingCommand)).toHaveLength(1);
  });

  it('rolls back a setting someone had set to Enable by setting it to Enable again', async () => {
    // Prepare
    const { state, ctx } = setUp({ value: 'Enable', status: 'Customized' });
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(state).toEqual({ value: 'Enable', status: 'Customized' });
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });

  it('changes nothing when applied a second time, and plans nothing once blocked', async () => {
    // Prepare
    const { stub, ctx } = setUp();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(stub.commandCalls(UpdateServiceSettingCommand)).toHaveLength(1);
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
    expect(actionsSentTo({ SSM: stub })).toEqual(new Set(playbook.permissions));
  });
});
