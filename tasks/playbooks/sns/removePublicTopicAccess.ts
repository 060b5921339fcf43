import { GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { policyRemediation, type PolicyChange, type PolicySnapshot, type PolicyStore } from '../policyRemediation.js';
import { publicPrincipals } from '../resourcePolicy.js';

/** The topic's ARN, rebuilt from the finding's canonical identity (partition, region, account, name). */
const topicArnOf = (ctx: PlaybookContext<unknown>) =>
  `arn:${ctx.resource.partition}:sns:${ctx.resource.region}:${ctx.resource.account}:${ctx.resource.name}`;

/** The topic's access policy, the `Policy` attribute; SNS always keeps one, so it is never removed. */
const topicPolicy: PolicyStore = {
  describe: (ctx) => `SNS topic ${ctx.resource.name}`,
  async read(ctx) {
    const { Attributes = {} } = await ctx.aws.client(SNSClient).send(new GetTopicAttributesCommand({ TopicArn: topicArnOf(ctx) }));
    return Attributes.Policy || null;
  },
  async write(ctx, policy) {
    await ctx.aws
      .client(SNSClient)
      .send(new SetTopicAttributesCommand({ TopicArn: topicArnOf(ctx), AttributeName: 'Policy', AttributeValue: policy ?? '' }));
  },
  canRemovePolicy: false,
};

/**
 * Removes public access from an SNS topic's access policy: the wildcard principals of Allow
 * statements that no condition pins to fixed callers, and Allow statements with NotPrincipal.
 * SNS's own default statement (`{"AWS": "*"}` pinned by `AWS:SourceOwner` to the owner account)
 * is not public and stays, like every other statement. A statement left with no principal goes
 * whole. Disruptive: a public grant may be how a publisher or subscriber of another account uses
 * the topic today, so the plan names each grant and waits for a person. A policy that would be
 * left with no statement is refused (SNS keeps a policy on every topic).
 *
 * - Control: SNS.4, https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html#sns-4
 *   ("SNS topic access policies should not allow public access").
 * - Config rule: sns-topic-no-public-access, https://docs.aws.amazon.com/config/latest/developerguide/sns-topic-no-public-access.html
 *   ("to be considered non-public, an SNS policy must grant access only to fixed values"). `verify`
 *   reads the topic's `Policy` attribute with the plan's rule (tasks/playbooks/resourcePolicy.ts).
 *
 * Rollback writes the previous policy back, only while the topic still holds the policy Rectify wrote.
 */
export const removePublicTopicAccess = definePlaybook<PolicySnapshot, PolicyChange>({
  id: 'sns-remove-public-topic-access',
  title: 'Remove public access from an SNS topic policy',
  controls: ['SNS.4'],
  resourceType: 'AwsSnsTopic',
  impact: 'disruptive',
  permissions: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes'],
  ...policyRemediation(topicPolicy, {
    control: 'SNS.4',
    offence: 'allows public access',
    offending: (_ctx, statement) => publicPrincipals(statement),
  }),
});
