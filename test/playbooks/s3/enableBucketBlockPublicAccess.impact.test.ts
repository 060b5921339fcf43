import { GetBucketPolicyStatusCommand, S3Client } from '@aws-sdk/client-s3';
import { PutPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableBucketBlockPublicAccess as playbook } from '../../../tasks/playbooks/s3/enableBucketBlockPublicAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { ALL_USERS, arnOf, createBucket, everyone, POLICY_ONLY, type BucketSetup } from './bucketFixtures.js';

const MEMBER = '222222222222';
const ALL_FOUR = 'BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets';

/** The impact of the plan for a bucket serving (or not) the public today: DESIGN §5, docs/decisions/011. */
describe('enableBucketBlockPublicAccess: the plan is disruptive exactly when it may cut off public access granted today (moto)', () => {
  const aws = useMoto();

  /** A bucket in `account` (a test of its own account where the account-level settings matter) and the plan for its finding. */
  async function planFor(setup: BucketSetup, controlId = 'S3.8', account = '123456789012') {
    const s3 = aws.clients(account).client(S3Client);
    const name = await createBucket(s3, setup);
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: arnOf(name), controlId, account });
    const ctx = createPlaybookContext(playbook, request, aws.clients(account));
    return { name, plan: await playbook.plan(ctx, await playbook.snapshot(ctx)) };
  }

  it('is disruptive for a bucket whose ACL grants public read, naming the grant', async () => {
    // Act
    const { name, plan } = await planFor({ acl: { GrantRead: ALL_USERS } });
    // Assess
    expect(plan.impact).toEqual({
      level: 'disruptive',
      why: `turning on ${ALL_FOUR} for bucket ${name} may cut off public access in use: the bucket ACL grants READ to everyone (AllUsers): IgnorePublicAcls stops honouring it`,
    });
  });

  it('is disruptive for a bucket whose policy grants everyone a read, naming the statement, even with ACLs disabled', async () => {
    // Act
    const { name, plan } = await planFor({ ownership: 'BucketOwnerEnforced', statements: (b) => [everyone(b, 'Website', 's3:GetObject')] });
    // Assess
    expect(plan.impact).toEqual({
      level: 'disruptive',
      why:
        `turning on ${ALL_FOUR} for bucket ${name} may cut off public access in use: bucket policy statement "Website" allows s3:GetObject ` +
        'to everyone: RestrictPublicBuckets limits the bucket to AWS services and principals of its own account, so this stops working, ' +
        'and so does any access the policy grants other accounts',
    });
  });

  it('is disruptive while ACLs are enabled and the bucket holds objects, whose ACLs are not read, though its own ACL grants nothing', async () => {
    // Act
    const { name, plan } = await planFor({ configuration: POLICY_ONLY, objects: ['logo.png'] });
    // Assess
    expect(plan.impact).toEqual({
      level: 'disruptive',
      why:
        `turning on BlockPublicAcls, IgnorePublicAcls for bucket ${name} may cut off public access in use: ACLs are enabled on the bucket ` +
        '(object ownership none) and it holds objects, whose ACLs Rectify does not read: IgnorePublicAcls stops honouring any that grants the public access',
    });
  });

  it('is non-disruptive for an empty bucket with ACLs enabled whose ACL and policy grant the public nothing', async () => {
    // Act
    const { name, plan } = await planFor({ configuration: POLICY_ONLY });
    // Assess
    expect(plan.impact).toEqual({
      level: 'non-disruptive',
      why:
        `turning on BlockPublicAcls, IgnorePublicAcls for bucket ${name} cuts off no access in use: its ACL and policy grant the public nothing; ` +
        'it holds no object, so no object ACL grants anything; BlockPublicAcls only refuses public ACLs set from now on',
    });
  });

  it('is non-disruptive for a bucket with ACLs disabled and a policy that names accounts only', async () => {
    // Prepare
    const partner = (b: string) => [{ Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: `${arnOf(b)}/*` }];
    // Act
    const { name, plan } = await planFor({ ownership: 'BucketOwnerEnforced', statements: partner, objects: ['report.csv'] });
    // Assess
    expect(plan.impact).toEqual({
      level: 'non-disruptive',
      why:
        `turning on ${ALL_FOUR} for bucket ${name} cuts off no access in use: its ACL and policy grant the public nothing; ` +
        'ACLs are disabled (object ownership BucketOwnerEnforced); BlockPublicAcls and BlockPublicPolicy only refuse public ACLs and public policies set from now on',
    });
  });

  it('is non-disruptive when the account already neutralises the public ACL grant and blocks public ACLs', async () => {
    // Prepare
    await aws
      .clients(MEMBER)
      .client(S3ControlClient)
      .send(new PutPublicAccessBlockCommand({ AccountId: MEMBER, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true } }));
    // Act
    const { name, plan } = await planFor({ acl: { GrantRead: ALL_USERS }, configuration: POLICY_ONLY, objects: ['logo.png'] }, 'S3.8', MEMBER);
    // Assess
    expect(plan.impact).toEqual({
      level: 'non-disruptive',
      why:
        `turning on BlockPublicAcls, IgnorePublicAcls for bucket ${name} cuts off no access in use: already without effect under the ` +
        "account's Block Public Access settings: the bucket ACL grants READ to everyone (AllUsers); the account already enforces BlockPublicAcls, IgnorePublicAcls",
    });
  });

  it('counts a conditioned statement for everyone as public when S3 gives no verdict (moto)', async () => {
    // Prepare: moto 5.2.1 does not implement GetBucketPolicyStatus (it answers without a PolicyStatus).
    const s3 = aws.clients().client(S3Client);
    const probe = await createBucket(s3, { statements: (b) => [everyone(b, 'Probe', 's3:GetObject')] });
    const status = (await s3.send(new GetBucketPolicyStatusCommand({ Bucket: probe }))).PolicyStatus;
    const fromVpce = (b: string) => [{ ...everyone(b, 'FromEndpoint', 's3:GetObject'), Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c' } } }];
    // Act
    const { plan } = await planFor({ ownership: 'BucketOwnerEnforced', statements: fromVpce });
    // Assess
    expect(status?.IsPublic).toBeUndefined();
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('statement "FromEndpoint" allows s3:GetObject to everyone under conditions') });
  });
});
