import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { hasConfirmedSubscriber } from '../../../tasks/playbooks/cloudwatch/alarmTopic.js';
import { createCisMetricFilterAlarm as playbook } from '../../../tasks/playbooks/cloudwatch/createCisMetricFilterAlarm.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:soc-alerts';
const subscription = (SubscriptionArn: string, Endpoint: string) => ({ SubscriptionArn, Endpoint, Protocol: 'email', TopicArn: TOPIC, Owner: '123456789012' });

describe('hasConfirmedSubscriber (the CIS audit step on the alarm topic)', () => {
  // moto confirms every subscription at once, email included: a pending one is stubbed as SNS answers it.
  // The stub is of one client instance, restored after each test (the fast tier's files share a process).
  let stub: { restore(): void } | undefined;
  afterEach(() => stub?.restore());
  function contextAnswering(pages: { Subscriptions: ReturnType<typeof subscription>[]; NextToken?: string }[]) {
    const client = new SNSClient({ region: 'us-east-1' });
    const sns = mockClient(client);
    stub = sns;
    pages.forEach((page, i) => sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: i === 0 ? undefined : `page-${i}` }).resolves(page));
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: 'AWS::::Account:123456789012', controlId: 'CloudWatch.1' });
    return { ctx: createPlaybookContext(playbook, request, stubbedClients([client]), { topicArn: TOPIC }), sns };
  }

  it('does not count a subscription pending confirmation', async () => {
    // Prepare
    const { ctx, sns } = contextAnswering([{ Subscriptions: [subscription('PendingConfirmation', 'soc@example.com')] }]);
    // Act
    const confirmed = await hasConfirmedSubscriber(ctx, TOPIC);
    // Assess
    expect(confirmed).toBe(false);
  });

  it('finds a confirmed subscription on a later page', async () => {
    // Prepare
    const { ctx, sns } = contextAnswering([
      { Subscriptions: [subscription('PendingConfirmation', 'soc@example.com')], NextToken: 'page-1' },
      { Subscriptions: [subscription(`${TOPIC}:0b1f6a52-8d0e-4c1a-9f3e-2c7d1e5a9b40`, 'oncall@example.com')] },
    ]);
    // Act
    const confirmed = await hasConfirmedSubscriber(ctx, TOPIC);
    // Assess
    expect(confirmed).toBe(true);
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(2);
  });
});
