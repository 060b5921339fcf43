import { GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { policyRemediation, type PolicyChange, type PolicySnapshot, type PolicyStore } from '../policyRemediation.js';
import { publicPrincipals } from '../resourcePolicy.js';

async function queueUrlOf(ctx: PlaybookContext<unknown>): Promise<string> {
  // The owner account pins the lookup to the finding's queue, not a same-named one elsewhere.
  const { QueueUrl } = await ctx.aws
    .client(SQSClient)
    .send(new GetQueueUrlCommand({ QueueName: ctx.resource.name, QueueOwnerAWSAccountId: ctx.resource.account }));
  if (!QueueUrl) throw new Error(`SQS queue ${ctx.resource.id} has no URL (finding ${ctx.request.findingId})`);
  return QueueUrl;
}

/** The queue's access policy, read and written as the `Policy` attribute alone (every other attribute stays). */
const queuePolicy: PolicyStore = {
  describe: (ctx) => `SQS queue ${ctx.resource.name}`,
  async read(ctx) {
    const { Attributes = {} } = await ctx.aws
      .client(SQSClient)
      .send(new GetQueueAttributesCommand({ QueueUrl: await queueUrlOf(ctx), AttributeNames: ['Policy'] }));
    return Attributes.Policy || null;
  },
  async write(ctx, policy) {
    // An empty Policy attribute removes the queue's policy.
    await ctx.aws.client(SQSClient).send(new SetQueueAttributesCommand({ QueueUrl: await queueUrlOf(ctx), Attributes: { Policy: policy ?? '' } }));
  },
  canRemovePolicy: true,
};

/**
 * Removes public access from an SQS queue's access policy: the wildcard principals (`"*"`,
 * `{"AWS": "*"}`, `arn:aws:iam::*:root`) of Allow statements that no condition pins to fixed
 * callers, and Allow statements with NotPrincipal. A statement left with no principal goes whole;
 * its other principals and every other statement stay as they were. Disruptive: a public grant
 * may be how producers or consumers reach the queue today (an SNS topic or S3 bucket of another
 * account without aws:SourceArn), so the plan names each grant and waits for a person.
 *
 * - Control: SQS.3, https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-3
 *   ("SQS queue access policies should not allow public access").
 * - Config rule: sqs-queue-no-public-access, https://docs.aws.amazon.com/config/latest/developerguide/sqs-queue-no-public-access.html
 *   ("to be considered non-public, an SQS policy must grant access only to fixed values"). `verify`
 *   reads the queue's `Policy` attribute with the same rule as the plan (tasks/playbooks/resourcePolicy.ts):
 *   a wildcard or variable principal counts as public unless a condition pins aws:SourceArn,
 *   aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce (and the other keys listed there) to fixed values.
 *
 * Rollback writes the previous policy text back (or removes the policy when the queue had none),
 * only while the queue still holds the policy Rectify wrote.
 */
export const removePublicQueueAccess = definePlaybook<PolicySnapshot, PolicyChange>({
  id: 'sqs-remove-public-queue-access',
  title: 'Remove public access from an SQS queue policy',
  controls: ['SQS.3'],
  resourceType: 'AwsSqsQueue',
  impact: 'disruptive',
  permissions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
  ...policyRemediation(queuePolicy, {
    control: 'SQS.3',
    offence: 'allows public access',
    offending: (_ctx, statement) => publicPrincipals(statement),
  }),
});
