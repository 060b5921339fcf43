import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand as GetBucketPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3ControlClient,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3-control';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableAccountBlockPublicAccess as playbook } from '../../../tasks/playbooks/s3/enableAccountBlockPublicAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ADMIN = '123456789012';
const MEMBER = '222222222222';
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ACLS_ONLY = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false };

describe('enableAccountBlockPublicAccess (S3.1) against moto', () => {
  const aws = useMoto();
  const s3control = (account = ADMIN) => aws.clients(account).client(S3ControlClient);
  const s3 = () => aws.clients().client(S3Client);
  // The configuration belongs to the account: every test starts from an account without one.
  beforeEach(() => aws.moto.reset());

  async function configure(configuration: PublicAccessBlockConfiguration, account = ADMIN) {
    await s3control(account).send(new PutPublicAccessBlockCommand({ AccountId: account, PublicAccessBlockConfiguration: configuration }));
  }

  function contextFor(account = ADMIN) {
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${account}`, controlId: 'S3.1', account });
    return createPlaybookContext(playbook, request, aws.clients(account));
  }

  /** The account's configuration as S3 Control reports it, or the error name when it has none. */
  async function configurationOf(account = ADMIN): Promise<PublicAccessBlockConfiguration | string> {
    try {
      return (await s3control(account).send(new GetPublicAccessBlockCommand({ AccountId: account }))).PublicAccessBlockConfiguration!;
    } catch (error) {
      return (error as Error).name;
    }
  }

  it('turns on the account settings that are off and leaves buckets’ own settings and policies alone', async () => {
    // Prepare
    await configure(ACLS_ONLY);
    const Bucket = `rectify-${crypto.randomUUID()}`;
    await s3().send(new CreateBucketCommand({ Bucket }));
    const partner = { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject' };
    const Policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ ...partner, Resource: `arn:aws:s3:::${Bucket}/*` }] });
    await s3().send(new PutBucketPolicyCommand({ Bucket, Policy }));
    const ctx = contextFor();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual(ACLS_ONLY);
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Turn on BlockPublicPolicy for account ${ADMIN} (reject bucket and access point policies that grant public access)`,
      `Turn on RestrictPublicBuckets for account ${ADMIN} (limit every bucket with a public policy to AWS services and the bucket owner)`,
    ]);
    expect(plan.impact).toEqual({
      level: 'disruptive',
      why:
        `turning on BlockPublicPolicy, RestrictPublicBuckets for account ${ADMIN} overrides every bucket and access point in every Region ` +
        '(RestrictPublicBuckets: buckets and access points with a public policy are limited to AWS services and principals of the account), ' +
        'and Rectify cannot establish that none serves public access today: that would take reading every object ACL and every Region',
    });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Account ${ADMIN} has all four Block Public Access settings on` });
    expect(await configurationOf()).toEqual(ALL_ON);
    const bucketLevel = s3().send(new GetBucketPublicAccessBlockCommand({ Bucket }));
    await expect(bucketLevel).rejects.toMatchObject({ name: 'NoSuchPublicAccessBlockConfiguration' });
    expect((await s3().send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(Policy);
  });

  it('answers non-compliant while any setting is off or not configured, and again when one is turned off after the fix', async () => {
    // Prepare
    const ctx = contextFor(MEMBER);
    // Act
    const unconfigured = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await configure({ ...ALL_ON, BlockPublicPolicy: false }, MEMBER);
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(unconfigured).toEqual({
      compliant: false,
      detail: `Account ${MEMBER} has BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off`,
    });
    expect(putBack).toEqual({ compliant: false, detail: `Account ${MEMBER} has BlockPublicPolicy off` });
  });

  it('is non-disruptive when only Block* settings are off: they refuse future public ACLs and policies and cut off nothing in use', async () => {
    // Prepare
    await configure({ ...ALL_ON, BlockPublicPolicy: false });
    const ctx = contextFor();
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.impact).toEqual({
      level: 'non-disruptive',
      why: `turning on BlockPublicPolicy for account ${ADMIN} only refuses public ACLs or policies set from now on: access granted today is unchanged`,
    });
  });

  it('rolls back to the previous configuration', async () => {
    // Prepare
    await configure(ACLS_ONLY);
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await configurationOf()).toEqual(ACLS_ONLY);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    await configure(ACLS_ONLY);
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await configurationOf()).toEqual(ALL_ON);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for an account that already blocks public access', async () => {
    // Prepare
    await configure(ALL_ON);
    const ctx = contextFor();
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan).toEqual({ summary: `Account ${ADMIN} already blocks public access to S3`, changes: [] });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('deletes the configuration on rollback when the member account had none, and leaves other accounts alone', async () => {
    // Prepare
    await configure(ACLS_ONLY, ADMIN);
    const ctx = contextFor(MEMBER);
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const applied = await configurationOf(MEMBER);
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(before).toBeNull();
    expect(plan.changes).toHaveLength(4);
    expect(applied).toEqual(ALL_ON);
    expect(await configurationOf(MEMBER)).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(await playbook.snapshot(ctx)).toBeNull();
    expect(await configurationOf(ADMIN)).toEqual(ACLS_ONLY);
  });
});
