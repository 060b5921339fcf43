import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketWebsiteCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { requireSecureTransport as playbook } from '../../../tasks/playbooks/s3/requireSecureTransport.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const PARTNER = 'arn:aws:iam::111122223333:root';
const arnOf = (bucket: string) => `arn:aws:s3:::${bucket}`;
/** What S3.5 asks for, as the playbook writes it. */
const sslDeny = (bucket: string, Sid = 'RectifyDenyInsecureTransport') => ({
  Sid,
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [arnOf(bucket), `${arnOf(bucket)}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});
/** Statements that must survive untouched: a grant, and a deny that covers objects only (not compliant). */
const existingStatements = (bucket: string) => [
  { Sid: 'PartnerRead', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: ['s3:GetObject'], Resource: `${arnOf(bucket)}/*` },
  {
    Sid: 'ObjectsOverTls',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `${arnOf(bucket)}/*`,
    Condition: { Bool: { 'aws:SecureTransport': false } },
  },
];

describe('requireSecureTransport (S3.5) against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);

  async function bucket(policy?: (name: string) => string): Promise<string> {
    const Bucket = `rectify-${crypto.randomUUID()}`;
    await s3().send(new CreateBucketCommand({ Bucket }));
    if (policy) await s3().send(new PutBucketPolicyCommand({ Bucket, Policy: policy(Bucket) }));
    return Bucket;
  }
  // Pretty-printed on purpose: rollback must give back these exact bytes.
  const handWritten = (name: string) => JSON.stringify({ Version: '2012-10-17', Id: 'hand-written', Statement: existingStatements(name) }, null, 4);

  function contextFor(name: string) {
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: arnOf(name), controlId: 'S3.5' });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  /** The bucket policy text, or the error name when it has none (bucket-level calls work under the deny in moto). */
  async function policyOf(Bucket: string): Promise<string> {
    try {
      return (await s3().send(new GetBucketPolicyCommand({ Bucket }))).Policy!;
    } catch (error) {
      return (error as Error).name;
    }
  }

  it('appends the deny and keeps every other statement and the rest of the bucket as they were', async () => {
    // Prepare
    const name = await bucket(handWritten);
    await s3().send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: 'team', Value: 'payments' }] } }));
    const ctx = contextFor(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ policy: handWritten(name) });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Add a statement to the bucket policy of ${name} that denies every S3 action (s3:*) by anyone on the bucket and its objects ` +
        'when the request does not use TLS (aws:SecureTransport false); the 2 existing statement(s) stay as they are',
    ]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    const merged = JSON.parse(await policyOf(name));
    expect(merged).toEqual({ Version: '2012-10-17', Id: 'hand-written', Statement: [...existingStatements(name), sslDeny(name)] });
    // Same content, byte for byte, once whitespace is set aside.
    expect(JSON.stringify(merged.Statement.slice(0, 2))).toBe(JSON.stringify(existingStatements(name)));
    expect((await s3().send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet).toEqual([{ Key: 'team', Value: 'payments' }]);
  });

  it('rolls back to the exact previous policy text', async () => {
    // Prepare
    const name = await bucket(handWritten);
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await policyOf(name)).toBe(handWritten(name));
  });

  it('creates a policy for a bucket without one, and rollback deletes it again', async () => {
    // Prepare
    const name = await bucket();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const applied = JSON.parse(await policyOf(name));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(before).toEqual({ policy: null });
    expect(plan.changes[0]?.description).toMatch(/^Create a bucket policy of /);
    expect(applied).toEqual({ Version: '2012-10-17', Statement: [sslDeny(name)] });
    expect(await policyOf(name)).toBe('NoSuchBucketPolicy');
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await bucket(handWritten);
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
    ['the documented statement', (name: string) => ({ ...sslDeny(name, 'AllowSSLRequestsOnly') })],
    [
      'an equivalent spelling (AWS "*", action list, lower-case key, boolean false)',
      (name: string) => ({ ...sslDeny(name), Principal: { AWS: '*' }, Action: ['s3:*'], Condition: { Bool: { 'aws:securetransport': false } } }),
    ],
  ])('plans nothing for a bucket whose policy already has %s', async (_kind, statement) => {
    // Prepare
    const name = await bucket((n) => JSON.stringify({ Version: '2012-10-17', Statement: [statement(n)] }));
    const ctx = contextFor(name);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it.each([
    [
      'an Allow conditioned on aws:SecureTransport true (AWS\'s non-compliant example) and no deny',
      (name: string) => [{ Sid: 'HttpsOnlyRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${arnOf(name)}/*`, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
    ],
    ['a deny that covers objects only', (name: string) => [existingStatements(name)[1]!]],
    ['a deny narrowed by another condition', (name: string) => [{ ...sslDeny(name), Condition: { Bool: { 'aws:SecureTransport': 'false' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]],
  ])('answers non-compliant for a policy with %s', async (_kind, statements) => {
    // Prepare
    const name = await bucket((n) => JSON.stringify({ Version: '2012-10-17', Statement: statements(n) }));
    const ctx = contextFor(name);
    // Act
    const result = await playbook.verify(ctx);
    // Assess
    expect(result).toEqual({ compliant: false, detail: `The policy of bucket ${name} does not deny requests that do not use TLS` });
  });

  it('answers non-compliant again when the deny is removed after the fix', async () => {
    // Prepare
    const name = await bucket(handWritten);
    const ctx = contextFor(name);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Act
    await s3().send(new PutBucketPolicyCommand({ Bucket: name, Policy: handWritten(name) }));
    // Assess
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: false });
  });

  it('keeps a single-statement policy and picks a Sid no other statement uses', async () => {
    // Prepare
    const partner = { Sid: 'RectifyDenyInsecureTransport', Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 's3:ListBucket' };
    const name = await bucket((n) => JSON.stringify({ Version: '2012-10-17', Statement: { ...partner, Resource: arnOf(n) } }));
    const ctx = contextFor(name);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    const statements = JSON.parse(await policyOf(name)).Statement;
    expect(statements).toEqual([{ ...partner, Resource: arnOf(name) }, sslDeny(name, 'RectifyDenyInsecureTransport2')]);
  });

  it('refuses a bucket that hosts a static website and changes nothing', async () => {
    // Prepare
    const name = await bucket(handWritten);
    await s3().send(new PutBucketWebsiteCommand({ Bucket: name, WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } } }));
    const ctx = contextFor(name);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(`Cannot require TLS on bucket ${name}`);
    await expect(planning).rejects.toThrow(/static website/);
    expect(await policyOf(name)).toBe(handWritten(name));
  });

  it('refuses a policy that the deny would push over the 20 KB limit', async () => {
    // Prepare
    // 59 grants of ~344 bytes: under 20 KB, and over it once the deny is added.
    const filler = (n: string) =>
      Array.from({ length: 59 }, (_, i) => ({
        Sid: `Reader${i}`,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${100000000000 + i}:root` },
        Action: 's3:GetObject',
        Resource: `${arnOf(n)}/shared/${'x'.repeat(150)}/*`,
      }));
    const name = await bucket((n) => JSON.stringify({ Version: '2012-10-17', Statement: filler(n) }));
    const ctx = contextFor(name);
    const before = await policyOf(name);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(Buffer.byteLength(before)).toBeLessThanOrEqual(20 * 1024);
    await expect(planning).rejects.toThrow(/over S3's 20480-byte limit/);
    expect(await policyOf(name)).toBe(before);
  });
});
