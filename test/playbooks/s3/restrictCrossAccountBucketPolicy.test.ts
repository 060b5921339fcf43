import { CreateBucketCommand, GetBucketPolicyCommand, GetBucketTaggingCommand, PutBucketPolicyCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { restrictCrossAccountBucketPolicy as playbook } from '../../../tasks/playbooks/s3/restrictCrossAccountBucketPolicy.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const PARTNER = 'arn:aws:iam::111122223333:root';
const arnOf = (bucket: string) => `arn:aws:s3:::${bucket}`;
/** A partner that may rewrite the policy (fails S3.6), a partner that only reads, the owner's role, and a statement mixing both. */
const statements = (bucket: string) => [
  { Sid: 'PartnerAdmin', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'], Resource: arnOf(bucket) },
  { Sid: 'PartnerRead', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 's3:GetObject', Resource: `${arnOf(bucket)}/*` },
  { Sid: 'Deployer', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/deployer` }, Action: 's3:*', Resource: [arnOf(bucket), `${arnOf(bucket)}/*`] },
  {
    Sid: 'SharedAcl',
    Effect: 'Allow',
    Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/uploader`, 'arn:aws:iam::444455556666:role/uploader'] },
    Action: 's3:Put*',
    Resource: `${arnOf(bucket)}/*`,
    // S3.6's rule ignores conditions: this one does not save the statement.
    Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123example' } },
  },
];

describe('restrictCrossAccountBucketPolicy (S3.6) against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);

  async function bucket(list?: (name: string) => object[]): Promise<string> {
    const Bucket = `rectify-${crypto.randomUUID()}`;
    await s3().send(new CreateBucketCommand({ Bucket }));
    if (list) await s3().send(new PutBucketPolicyCommand({ Bucket, Policy: handWritten(Bucket, list) }));
    return Bucket;
  }
  // Pretty-printed on purpose: rollback must give back these exact bytes.
  const handWritten = (name: string, list: (name: string) => object[] = statements) => JSON.stringify({ Version: '2012-10-17', Id: 'orders', Statement: list(name) }, null, 4);
  function contextFor(name: string) {
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: arnOf(name), controlId: 'S3.6' });
    return createPlaybookContext(playbook, request, aws.clients());
  }
  async function policyOf(Bucket: string): Promise<string> {
    try {
      return (await s3().send(new GetBucketPolicyCommand({ Bucket }))).Policy!;
    } catch (error) {
      return (error as Error).name;
    }
  }

  it('answers non-compliant, takes only the other accounts out of the statements with denied actions, and keeps the rest', async () => {
    // Prepare
    const name = await bucket(statements);
    const neighbour = await bucket(statements);
    await s3().send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: 'team', Value: 'orders' }] } }));
    const ctx = contextFor(name);
    // Act
    const found = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(found.compliant).toBe(false);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toContain(`${PARTNER}, arn:aws:iam::444455556666:role/uploader lose what those statements allowed`);
    expect(plan.changes.map((change) => change.description)).toEqual([
      `In the policy of bucket ${name}, remove statement "PartnerAdmin" (it allows s3:GetBucketPolicy, s3:PutBucketPolicy to ${PARTNER})`,
      `In the policy of bucket ${name}, remove arn:aws:iam::444455556666:role/uploader from statement "SharedAcl" (it allows s3:Put*); its other principals keep that access`,
    ]);
    const [, read, deployer, shared] = statements(name) as Record<string, unknown>[];
    const after = JSON.parse(await policyOf(name));
    expect(after).toEqual({ Version: '2012-10-17', Id: 'orders', Statement: [read, deployer, { ...shared, Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/uploader`] } }] });
    expect(JSON.stringify(after.Statement.slice(0, 2))).toBe(JSON.stringify([read, deployer]));
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await s3().send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet).toEqual([{ Key: 'team', Value: 'orders' }]);
    expect(await policyOf(neighbour)).toBe(handWritten(neighbour));
  });

  it('rolls back to the exact previous policy text, and twice changes nothing more', async () => {
    // Prepare
    const name = await bucket(statements);
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    // Act
    await playbook.rollback(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(await policyOf(name)).toBe(handWritten(name));
    expect(await playbook.snapshot(ctx)).toEqual(snapshot);
  });

  it('deletes a policy left with no statement, and rollback puts it back', async () => {
    // Prepare
    const only = (n: string) => [{ Effect: 'Allow', Principal: '*', NotAction: 's3:GetObject', Resource: `${arnOf(n)}/*` }];
    const name = await bucket(only);
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    const removed = await policyOf(name);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(removed).toBe('NoSuchBucketPolicy');
    expect(await policyOf(name)).toBe(handWritten(name, only));
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await bucket(statements);
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await policyOf(name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await policyOf(name)).toBe(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it.each([
    ['no policy', undefined],
    ['partners with read actions only and the owner\'s own admin grants', (n: string) => statements(n).slice(1, 3)],
    ['a service principal with s3:PutObjectAcl', (n: string) => [{ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObjectAcl', Resource: `${arnOf(n)}/*` }]],
  ])('plans nothing for a bucket with %s', async (_kind, list) => {
    // Prepare
    const name = await bucket(list);
    const ctx = contextFor(name);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('answers non-compliant for a wildcard principal with a denied action, whatever its condition', async () => {
    // Prepare
    const name = await bucket((n) => [
      { Effect: 'Allow', Principal: '*', Action: 's3:PutBucketAcl', Resource: arnOf(n), Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } },
    ]);
    // Act
    const result = await playbook.verify(contextFor(name));
    // Assess
    expect(result.compliant).toBe(false);
  });

  it('fails a missing bucket at the snapshot', async () => {
    await expect(playbook.snapshot(contextFor('rectify-no-such-bucket'))).rejects.toThrow();
  });
});
