import { definePlaybook } from '../definePlaybook.js';
import { unusedCredentialsBehaviour } from './unusedCredentials.js';

/**
 * Removes an IAM user's credentials that were not used for 45 days, as Security Hub IAM.22 checks
 * them (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-22; AWS
 * Config rule iam-user-unused-credentials-check,
 * https://docs.aws.amazon.com/config/latest/developerguide/iam-user-unused-credentials-check.html,
 * with maxCredentialUsageAge 45, which Security Hub does not let an account change; the rule reads
 * the credential report, so Security Hub may take up to four hours to see the fix). The same fix
 * as IAM.8's playbook (./deactivateUnusedAccessKeys.ts) with its own age (./unusedCredentials.ts):
 * active access keys unused for more than 45 days are deactivated (rollback re-activates exactly
 * those), and an unused console password is deleted. A deleted password cannot come back: rollback
 * gives the user a new random password nobody knows, to be reset by an administrator, and such a
 * plan says so in its impact. A credential never used counts from its creation date.
 *
 * Disruptive: a key used every two months (a quarterly job) stops working; approval by default.
 */
export const removeCredentialsUnused45Days = definePlaybook({
  id: 'iam-remove-credentials-unused-45-days',
  title: "Deactivate an IAM user's access keys and remove a console password unused for 45 days",
  // CIS v1.4.0 and v3.0.0 1.12, v5.0.0 1.11 (credentials unused for 45 days).
  controls: [
    'IAM.22',
    'cis-aws-foundations-benchmark/v/1.4.0/1.12',
    'cis-aws-foundations-benchmark/v/3.0.0/1.12',
    'cis-aws-foundations-benchmark/v/5.0.0/1.11',
  ],
  ...unusedCredentialsBehaviour({ control: 'IAM.22', maxCredentialUsageAge: 45 }),
});
