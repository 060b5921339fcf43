import { AccountClient, GetAlternateContactCommand, PutAlternateContactCommand } from '@aws-sdk/client-account';
import { beforeEach, describe, expect, it } from 'vitest';
import { setSecurityContact as playbook } from '../../../tasks/playbooks/account/setSecurityContact.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ADMIN = '123456789012';
const MEMBER = '222222222222';
const CONTACT = { name: 'Security Team', title: 'SOC', emailAddress: 'soc@example.com', phoneNumber: '+1 555 0100' };

describe('setSecurityContact (Account.1) against moto', () => {
  const aws = useMoto();
  const account = (id = ADMIN) => aws.clients(id).client(AccountClient);
  // Contacts belong to the account, not to a resource a test could create fresh.
  beforeEach(() => aws.moto.reset());

  const contextFor = (settings: unknown = { securityContact: CONTACT }, id = ADMIN, controlId = 'Account.1') =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${id}`, controlId, account: id }), aws.clients(id), settings);
  const contactOf = async (AlternateContactType: 'SECURITY' | 'BILLING', id = ADMIN) =>
    (await account(id).send(new GetAlternateContactCommand({ AlternateContactType }))).AlternateContact;
  const put = (AlternateContactType: 'SECURITY' | 'BILLING', c = CONTACT, id = ADMIN) =>
    account(id).send(new PutAlternateContactCommand({ AlternateContactType, Name: c.name, Title: c.title, EmailAddress: c.emailAddress, PhoneNumber: c.phoneNumber }));

  it.each(['Account.1', 'cis-aws-foundations-benchmark/v/5.0.0/1.2'])('a %s finding adds the configured contact and leaves the billing contact and other accounts alone', async (controlId) => {
    // Prepare
    const billing = { ...CONTACT, name: 'Finance', emailAddress: 'ap@example.com' };
    await put('BILLING', billing);
    const ctx = contextFor(undefined, ADMIN, controlId);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toBeNull();
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set the SECURITY alternate contact of account ${ADMIN} to Security Team (SOC), soc@example.com, +1 555 0100, from the policy's playbook settings`,
    ]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Account ${ADMIN} has SECURITY alternate contact (Account.1)` });
    expect(await contactOf('SECURITY')).toMatchObject({ Name: 'Security Team', Title: 'SOC', EmailAddress: 'soc@example.com', PhoneNumber: '+1 555 0100' });
    expect(await contactOf('BILLING')).toMatchObject({ Name: 'Finance', EmailAddress: 'ap@example.com' });
    await expect(contactOf('SECURITY', MEMBER)).rejects.toThrow();
  });

  it('fails closed without a configured contact: the plan refuses, naming the setting, and nothing changes', async () => {
    // Prepare
    const ctx = contextFor({});
    // Act
    const planning = async () => playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning()).rejects.toThrow(/invents no contact\. Set playbookSettings\.account-set-security-contact\.securityContact/);
    await expect(planning()).rejects.toMatchObject({ name: 'InvalidPlaybookSettings' });
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('refuses a contact AWS would refuse when the settings are read', () => {
    // Act
    const creating = () => contextFor({ securityContact: { ...CONTACT, emailAddress: 'not an address' } });
    // Assess
    expect(creating).toThrow(/settings for playbook account-set-security-contact are refused/);
  });

  it('verify answers non-compliant for an account without a contact, in the member account too', async () => {
    // Act
    const admin = await playbook.verify(contextFor());
    const member = contextFor(undefined, MEMBER);
    const memberBefore = await playbook.verify(member);
    await playbook.apply(member, await playbook.plan(member, await playbook.snapshot(member)));
    // Assess
    expect(admin).toEqual({ compliant: false, detail: `Account ${ADMIN} has no SECURITY alternate contact (Account.1)` });
    expect(memberBefore.compliant).toBe(false);
    expect((await playbook.verify(member)).compliant).toBe(true);
    expect((await playbook.verify(contextFor())).compliant).toBe(false);
  });

  it('rolls back by deleting the contact it added, twice without harm', async () => {
    // Prepare
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toBeNull();
  });

  it('restores an earlier contact someone replaced, and leaves an unchanged one alone', async () => {
    // Prepare
    await put('SECURITY', { ...CONTACT, name: 'Old SOC' });
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await put('SECURITY', { ...CONTACT, name: 'Someone else' });
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await contactOf('SECURITY'))?.Name).toBe('Old SOC');
  });

  it('plans nothing for an account with a contact, and applying twice changes nothing', async () => {
    // Prepare
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act: another contact configured since must not replace the one set
    await playbook.apply(contextFor({ securityContact: { ...CONTACT, name: 'Replacement' } }), plan);
    // Assess
    expect((await contactOf('SECURITY'))?.Name).toBe('Security Team');
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });
});
