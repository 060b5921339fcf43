import {
  GetAccountPasswordPolicyCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
  type UpdateAccountPasswordPolicyCommandInput,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enforceStrongPasswordPolicy as playbook } from '../../../tasks/playbooks/iam/enforceStrongPasswordPolicy.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const STRICT: UpdateAccountPasswordPolicyCommandInput = {
  MinimumPasswordLength: 20,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  RequireSymbols: true,
  RequireNumbers: true,
  PasswordReusePrevention: 24,
  MaxPasswordAge: 30,
  AllowUsersToChangePassword: false,
  HardExpiry: true,
};

describe('enforceStrongPasswordPolicy (IAM.7, IAM.11-IAM.17) against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);
  // The password policy is account-wide: every test starts from an account without one.
  beforeEach(() => aws.moto.reset());

  function contextFor(controlId = 'IAM.15', settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: 'AWS::::Account:123456789012', controlId });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }
  const setPolicy = (input: UpdateAccountPasswordPolicyCommandInput) => iam().send(new UpdateAccountPasswordPolicyCommand(input));
  const livePolicy = async () => (await iam().send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;

  it('tightens the weak settings and keeps the compliant ones beside them', async () => {
    // Prepare
    await setPolicy({ MinimumPasswordLength: 8, RequireUppercaseCharacters: true, AllowUsersToChangePassword: true });
    const ctx = contextFor();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.summary).toBe('Tighten 6 setting(s) of the password policy of account 123456789012');
    expect(plan.changes.map((change) => change.description)).toEqual([
      'Require passwords of at least 14 characters (now 8; IAM.15)',
      'Require at least one lowercase letter in passwords (IAM.7, IAM.12)',
      'Require at least one symbol in passwords (IAM.7, IAM.13)',
      'Require at least one number in passwords (IAM.7, IAM.14)',
      'Prevent reuse of the last 24 passwords (now reuse allowed; IAM.16)',
      'Expire passwords after 90 days (now never; IAM.17)',
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await livePolicy()).toMatchObject({
      MinimumPasswordLength: 14,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      RequireSymbols: true,
      RequireNumbers: true,
      PasswordReusePrevention: 24,
      MaxPasswordAge: 90,
      AllowUsersToChangePassword: true,
      HardExpiry: false,
    });
  });

  it('keeps every stricter existing setting', async () => {
    // Prepare
    await setPolicy({ ...STRICT, RequireSymbols: false });
    const ctx = contextFor('IAM.13');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual(['Require at least one symbol in passwords (IAM.7, IAM.13)']);
    expect(await livePolicy()).toMatchObject({ ...STRICT, RequireSymbols: true });
  });

  it('rolls back to the previous policy exactly', async () => {
    // Prepare
    await setPolicy({ MinimumPasswordLength: 10, RequireNumbers: true, PasswordReusePrevention: 5, HardExpiry: true });
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    const original = await livePolicy();
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await livePolicy()).toEqual(original);
  });

  it('creates a policy where there was none, and rolls back by deleting it', async () => {
    // Prepare
    const ctx = contextFor('IAM.7');
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const created = await livePolicy();
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(before).toBeNull();
    expect(plan.summary).toBe('Create a password policy for account 123456789012, which has none');
    expect(plan.changes[0]!.description).toBe('Require passwords of at least 14 characters (now no policy; IAM.7, IAM.15)');
    // Users may change their own (expired) password, so expiry cannot lock anyone out.
    expect(created).toMatchObject({ MinimumPasswordLength: 14, MaxPasswordAge: 90, AllowUsersToChangePassword: true, HardExpiry: false });
    expect(await playbook.snapshot(ctx)).toBeNull();
    await expect(livePolicy()).rejects.toThrow(/cannot be found/);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    await setPolicy({ MinimumPasswordLength: 8 });
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await livePolicy();
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await livePolicy()).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a policy that is already strict', async () => {
    // Prepare
    await setPolicy(STRICT);
    const ctx = contextFor('IAM.17');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('uses the values from settings, and reads no tags for the account', async () => {
    // Prepare
    await setPolicy({ ...STRICT, MinimumPasswordLength: 14, MaxPasswordAge: 90 });
    const ctx = contextFor('IAM.15', { minimumPasswordLength: 16, maxPasswordAgeDays: 60 });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual([
      'Require passwords of at least 16 characters (now 14; IAM.15)',
      'Expire passwords after 60 days (now 90 days; IAM.17)',
    ]);
    expect(playbook.settings.parse({})).toEqual({ minimumPasswordLength: 14, passwordReusePrevention: 24, maxPasswordAgeDays: 90 });
    expect(await playbook.readTags!(ctx)).toEqual({});
  });
});
