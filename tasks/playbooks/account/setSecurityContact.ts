import {
  AccountClient,
  DeleteAlternateContactCommand,
  GetAlternateContactCommand,
  PutAlternateContactCommand,
} from '@aws-sdk/client-account';
import * as z from 'zod';
import { InvalidPlaybookSettingsError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** An alternate contact as the Account Management API takes it (its documented length limits). */
const Contact = z.object({
  name: z.string().min(1).max(64),
  title: z.string().min(1).max(50),
  emailAddress: z.email().max(254),
  phoneNumber: z.string().regex(/^[\s0-9()+-]+$/, 'digits, spaces, +, - and parentheses only').min(1).max(25),
});
type Contact = z.infer<typeof Contact>;

const Settings = z.object({
  /**
   * Who AWS tells about security issues of the account: the SECURITY alternate contact this playbook
   * sets when the account has none. Account.1 accepts any contact, so no value is looser than the
   * control. @default none: Rectify invents no contact, and without one the plan fails closed
   */
  securityContact: Contact.optional(),
});
type Settings = z.infer<typeof Settings>;

/** `null`: the account has no security contact. */
type SecurityContactSnapshot = Contact | null;

const SECURITY = 'SECURITY';

async function readContact(ctx: PlaybookContext<unknown>): Promise<SecurityContactSnapshot> {
  try {
    const { AlternateContact: c } = await ctx.aws.client(AccountClient).send(new GetAlternateContactCommand({ AlternateContactType: SECURITY }));
    return { name: c?.Name ?? '', title: c?.Title ?? '', emailAddress: c?.EmailAddress ?? '', phoneNumber: c?.PhoneNumber ?? '' };
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return null;
    throw error;
  }
}

async function writeContact(ctx: PlaybookContext<unknown>, contact: Contact): Promise<void> {
  // No AccountId: the call acts on the account whose role makes it (naming it needs the organization's management account).
  await ctx.aws.client(AccountClient).send(
    new PutAlternateContactCommand({
      AlternateContactType: SECURITY,
      Name: contact.name,
      Title: contact.title,
      EmailAddress: contact.emailAddress,
      PhoneNumber: contact.phoneNumber,
    }),
  );
}

const sameContact = (a: Contact, b: Contact) =>
  a.name === b.name && a.title === b.title && a.emailAddress === b.emailAddress && a.phoneNumber === b.phoneNumber;

/** The contact from the policy's settings; without one, a refusal that says what to set. */
function configuredContact(ctx: PlaybookContext<Settings>): Contact {
  const contact = ctx.settings.securityContact;
  if (contact) return contact;
  throw new InvalidPlaybookSettingsError(
    `account ${ctx.resource.account} has no security contact (finding ${ctx.request.findingId}) and the policy names none to set: ` +
      'Rectify changed nothing and invents no contact. Set playbookSettings.account-set-security-contact.securityContact ' +
      '(name, title, emailAddress, phoneNumber) in the policy, or add the contact by hand.',
  );
}

/** Why adding a security contact disrupts nothing: stated in every plan that adds one. */
const IMPACT = {
  level: 'non-disruptive',
  why: 'AWS also sends security notifications about the account to this contact; the root user and every other contact still get theirs',
} as const;

/**
 * Adds the SECURITY alternate contact to an account that has none (Account.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/account-controls.html#account-1; AWS Config
 * rule `security-account-information-provided`,
 * https://docs.aws.amazon.com/config/latest/developerguide/security-account-information-provided.html):
 * the rule fails an account without security contact information, whatever the contact, and so
 * does `verify`. The contact comes from the policy's settings only: without one the plan refuses,
 * before anything changes. An account that has a contact is left as it is, and the billing and
 * operations contacts are never touched. Rollback deletes the contact again when there was none.
 */
export const setSecurityContact = definePlaybook<SecurityContactSnapshot, { description: string }, Settings>({
  id: 'account-set-security-contact',
  title: 'Add the security alternate contact of an account',
  controls: ['Account.1', 'cis-aws-foundations-benchmark/v/5.0.0/1.2'],
  resourceType: 'AwsAccount',
  impact: IMPACT.level,
  permissions: ['account:GetAlternateContact', 'account:PutAlternateContact', 'account:DeleteAlternateContact'],
  settings: Settings,
  // The account itself carries no tags.
  readTags: async () => ({}),

  snapshot: (ctx) => readContact(ctx),

  plan(ctx, current) {
    if (current) return { summary: `Account ${ctx.resource.account} has a security contact`, changes: [] };
    const contact = configuredContact(ctx);
    return {
      summary: `Add a security contact to account ${ctx.resource.account} (${IMPACT.level}: ${IMPACT.why})`,
      changes: [
        {
          description:
            `Set the SECURITY alternate contact of account ${ctx.resource.account} to ${contact.name} (${contact.title}), ` +
            `${contact.emailAddress}, ${contact.phoneNumber}, from the policy's playbook settings`,
        },
      ],
      impact: IMPACT,
    };
  },

  async apply(ctx) {
    // A contact someone added since the plan stays: it already meets the control.
    if ((await readContact(ctx)) === null) await writeContact(ctx, configuredContact(ctx));
  },

  async verify(ctx) {
    const contact = await readContact(ctx);
    return {
      compliant: contact !== null,
      detail: `Account ${ctx.resource.account} ${contact ? 'has' : 'has no'} SECURITY alternate contact (Account.1)`,
    };
  },

  async rollback(ctx, snapshot) {
    const current = await readContact(ctx);
    if (snapshot === null) {
      if (current !== null) await ctx.aws.client(AccountClient).send(new DeleteAlternateContactCommand({ AlternateContactType: SECURITY }));
    } else if (current === null || !sameContact(current, snapshot)) {
      await writeContact(ctx, snapshot);
    }
  },
});
