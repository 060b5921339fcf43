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

/** Fails IAM.10 on every field it checks; symbols and hard expiry (which it does not check) set apart from IAM's defaults. */
const WEAK: UpdateAccountPasswordPolicyCommandInput = {
  MinimumPasswordLength: 6,
  RequireUppercaseCharacters: false,
  RequireLowercaseCharacters: false,
  RequireSymbols: true,
  RequireNumbers: false,
  PasswordReusePrevention: 2,
  MaxPasswordAge: 365,
  AllowUsersToChangePassword: true,
  HardExpiry: true,
};

describe('enforceStrongPasswordPolicy for IAM.10 (PCI DSS v3.2.1 PCI.IAM.8) against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);
  beforeEach(() => aws.moto.reset());

  function contextFor(controlId = 'IAM.10', settings?: unknown) {
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: 'AWS::::Account:123456789012', controlId });
    return createPlaybookContext(playbook, request, aws.clients(), settings, controlId);
  }
  const setPolicy = (input: UpdateAccountPasswordPolicyCommandInput) => iam().send(new UpdateAccountPasswordPolicyCommand(input));
  const livePolicy = async () => (await iam().send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;

  it.each(['IAM.10', 'pci-dss/v/3.2.1/PCI.IAM.8'])('a %s finding sets the six PCI minimums and leaves symbols and the other fields as they were', async (controlId) => {
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
    expect(plan.changes.map((c) => c.description)).toEqual([
      'Require at least one uppercase letter in passwords (IAM.10)',
      'Require at least one lowercase letter in passwords (IAM.10)',
      'Require at least one number in passwords (IAM.10)',
      'Require passwords of at least 7 characters (now 6; IAM.10)',
      'Prevent reuse of the last 4 passwords (now the last 2; IAM.10)',
      'Expire passwords after 90 days (now 365 days; IAM.10)',
    ]);
    expect(await livePolicy()).toEqual({
      ...original,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      RequireNumbers: true,
      MinimumPasswordLength: 7,
      PasswordReusePrevention: 4,
      MaxPasswordAge: 90,
    });
    expect(await playbook.verify(ctx)).toEqual({
      compliant: true,
      detail:
        'The password policy of account 123456789012 meets IAM.10' +
        (controlId === 'IAM.10' ? '' : ` (${controlId})`) +
        ': at least one uppercase letter, at least one lowercase letter, at least one number, a minimum length of 7, ' +
        'reuse of the last 4 passwords prevented, expiry after at most 90 days',
    });
  });

  it('verify fails a policy that misses one PCI minimum only, and passes one stricter on all of them without symbols', async () => {
    // Prepare
    const pci = { ...WEAK, RequireSymbols: false, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: true, MinimumPasswordLength: 7, PasswordReusePrevention: 4, MaxPasswordAge: 90 };
    await setPolicy({ ...pci, MaxPasswordAge: 91 });
    // Act
    const oneDayTooLong = await playbook.verify(contextFor());
    await setPolicy({ ...pci, MinimumPasswordLength: 12, PasswordReusePrevention: 10, MaxPasswordAge: 30 });
    const stricter = await playbook.verify(contextFor());
    // Assess
    expect(oneDayTooLong).toEqual({
      compliant: false,
      detail: 'The password policy of account 123456789012 still needs, for IAM.10: Expire passwords after 90 days (now 91 days; IAM.10)',
    });
    expect(stricter.compliant).toBe(true);
  });

  it('creates a policy for an account without one, and rollback deletes it again', async () => {
    // Prepare
    const ctx = contextFor();
    const snapshot = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    const fixed = await playbook.verify(ctx);
    await playbook.rollback(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(snapshot).toBeNull();
    expect(fixed.compliant).toBe(true);
    expect(await playbook.snapshot(ctx)).toBeNull();
  });

  it('rolls back to the weak policy exactly, applies twice without change, and plans nothing once compliant', async () => {
    // Prepare
    await setPolicy(WEAK);
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const afterFirst = await livePolicy();
    // Act
    await playbook.apply(ctx, plan);
    const afterSecond = await livePolicy();
    const planAgain = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.rollback(ctx, before);
    // Assess
    expect(afterSecond).toEqual(afterFirst);
    expect(planAgain.changes).toEqual([]);
    expect(JSON.parse(JSON.stringify(await playbook.snapshot(ctx)))).toEqual(before);
  });

  it('uses a stricter setting where IAM.10 checks that value', async () => {
    // Prepare
    await setPolicy(WEAK);
    const ctx = contextFor('IAM.10', { minimumPasswordLength: 14 });
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes.map((c) => c.description)).toContain(
      'Require passwords of at least 14 characters (now 6; IAM.10; minimumPasswordLength 14 from the policy\'s playbook settings)',
    );
  });
});
