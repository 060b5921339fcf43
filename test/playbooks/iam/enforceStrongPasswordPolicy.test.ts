import {
  GetAccountPasswordPolicyCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
  type UpdateAccountPasswordPolicyCommandInput,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorName } from '../../../tasks/domain/constants.js';
import { InvalidControlParametersError } from '../../../tasks/domain/errors.js';
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

  function contextFor(controlId = 'IAM.15', settings?: unknown, controlParameters?: Record<string, string[]>) {
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: 'AWS::::Account:123456789012', controlId, controlParameters });
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
      "Require passwords of at least 16 characters (now 14; minimumPasswordLength 16 from the policy's playbook settings)",
      "Expire passwords after 60 days (now 90 days; maxPasswordAgeDays 60 from the policy's playbook settings)",
    ]);
    // Settings have no defaults of their own: the controls' values apply unless one is set.
    expect(playbook.settings.parse({})).toEqual({});
    expect(await playbook.readTags!(ctx)).toEqual({});
  });

  describe('IAM.7 control parameters', () => {
    /** Meets the playbook's own values (IAM.11-IAM.17) and IAM.7's defaults. */
    const PLAYBOOK_DEFAULTS: UpdateAccountPasswordPolicyCommandInput = {
      ...STRICT,
      MinimumPasswordLength: 14,
      MaxPasswordAge: 90,
      AllowUsersToChangePassword: true,
      HardExpiry: false,
    };

    it('sets the MinimumPasswordLength of the finding (20), not the playbook default, and says where it came from', async () => {
      // Prepare
      const ctx = contextFor('IAM.7', undefined, { MinimumPasswordLength: ['20'] });
      // Act
      const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
      await playbook.apply(ctx, plan);
      // Assess
      expect(plan.changes[0]!.description).toBe(
        "Require passwords of at least 20 characters (now no policy; IAM.7 MinimumPasswordLength 20 from the finding's control parameters, IAM.15)",
      );
      expect(plan.summary).toContain("(using IAM.7 MinimumPasswordLength 20 from the finding's control parameters)");
      expect(await livePolicy()).toMatchObject({ MinimumPasswordLength: 20 });
      expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    });

    it('verify fails a policy that meets the playbook default but not the finding\'s MinimumPasswordLength', async () => {
      // Prepare
      await setPolicy(PLAYBOOK_DEFAULTS);
      // Act
      const withParameter = await playbook.verify(contextFor('IAM.7', undefined, { MinimumPasswordLength: ['20'] }));
      const withDefaults = await playbook.verify(contextFor('IAM.7'));
      // Assess
      expect(withParameter).toEqual({
        compliant: false,
        detail:
          'The password policy of account 123456789012 still needs: Require passwords of at least 20 characters ' +
          "(now 14; IAM.7 MinimumPasswordLength 20 from the finding's control parameters)",
      });
      expect(withDefaults).toMatchObject({ compliant: true });
    });

    it('expires passwords after the finding\'s MaxPasswordAge when it is shorter than IAM.17\'s 90 days', async () => {
      // Prepare
      await setPolicy(PLAYBOOK_DEFAULTS);
      const ctx = contextFor('IAM.7', undefined, { MaxPasswordAge: ['30'], PasswordReusePrevention: ['5'], RequireSymbols: ['false'] });
      // Act
      const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
      await playbook.apply(ctx, plan);
      // Assess: reuse 24 already meets IAM.7's 5; symbols stay required for IAM.13.
      expect(plan.changes.map((change) => change.description)).toEqual([
        "Expire passwords after 30 days (now 90 days; IAM.7 MaxPasswordAge 30 from the finding's control parameters)",
      ]);
      expect(await livePolicy()).toMatchObject({ MaxPasswordAge: 30, PasswordReusePrevention: 24, RequireSymbols: true });
    });

    it('a policy setting overrides the parameter only when it is at least as strict', async () => {
      // Prepare
      await setPolicy(PLAYBOOK_DEFAULTS);
      const stricter = contextFor('IAM.7', { minimumPasswordLength: 24 }, { MinimumPasswordLength: ['20'] });
      const looser = contextFor('IAM.7', { minimumPasswordLength: 16 }, { MinimumPasswordLength: ['20'] });
      // Act
      const plan = await playbook.plan(stricter, await playbook.snapshot(stricter));
      // Assess
      expect(plan.changes.map((change) => change.description)).toEqual([
        "Require passwords of at least 24 characters (now 14; IAM.7 MinimumPasswordLength 20 from the finding's control parameters; minimumPasswordLength 24 from the policy's playbook settings)",
      ]);
      expect(() => playbook.plan(looser, null)).toThrow(
        expect.objectContaining({
          name: ErrorName.InvalidControlParameters,
          message: expect.stringContaining(
            "setting minimumPasswordLength (16) is less strict than the control's MinimumPasswordLength (20, from the finding's control parameters)",
          ),
        }),
      );
      await expect(playbook.apply(looser, plan)).rejects.toMatchObject({ name: ErrorName.InvalidControlParameters });
      expect(await livePolicy()).toMatchObject({ MinimumPasswordLength: 14 });
    });

    it('uses Security Hub\'s defaults for another control of the playbook, and fails closed on parameters it does not know', async () => {
      // Prepare
      await setPolicy(PLAYBOOK_DEFAULTS);
      // Act
      const iam15 = contextFor('IAM.15');
      // Assess: IAM.15 takes no parameters; parameters on its finding cannot be honoured.
      expect(iam15.parameters).toMatchObject({ MinimumPasswordLength: 8, RequireSymbols: true });
      expect(iam15.parametersFromFinding).toEqual([]);
      expect(() => contextFor('IAM.15', undefined, { MinimumPasswordLength: ['20'] })).toThrow(
        /\(control IAM\.15\) carries control parameters \("MinimumPasswordLength"\) that playbook iam-enforce-strong-password-policy does not know for IAM\.15/,
      );
      expect(() => contextFor('IAM.7', undefined, { RequireSymbols: ['True'] })).toThrow(InvalidControlParametersError);
      expect(() => contextFor('IAM.7', undefined, { MinimumPasswordLength: ['20', '21'] })).toThrow(/"MinimumPasswordLength" = \["20","21"\] is not valid/);
      expect(await livePolicy()).toMatchObject({ MinimumPasswordLength: 14 });
    });
  });
});
