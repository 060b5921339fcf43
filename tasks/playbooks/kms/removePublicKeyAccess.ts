import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { definePlaybook } from '../definePlaybook.js';
import { policyRemediation, type PolicyChange, type PolicySnapshot, type PolicyStore } from '../policyRemediation.js';
import { grantedActions, principalsOf, publicPrincipals, statementsOf, type PolicyDocument } from '../resourcePolicy.js';

/** The key policy (KMS has one policy per key, named `default`); a key always has one. */
const keyPolicy: PolicyStore = {
  describe: (ctx) => `KMS key ${ctx.resource.name}`,
  async read(ctx) {
    const { Policy } = await ctx.aws.client(KMSClient).send(new GetKeyPolicyCommand({ KeyId: ctx.resource.name, PolicyName: 'default' }));
    return Policy ?? null;
  },
  async write(ctx, policy) {
    // Never BypassPolicyLockoutSafetyCheck: KMS refuses a policy that would lock the caller out.
    await ctx.aws.client(KMSClient).send(new PutKeyPolicyCommand({ KeyId: ctx.resource.name, PolicyName: 'default', Policy: policy ?? '' }));
  },
  canRemovePolicy: false,
};

/**
 * Whether some Allow statement still lets a named principal change the key policy
 * (`kms:PutKeyPolicy`, through `kms:*` or a list): without one the key could become unmanageable.
 */
function administered(policy: PolicyDocument): boolean {
  return statementsOf(policy).some((statement) => grantedActions(statement, ['kms:PutKeyPolicy']).length > 0 && principalsOf(statement).length > 0);
}

/**
 * Removes public access from a KMS key policy: the wildcard principals of Allow statements that no
 * condition pins to fixed callers (aws:SourceAccount, aws:PrincipalOrgID, kms:CallerAccount, …),
 * and Allow statements with NotPrincipal. The statement that gives the account itself
 * (`arn:aws:iam::<account>:root`) access names a fixed principal, so it is never removed; and a
 * change that would leave no statement letting a named principal change the key policy (the
 * public statement was the account's own `kms:*` grant), which could make the key unmanageable,
 * is refused: a person rewrites that statement's principal instead. Disruptive: a public grant
 * may be how a service or another account encrypts and decrypts with the key today.
 *
 * - Control: KMS.5, https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-5
 *   ("KMS keys should not be publicly accessible", severity critical).
 * - Config rule: kms-key-policy-no-public-access, https://docs.aws.amazon.com/config/latest/developerguide/kms-key-policy-no-public-access.html
 *   ("to be considered non-public, a KMS key policy must grant access only to fixed values").
 *   `verify` reads the key policy with the plan's rule (tasks/playbooks/resourcePolicy.ts).
 *
 * Rollback writes the previous key policy text back, only while the key still holds the policy Rectify wrote.
 */
export const removePublicKeyAccess = definePlaybook<PolicySnapshot, PolicyChange>({
  id: 'kms-remove-public-key-access',
  title: 'Remove public access from a KMS key policy',
  controls: ['KMS.5'],
  resourceType: 'AwsKmsKey',
  impact: 'disruptive',
  permissions: ['kms:GetKeyPolicy', 'kms:PutKeyPolicy'],
  ...policyRemediation(keyPolicy, {
    control: 'KMS.5',
    offence: 'allows public access',
    offending: (_ctx, statement) => publicPrincipals(statement),
    refuse: (ctx, _before, after) =>
      administered(after)
        ? undefined
        : 'the public statement is the only one that lets anyone change the key policy (kms:PutKeyPolicy); removing it could make the key unmanageable. ' +
          `Change its principal to arn:${ctx.resource.partition}:iam::${ctx.resource.account}:root by hand instead`,
  }),
});
