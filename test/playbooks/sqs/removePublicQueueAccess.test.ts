import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { removePublicQueueAccess as playbook } from '../../../tasks/playbooks/sqs/removePublicQueueAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
const PARTNER = 'arn:aws:iam::111122223333:root';
/** A public send grant, a partner grant, a pinned wildcard (an SNS topic by SourceArn) and a mixed one. */
const statements = (name: string) => [
  { Sid: 'PublicSend', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: queueArn(name) },
  { Sid: 'PartnerReceive', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], Resource: queueArn(name) },
  {
    Sid: 'TopicFanOut',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: 'sqs:SendMessage',
    Resource: queueArn(name),
    Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:orders` } },
  },
  { Sid: 'Mixed', Effect: 'Allow', Principal: { AWS: [PARTNER, '*'] }, Action: 'sqs:GetQueueAttributes', Resource: queueArn(name) },
];

describe('removePublicQueueAccess (SQS.3) against moto', () => {
  const aws = useMoto();
  const sqs = () => aws.clients().client(SQSClient);

  async function queue(policy?: (name: string) => object): Promise<{ name: string; url: string }> {
    const name = `orders-${crypto.randomUUID().slice(0, 8)}`;
    const Attributes: Record<string, string> = { VisibilityTimeout: '45' };
    if (policy) Attributes.Policy = JSON.stringify(policy(name));
    const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes, tags: { team: 'payments' } }));
    return { name, url: QueueUrl! };
  }
  const withStatements = (list: (name: string) => object[]) => (name: string) => ({ Version: '2012-10-17', Id: 'orders-policy', Statement: list(name) });

  function contextFor(name: string) {
    const request = requestFor({ resourceType: 'AwsSqsQueue', resourceId: queueArn(name), controlId: 'SQS.3' });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  async function attributesOf(QueueUrl: string): Promise<Record<string, string>> {
    const { Attributes = {} } = await sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    const { LastModifiedTimestamp: _modified, ...rest } = Attributes;
    return rest;
  }
  const policyOf = async (url: string) => {
    const policy = (await attributesOf(url)).Policy;
    return policy === undefined ? undefined : JSON.parse(policy);
  };

  it('answers non-compliant on the public queue, removes only the public grants, and the rest of the queue stays', async () => {
    // Prepare
    const { name, url } = await queue(withStatements(statements));
    const neighbour = await queue(withStatements(statements));
    const ctx = contextFor(name);
    const before = await attributesOf(url);
    const neighbourBefore = await attributesOf(neighbour.url);
    // Act
    const found = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(found.compliant).toBe(false);
    expect(found.detail).toContain('remove statement "PublicSend" (it allows sqs:SendMessage to *)');
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toContain('the removed grants may be in use today: * lose what those statements allowed');
    expect(plan.changes.map((change) => change.description)).toEqual([
      `In the policy of SQS queue ${name}, remove statement "PublicSend" (it allows sqs:SendMessage to *)`,
      `In the policy of SQS queue ${name}, remove * from statement "Mixed" (it allows sqs:GetQueueAttributes); its other principals keep that access`,
    ]);
    const [, partner, topic, mixed] = statements(name);
    expect(await policyOf(url)).toEqual({ Version: '2012-10-17', Id: 'orders-policy', Statement: [partner, topic, { ...mixed, Principal: { AWS: [PARTNER] } }] });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `The policy of SQS queue ${name} has no statement that allows public access` });
    const { Policy: _p, ...rest } = await attributesOf(url);
    const { Policy: _b, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(await attributesOf(neighbour.url)).toEqual(neighbourBefore);
  });

  it('rolls back to the previous policy, and twice changes nothing more', async () => {
    // Prepare
    const { name, url } = await queue(withStatements(statements));
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    // Act
    await playbook.rollback(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(await policyOf(url)).toEqual(withStatements(statements)(name));
    expect(await playbook.snapshot(ctx)).toEqual(snapshot);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('removes the policy when its only statement is public, and rollback puts it back', async () => {
    // Prepare
    const { name, url } = await queue(withStatements((n) => [statements(n)[0]!]));
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    const removed = await policyOf(url);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(removed).toBeUndefined();
    expect(await policyOf(url)).toEqual(withStatements((n) => [statements(n)[0]!])(name));
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const { name, url } = await queue(withStatements(statements));
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await attributesOf(url);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await attributesOf(url)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it.each([
    ['no policy', undefined],
    ['only fixed or pinned grants', withStatements((n) => statements(n).slice(1, 3))],
  ])('plans nothing for a queue with %s', async (_kind, policy) => {
    // Prepare
    const { name } = await queue(policy);
    const ctx = contextFor(name);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('leaves a policy changed by someone else after the fix, and says so', async () => {
    // Prepare
    const { name, url } = await queue(withStatements(statements));
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    const theirs = JSON.stringify(withStatements((n) => [statements(n)[1]!])(name));
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: theirs } }));
    // Act
    const rollback = playbook.rollback(ctx, snapshot);
    // Assess
    await expect(rollback).rejects.toThrow(`The policy of SQS queue ${name} changed after Rectify's SQS.3 change`);
    expect(await policyOf(url)).toEqual(JSON.parse(theirs));
  });

  it('fails a missing queue at the snapshot', async () => {
    await expect(playbook.snapshot(contextFor('no-such-queue'))).rejects.toThrow();
  });
});
