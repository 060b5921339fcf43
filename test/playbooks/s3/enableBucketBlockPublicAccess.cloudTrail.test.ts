import { CreateTrailCommand, CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableBucketBlockPublicAccess as playbook } from '../../../tasks/playbooks/s3/enableBucketBlockPublicAccess.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';
import { ACLS_ONLY, ALL_ON, ALL_USERS, arnOf, configurationOf, createBucket, everyone, settingsOf, type BucketSetup } from './bucketFixtures.js';

const contextIn = (clients: AwsClients, name: string, controlId: string) =>
  createPlaybookContext(playbook, requestFor({ resourceType: 'AwsS3Bucket', resourceId: arnOf(name), controlId }), clients);

/**
 * CloudTrail.6 (CIS v1.2.0 2.3, v1.4.0 3.3): the bucket a trail writes to must not be publicly
 * accessible, read or write, through its policy or ACL unless Block Public Access restricts them.
 */
describe('enableBucketBlockPublicAccess for CloudTrail.6 (the trail\'s bucket) against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);

  async function trailBucket(setup: BucketSetup, controlId = 'CloudTrail.6') {
    const name = await createBucket(s3(), setup);
    await aws.clients().client(CloudTrailClient).send(new CreateTrailCommand({ Name: `trail-${name.slice(-8)}`, S3BucketName: name }));
    return { name, ctx: contextIn(aws.clients(), name, controlId) };
  }

  it.each(['CloudTrail.6', 'cis-aws-foundations-benchmark/v/1.2.0/2.3', 'cis-aws-foundations-benchmark/v/1.4.0/3.3'])(
    'a %s finding on a bucket readable through its ACL turns on the ACL settings only, and verify answers CloudTrail.6',
    async (controlId) => {
      // Prepare
      const { name, ctx } = await trailBucket({ acl: { GrantRead: ALL_USERS } }, controlId);
      const neighbour = await createBucket(s3(), { acl: { GrantRead: ALL_USERS } });
      // Act
      const before = await playbook.verify(ctx);
      const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
      await playbook.apply(ctx, plan);
      // Assess
      expect(before).toEqual({
        compliant: false,
        detail: `Bucket ${name} has BlockPublicAcls, IgnorePublicAcls off while the bucket ACL grants READ to everyone (AllUsers) (${controlId})`,
      });
      expect(settingsOf(plan)).toEqual(['BlockPublicAcls', 'IgnorePublicAcls']);
      expect(plan.impact?.level).toBe('disruptive');
      expect(await playbook.verify(ctx)).toEqual({
        compliant: true,
        detail: `Bucket ${name} meets ${controlId}: it grants no public access that Block Public Access leaves unrestricted`,
      });
      expect(await configurationOf(s3(), name)).toEqual(ACLS_ONLY);
      expect(await configurationOf(s3(), neighbour)).toBe('NoSuchPublicAccessBlockConfiguration');
    },
  );

  it('public write through the policy counts too, where S3.2 alone would not fail it', async () => {
    // Prepare
    const { ctx, name } = await trailBucket({ statements: (b) => [everyone(b, 'Drop', 's3:PutObject')] });
    // Act
    const cloudTrail6 = await playbook.verify(ctx);
    const s32 = await playbook.verify(contextIn(aws.clients(), name, 'S3.2'));
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(cloudTrail6.compliant).toBe(false);
    expect(s32.compliant).toBe(true);
    expect(settingsOf(plan)).toEqual(['BlockPublicPolicy', 'RestrictPublicBuckets']);
  });

  it('plans nothing for a private trail bucket, and rolls a fixed one back to no configuration, twice without harm', async () => {
    // Prepare
    const { ctx: quiet } = await trailBucket({});
    const { name, ctx } = await trailBucket({ acl: { GrantRead: ALL_USERS }, statements: (b) => [everyone(b, 'Read', 's3:GetObject')] });
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const afterFirst = await configurationOf(s3(), name);
    await playbook.apply(ctx, plan);
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect((await playbook.plan(quiet, await playbook.snapshot(quiet))).changes).toEqual([]);
    expect(afterFirst).toEqual(ALL_ON);
    expect(await configurationOf(s3(), name)).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(await playbook.snapshot(ctx)).toBeNull();
  });
});
