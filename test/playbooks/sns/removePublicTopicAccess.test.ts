import { CreateTopicCommand, GetTopicAttributesCommand, ListTagsForResourceCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { removePublicTopicAccess as playbook } from '../../../tasks/playbooks/sns/removePublicTopicAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const topicArn = (name: string) => `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`;
const PARTNER = 'arn:aws:iam::111122223333:root';
/** SNS's default owner statement (public-looking, pinned by AWS:SourceOwner), a public publish grant, a partner and a mixed grant. */
const statements = (name: string) => [
  {
    Sid: '__default_statement_ID',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['SNS:GetTopicAttributes', 'SNS:Publish', 'SNS:Subscribe'],
    Resource: topicArn(name),
    Condition: { StringEquals: { 'AWS:SourceOwner': ACCOUNT } },
  },
  { Sid: 'PublicPublish', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'SNS:Publish', Resource: topicArn(name) },
  { Sid: 'PartnerSubscribe', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'SNS:Subscribe', Resource: topicArn(name) },
  { Sid: 'Mixed', Effect: 'Allow', Principal: { AWS: [PARTNER, 'arn:aws:iam::*:root'] }, Action: 'SNS:Publish', Resource: topicArn(name) },
];
const policyWith = (list: object[]) => ({ Version: '2012-10-17', Id: 'orders-topic', Statement: list });

describe('removePublicTopicAccess (SNS.4) against moto', () => {
  const aws = useMoto();
  const sns = () => aws.clients().client(SNSClient);

  async function topic(list?: (name: string) => object[]): Promise<string> {
    const name = `orders-${crypto.randomUUID().slice(0, 8)}`;
    const Attributes = list ? { Policy: JSON.stringify(policyWith(list(name))) } : undefined;
    await sns().send(new CreateTopicCommand({ Name: name, Attributes, Tags: [{ Key: 'team', Value: 'payments' }] }));
    return name;
  }
  function contextFor(name: string) {
    const request = requestFor({ resourceType: 'AwsSnsTopic', resourceId: topicArn(name), controlId: 'SNS.4' });
    return createPlaybookContext(playbook, request, aws.clients());
  }
  const attributesOf = async (name: string) => (await sns().send(new GetTopicAttributesCommand({ TopicArn: topicArn(name) }))).Attributes ?? {};
  const policyOf = async (name: string) => JSON.parse((await attributesOf(name)).Policy!);

  it('answers non-compliant, removes only the public grants, keeps the owner statement, tags and a neighbour', async () => {
    // Prepare
    const name = await topic(statements);
    const neighbour = await topic(statements);
    const ctx = contextFor(name);
    const neighbourBefore = await attributesOf(neighbour);
    // Act
    const found = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(found.compliant).toBe(false);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((change) => change.description)).toEqual([
      `In the policy of SNS topic ${name}, remove statement "PublicPublish" (it allows SNS:Publish to *)`,
      `In the policy of SNS topic ${name}, remove arn:aws:iam::*:root from statement "Mixed" (it allows SNS:Publish); its other principals keep that access`,
    ]);
    const [owner, , partner, mixed] = statements(name);
    expect(await policyOf(name)).toEqual(policyWith([owner!, partner!, { ...mixed!, Principal: { AWS: [PARTNER] } }]));
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `The policy of SNS topic ${name} has no statement that allows public access` });
    expect((await sns().send(new ListTagsForResourceCommand({ ResourceArn: topicArn(name) }))).Tags).toEqual([{ Key: 'team', Value: 'payments' }]);
    expect(await attributesOf(neighbour)).toEqual(neighbourBefore);
  });

  it('rolls back to the previous policy, and twice changes nothing more', async () => {
    // Prepare
    const name = await topic(statements);
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    // Act
    await playbook.rollback(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(await policyOf(name)).toEqual(policyWith(statements(name)));
    expect(await playbook.snapshot(ctx)).toEqual(snapshot);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await topic(statements);
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await attributesOf(name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await attributesOf(name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a topic with SNS\'s default policy', async () => {
    // Prepare
    const name = await topic();
    const ctx = contextFor(name);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('refuses a policy whose every statement is public, changing nothing', async () => {
    // Prepare
    const name = await topic((n) => [statements(n)[1]!]);
    const ctx = contextFor(name);
    const before = await attributesOf(name);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(`Cannot remediate SNS.4 on SNS topic ${name}`);
    await expect(planning).rejects.toThrow(/every statement of its policy would go/);
    expect(await attributesOf(name)).toEqual(before);
  });

  it('answers non-compliant again when the public grant comes back', async () => {
    // Prepare
    const name = await topic(statements);
    const ctx = contextFor(name);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Act
    await sns().send(new SetTopicAttributesCommand({ TopicArn: topicArn(name), AttributeName: 'Policy', AttributeValue: JSON.stringify(policyWith(statements(name))) }));
    // Assess
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('fails a missing topic at the snapshot', async () => {
    await expect(playbook.snapshot(contextFor('no-such-topic'))).rejects.toThrow();
  });
});
