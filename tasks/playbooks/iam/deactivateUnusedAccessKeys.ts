import { definePlaybook } from '../definePlaybook.js';
import { unusedCredentialsBehaviour } from './unusedCredentials.js';

/**
 * Removes an IAM user's credentials that were not used for 90 days, as Security Hub IAM.8 checks
 * them (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-8; AWS
 * Config rule iam-user-unused-credentials-check,
 * https://docs.aws.amazon.com/config/latest/developerguide/iam-user-unused-credentials-check.html,
 * maxCredentialUsageAge 90, which Security Hub does not let an account change): active access keys are
 * deactivated, an unused console password (login profile) is deleted. A credential never used
 * counts from its creation date (a password from its login profile's CreateDate): the Config rule
 * does not document this case, and AWS's own remediation of IAM.8 in Automated Security Response
 * on AWS (RevokeUnusedIAMUserCredentials.py) counts a never-used key or password that way.
 *
 * Keys are set Inactive, never deleted: rollback re-activates exactly the keys it deactivated.
 * A deleted password cannot be restored; rollback recreates a login profile with a random
 * password nobody knows and a reset required, and the plan says so (its impact is disruptive).
 * Keys and passwords in use, inactive keys, policies, groups and tags are left alone.
 * Disruptive: a rarely used key (a yearly job, a break-glass script) stops working.
 * The logic is shared with IAM.22 (45 days): ./unusedCredentials.ts.
 */
export const deactivateUnusedAccessKeys = definePlaybook({
  id: 'iam-deactivate-unused-access-keys',
  title: "Deactivate an IAM user's unused access keys and remove an unused console password",
  // Security Hub findings for IAM.8 name the user (AWS::IAM::User → AwsIamUser).
  // CIS v1.4.0+ 1.11/1.12 (45 days) are IAM.22, a different control: not aliases of IAM.8.
  controls: ['IAM.8', 'cis-aws-foundations-benchmark/v/1.2.0/1.3', 'pci-dss/v/3.2.1/PCI.IAM.7'],
  ...unusedCredentialsBehaviour({ control: 'IAM.8', maxCredentialUsageAge: 90 }),
});
