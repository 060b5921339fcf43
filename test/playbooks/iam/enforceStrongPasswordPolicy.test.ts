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

/** Meets IAM.7's defaults and IAM.11-IAM.17, with the two fields no control checks set away from their defaults. */
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

/** Fails every control: each of its fields is one a control would change. */
const WEAK: UpdateAccountPasswordPolicyCommandInput = {
  MinimumPasswordLength: 10,
  RequireUppercaseCharacters: false,
  RequireLowercaseCharacters: false,
  RequireSymbols: false,
  RequireNumbers: false,
  PasswordReusePrevention: 5,
  MaxPasswordAge: 200,
  AllowUsersToChangePassword: true,
  HardExpiry: true,
};

/** Each control id, legacy ones too, and the one field (and value) its finding may change in WEAK. */
const ONE_REQUIREMENT_EACH: [string, Partial<UpdateAccountPasswordPolicyCommandInput>][] = [
  ['IAM.11', { RequireUppercaseCharacters: true }],
  ['IAM.12', { RequireLowercaseCharacters: true }],
  ['IAM.13', { RequireSymbols: true }],
  ['IAM.14', { RequireNumbers: true }],
  ['IAM.15', { MinimumPasswordLength: 14 }],
  ['IAM.16', { PasswordReusePrevention: 24 }],
  ['IAM.17', { MaxPasswordAge: 90 }],
  ['cis-aws-foundations-benchmark/v/1.2.0/1.5', { RequireUppercaseCharacters: true }],
  ['cis-aws-foundations-benchmark/v/1.2.0/1.6', { RequireLowercaseCharacters: true }],
  ['cis-aws-foundations-benchmark/v/1.2.0/1.7', { RequireSymbols: true }],
  ['cis-aws-foundations-benchmark/v/1.2.0/1.8', { RequireNumbers: true }],
  ['cis-aws-foundations-benchmark/v/1.2.0/1.9', { MinimumPasswordLength: 14 }],
  ['cis-aws-foundations-benchmark/v/1.2.0/1.10', { PasswordReusePrevention: 24 }],
  ['cis-aws-foundations-benchmark/v/1.2.0/1.11', { MaxPasswordAge: 90 }],
  ['cis-aws-foundations-benchmark/v/1.4.0/1.8', { MinimumPasswordLength: 14 }],
  ['cis-aws-foundations-benchmark/v/1.4.0/1.9', { PasswordReusePrevention: 24 }],
  ['cis-aws-foundations-benchmark/v/3.0.0/1.8', { MinimumPasswordLength: 14 }],
  ['cis-aws-foundations-benchmark/v/3.0.0/1.9', { PasswordReusePrevention: 24 }],
  ['cis-aws-foundations-benchmark/v/5.0.0/1.7', { MinimumPasswordLength: 14 }],
  ['cis-aws-foundations-benchmark/v/5.0.0/1.8', { PasswordReusePrevention: 24 }],
];

describe('enforceStrongPasswordPolicy (IAM.7, IAM.11-IAM.17) against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);
  // The password policy is account-wide: every test starts from an account without one.
  beforeEach(() => aws.moto.reset());

  function contextFor(controlId = 'IAM.15', settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: 'AWS::::Account:123456789012', controlId });
    return createPlaybookContext(playbook, request, aws.clients(), settings, controlId);
  }
  const setPolicy = (input: UpdateAccountPasswordPolicyCommandInput) => iam().send(new UpdateAccountPasswordPolicyCommand(input));
  const livePolicy = async () => (await iam().send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;

  it.each(ONE_REQUIREMENT_EACH)('a %s finding changes only its own requirement, and every other field stays as it was', async (controlId, change) => {
    // Prepare
    await setPolicy(WEAK);
    const original = await livePolicy();
    const ctx = contextFor(controlId);
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before.compliant).toBe(false);
    expect(plan.changes).toHaveLength(1);
    expect(await livePolicy()).toEqual({ ...original, ...change, ExpirePasswords: true });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('an IAM.11 finding changes only RequireUppercaseCharacters and leaves the other fields as they were', async () => {
    // Prepare
    await setPolicy({ ...WEAK, MinimumPasswordLength: 8 });
    const original = await livePolicy();
    const ctx = contextFor('IAM.11');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.summary).toBe(
      'Tighten 1 setting(s) of the password policy of account 123456789012 for IAM.11; every other setting stays as it is',
    );
    expect(plan.changes.map((change) => change.description)).toEqual(['Require at least one uppercase letter in passwords (IAM.11)']);
    expect(await livePolicy()).toEqual({ ...original, RequireUppercaseCharacters: true });
    expect(await playbook.verify(ctx)).toEqual({
      compliant: true,
      detail: 'The password policy of account 123456789012 meets IAM.11: at least one uppercase letter',
    });
  });

  it('verify fails a policy that misses only its own control, and passes one that misses only others', async () => {
    // Prepare
    await setPolicy({ ...STRICT, MinimumPasswordLength: 10 });
    // Act
    const iam15 = await playbook.verify(contextFor('IAM.15'));
    const iam11 = await playbook.verify(contextFor('IAM.11'));
    // Assess
    expect(iam15).toEqual({
      compliant: false,
      detail: 'The password policy of account 123456789012 still needs, for IAM.15: Require passwords of at least 14 characters (now 10; IAM.15)',
    });
    expect(iam11).toMatchObject({ compliant: true });
  });

  it('a CIS v1.4.0 1.8 finding (IAM.15) sets the length and no expiry, which CIS v1.4.0 dropped', async () => {
    // Prepare
    await setPolicy({ MinimumPasswordLength: 8, AllowUsersToChangePassword: true });
    const ctx = contextFor('cis-aws-foundations-benchmark/v/1.4.0/1.8');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.summary).toContain('for IAM.15 (cis-aws-foundations-benchmark/v/1.4.0/1.8)');
    expect(plan.changes.map((change) => change.description)).toEqual(['Require passwords of at least 14 characters (now 8; IAM.15)']);
    const live = await livePolicy();
    expect(live).toMatchObject({ MinimumPasswordLength: 14, ExpirePasswords: false, AllowUsersToChangePassword: true });
    expect(live?.MaxPasswordAge ?? 0).toBe(0);
  });

  it('keeps every stricter existing setting', async () => {
    // Prepare
    await setPolicy({ ...STRICT, RequireSymbols: false });
    const ctx = contextFor('IAM.13');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((change) => change.description)).toEqual(['Require at least one symbol in passwords (IAM.13)']);
    expect(await livePolicy()).toMatchObject({ ...STRICT, RequireSymbols: true });
  });

  it('rolls back to the previous policy exactly', async () => {
    // Prepare
    await setPolicy({ MinimumPasswordLength: 10, RequireNumbers: true, PasswordReusePrevention: 5, HardExpiry: true });
    const ctx = contextFor('IAM.16');
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

  it('creates a policy where there was none with only the control\'s requirement, and rolls back by deleting it', async () => {
    // Prepare
    const ctx = contextFor('IAM.17');
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const created = await livePolicy();
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(before).toBeNull();
    expect(plan.summary).toBe('Create a password policy for account 123456789012, which has none, that meets IAM.17');
    expect(plan.changes.map((change) => change.description)).toEqual(['Expire passwords after 90 days (now no policy; IAM.17)']);
    // IAM's default policy as far as fields say it; no hard expiry, so an expired password can be replaced at sign-in.
    expect(created).toMatchObject({
      MaxPasswordAge: 90,
      MinimumPasswordLength: 8,
      RequireUppercaseCharacters: false,
      RequireSymbols: false,
      AllowUsersToChangePassword: false,
      HardExpiry: false,
    });
    expect(await playbook.snapshot(ctx)).toBeNull();
    await expect(livePolicy()).rejects.toThrow(/cannot be found/);
  });

  it('verify fails when the account has no password policy at all', async () => {
    // Act
    const result = await playbook.verify(contextFor('IAM.11'));
    // Assess
    expect(result).toEqual({
      compliant: false,
      detail: 'The password policy of account 123456789012 still needs, for IAM.11: Require at least one uppercase letter in passwords (now no policy; IAM.11)',
    });
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

  it.each(['IAM.7', 'IAM.11', 'IAM.15', 'IAM.16', 'IAM.17'])('plans nothing for %s on a policy that is already strict', async (controlId) => {
    // Prepare
    await setPolicy(STRICT);
    const ctx = contextFor(controlId);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toBe(`The password policy of account 123456789012 already meets ${controlId}`);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });
});
