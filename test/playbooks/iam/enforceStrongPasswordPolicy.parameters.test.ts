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

/** Meets IAM.7's defaults and IAM.11-IAM.17 (length 14, reuse 24, expiry 90). */
const CONTROL_MINIMUM: UpdateAccountPasswordPolicyCommandInput = {
  MinimumPasswordLength: 14,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  RequireSymbols: true,
  RequireNumbers: true,
  PasswordReusePrevention: 24,
  MaxPasswordAge: 90,
  AllowUsersToChangePassword: true,
  HardExpiry: false,
};

describe('enforceStrongPasswordPolicy: IAM.7 control parameters and the policy settings, against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);
  beforeEach(() => aws.moto.reset());

  function contextFor(controlId: string, settings?: unknown, controlParameters?: Record<string, string[]>) {
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: 'AWS::::Account:123456789012', controlId, controlParameters });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }
  const setPolicy = (input: UpdateAccountPasswordPolicyCommandInput) => iam().send(new UpdateAccountPasswordPolicyCommand(input));
  const livePolicy = async () => (await iam().send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;

  it('fixes IAM.7 to exactly the finding\'s parameters, says where they came from, and leaves what it does not check', async () => {
    // Prepare
    await setPolicy({ MinimumPasswordLength: 8, RequireSymbols: false, AllowUsersToChangePassword: true, HardExpiry: true });
    const parameters = { MinimumPasswordLength: ['20'], RequireSymbols: ['false'], PasswordReusePrevention: ['12'], MaxPasswordAge: ['30'] };
    const ctx = contextFor('IAM.7', undefined, parameters);
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before.compliant).toBe(false);
    expect(plan.changes.map((change) => change.description)).toEqual([
      'Require at least one uppercase letter in passwords (IAM.7)',
      'Require at least one lowercase letter in passwords (IAM.7)',
      'Require at least one number in passwords (IAM.7)',
      "Require passwords of at least 20 characters (now 8; IAM.7 MinimumPasswordLength 20 from the finding's control parameters)",
      "Prevent reuse of the last 12 passwords (now reuse allowed; IAM.7 PasswordReusePrevention 12 from the finding's control parameters)",
      "Expire passwords after 30 days (now never; IAM.7 MaxPasswordAge 30 from the finding's control parameters)",
    ]);
    expect(await livePolicy()).toEqual({
      MinimumPasswordLength: 20,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      RequireSymbols: false,
      RequireNumbers: true,
      PasswordReusePrevention: 12,
      MaxPasswordAge: 30,
      ExpirePasswords: true,
      AllowUsersToChangePassword: true,
      HardExpiry: true,
    });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('with Security Hub\'s defaults, IAM.7 requires every class and 8 characters, and sets no reuse or expiry', async () => {
    // Prepare
    await setPolicy({ MinimumPasswordLength: 6 });
    const ctx = contextFor('IAM.7');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes).toHaveLength(5);
    expect(await livePolicy()).toMatchObject({ MinimumPasswordLength: 8, RequireSymbols: true, RequireNumbers: true, ExpirePasswords: false });
    expect((await livePolicy())?.PasswordReusePrevention).toBeUndefined();
  });

  it("verify fails a policy that meets the defaults but not the finding's MinimumPasswordLength", async () => {
    // Prepare
    await setPolicy(CONTROL_MINIMUM);
    // Act
    const withParameter = await playbook.verify(contextFor('IAM.7', undefined, { MinimumPasswordLength: ['20'] }));
    const withDefaults = await playbook.verify(contextFor('IAM.7'));
    // Assess
    expect(withParameter).toEqual({
      compliant: false,
      detail:
        'The password policy of account 123456789012 still needs, for IAM.7: Require passwords of at least 20 characters ' +
        "(now 14; IAM.7 MinimumPasswordLength 20 from the finding's control parameters)",
    });
    expect(withDefaults).toMatchObject({ compliant: true });
  });

  it('a policy setting overrides the parameter only when it is at least as strict', async () => {
    // Prepare
    await setPolicy(CONTROL_MINIMUM);
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

  it('uses stricter settings for the fixed controls and says so', async () => {
    // Prepare
    await setPolicy(CONTROL_MINIMUM);
    const settings = { minimumPasswordLength: 16, maxPasswordAgeDays: 60 };
    // Act
    const length = await playbook.plan(contextFor('IAM.15', settings), await playbook.snapshot(contextFor('IAM.15', settings)));
    const age = await playbook.plan(contextFor('IAM.17', settings), await playbook.snapshot(contextFor('IAM.17', settings)));
    // Assess
    expect(length.changes.map((change) => change.description)).toEqual([
      "Require passwords of at least 16 characters (now 14; IAM.15; minimumPasswordLength 16 from the policy's playbook settings)",
    ]);
    expect(age.changes.map((change) => change.description)).toEqual([
      "Expire passwords after 60 days (now 90 days; IAM.17; maxPasswordAgeDays 60 from the policy's playbook settings)",
    ]);
    // Settings have no defaults of their own: the controls' values apply unless one is set.
    expect(playbook.settings.parse({})).toEqual({});
    expect(await playbook.readTags!(contextFor('IAM.15'))).toEqual({});
  });

  it.each([
    [{ minimumPasswordLength: 8 }, /IAM\.15 requires a minimum length of at least 14/],
    [{ passwordReusePrevention: 1 }, /IAM\.16 requires preventing reuse of the last 24 passwords/],
    [{ maxPasswordAgeDays: 1095 }, /IAM\.17 requires passwords to expire within 90 days or less/],
  ])('refuses a setting looser than its control when the settings are read: %j', async (settings, message) => {
    // Prepare
    await setPolicy(CONTROL_MINIMUM);
    // Act + Assess
    expect(() => contextFor('IAM.15', settings)).toThrow(message);
    expect(() => playbook.settings.parse(settings)).toThrow(message);
    expect(await livePolicy()).toMatchObject({ MinimumPasswordLength: 14, PasswordReusePrevention: 24, MaxPasswordAge: 90 });
  });

  it("uses Security Hub's defaults for another control of the playbook, and fails closed on parameters it does not know", async () => {
    // Prepare
    await setPolicy(CONTROL_MINIMUM);
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
