import {
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableBucketBlockPublicAccess as playbook } from '../../../tasks/playbooks/s3/enableBucketBlockPublicAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { ACLS_ONLY, ALL_USERS, arnOf, AUTHENTICATED_USERS, configurationOf, createBucket, everyone, settingsOf, type BucketSetup } from './bucketFixtures.js';

const contextIn = (clients: AwsClients, name: string, controlId: string) =>
  createPlaybookContext(playbook, requestFor({ resourceType: 'AwsS3Bucket', resourceId: arnOf(name), controlId }), clients);

/**
 * S3.2 (no public read) and S3.3 (no public write) check the bucket's policy and ACL unless Block
 * Public Access restricts them: a finding for one of them turns on only the settings for the
 * source that grants it, and verify answers that control, not S3.8.
 */
describe('enableBucketBlockPublicAccess for S3.2 and S3.3 against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);

  async function bucketFor(setup: BucketSetup, controlId: string) {
    const name = await createBucket(s3(), setup);
    return { name, ctx: contextIn(aws.clients(), name, controlId) };
  }

  it('S3.2, public read through the ACL: answers non-compliant, then turns on only the ACL settings', async () => {
    // Prepare
    const { name, ctx } = await bucketFor({ acl: { GrantRead: ALL_USERS } }, 'S3.2');
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({
      compliant: false,
      detail: `Bucket ${name} has BlockPublicAcls, IgnorePublicAcls off while the bucket ACL grants READ to everyone (AllUsers) (S3.2)`,
    });
    expect(settingsOf(plan)).toEqual(['BlockPublicAcls', 'IgnorePublicAcls']);
    expect(plan.impact?.level).toBe('disruptive');
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await configurationOf(s3(), name)).toEqual(ACLS_ONLY);
    // S3.8 would still fail this bucket: that is another control's finding.
    expect(await playbook.verify(contextIn(aws.clients(), name, 'S3.8'))).toMatchObject({ compliant: false });
  });

  it('S3.2, public read through the policy: turns on only the policy settings', async () => {
    // Prepare
    const { ctx } = await bucketFor({ statements: (b) => [everyone(b, 'Website', 's3:GetObject')] }, 'pci-dss/v/3.2.1/PCI.S3.2');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(settingsOf(plan)).toEqual(['BlockPublicPolicy', 'RestrictPublicBuckets']);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: false });
  });

  it('S3.3 passes a bucket that the public may read but not write, and plans nothing', async () => {
    // Prepare
    const { ctx } = await bucketFor({ acl: { GrantRead: ALL_USERS }, statements: (b) => [everyone(b, 'Website', 's3:GetObject', 's3:ListBucket')] }, 'S3.3');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('S3.3, public write through the ACL and the policy: turns on all four, and rollback makes it non-compliant again', async () => {
    // Prepare
    const { name, ctx } = await bucketFor(
      { acl: { GrantWrite: AUTHENTICATED_USERS }, statements: (b) => [everyone(b, 'Uploads', 's3:PutObject')] },
      'pci-dss/v/3.2.1/PCI.S3.1',
    );
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    const fixed = await playbook.verify(ctx);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toHaveLength(4);
    expect(fixed).toMatchObject({ compliant: true });
    expect(await playbook.verify(ctx)).toEqual({
      compliant: false,
      detail:
        `Bucket ${name} has BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off while the bucket ACL grants WRITE ` +
        'to any AWS account (AuthenticatedUsers), bucket policy statement "Uploads" allows s3:PutObject to everyone (pci-dss/v/3.2.1/PCI.S3.1)',
    });
  });

  it.each([
    ['NotAction', (b: string) => [{ Effect: 'Allow', Principal: { AWS: '*' }, NotAction: 's3:DeleteBucket', Resource: `${arnOf(b)}/*` }]],
    ['an action wildcard that can match a Get', (b: string) => [everyone(b, 'Wild', 's3:*Object')]],
    ['NotPrincipal', (b: string) => [{ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: `${arnOf(b)}/*` }]],
  ])('S3.2 counts a policy statement with %s as public read', async (_kind, statements) => {
    // Prepare
    const { ctx } = await bucketFor({ statements }, 'S3.2');
    // Act
    const result = await playbook.verify(ctx);
    // Assess
    expect(result).toMatchObject({ compliant: false });
  });
});

/** moto 5.2.1 does not implement GetBucketPolicyStatus, so S3 is stubbed to give S3's own verdict. */
describe('enableBucketBlockPublicAccess with S3\'s verdict on the policy (GetBucketPolicyStatus, stubbed)', () => {
  function stubbed(policy: object[], isPublic: boolean) {
    const client = new S3Client({ region: 'us-east-1' });
    const s3 = mockClient(client);
    s3.on(GetBucketOwnershipControlsCommand).resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: policy }) });
    s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: isPublic } });
    s3.on(GetPublicAccessBlockCommand).rejects(Object.assign(new Error('none'), { name: 'NoSuchPublicAccessBlockConfiguration' }));
    const clients: AwsClients = { account: '123456789012', region: 'us-east-1', client: <C>() => client as unknown as C };
    return contextIn(clients, 'vault', 'S3.2');
  }

  it('passes a statement for everyone whose condition S3 says makes it non-public', async () => {
    // Prepare
    const ctx = stubbed([{ ...everyone('vault', 'FromEndpoint', 's3:GetObject'), Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c' } } }], false);
    // Act + Assess
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fails a policy S3 calls public even when no statement reads as public to Rectify', async () => {
    // Prepare
    const ctx = stubbed([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::vault/*' }], true);
    // Act
    const result = await playbook.verify(ctx);
    // Assess
    expect(result).toEqual({
      compliant: false,
      detail: "Bucket vault has BlockPublicPolicy, RestrictPublicBuckets off while the bucket policy is public by S3's own evaluation (GetBucketPolicyStatus) (S3.2)",
    });
  });
});
