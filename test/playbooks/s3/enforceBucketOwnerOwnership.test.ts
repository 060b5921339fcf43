import {
  CreateBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketTaggingCommand,
  GetObjectAclCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
  type Grant,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enforceBucketOwnerOwnership as playbook } from '../../../tasks/playbooks/s3/enforceBucketOwnerOwnership.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const PARTNER_ID = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const arnOf = (bucket: string) => `arn:aws:s3:::${bucket}`;

describe('enforceBucketOwnerOwnership (S3.12) against moto', () => {
  const aws = useMoto();
  const s3 = () => aws.clients().client(S3Client);

  /** A bucket with ACLs enabled (`ownership`, or no controls at all) whose ACL grants a partner READ and log delivery WRITE. */
  async function bucket(ownership: 'ObjectWriter' | 'BucketOwnerPreferred' | 'none' | 'BucketOwnerEnforced', grants = true): Promise<string> {
    const Bucket = `rectify-${crypto.randomUUID()}`;
    await s3().send(new CreateBucketCommand({ Bucket }));
    if (ownership === 'none') await s3().send(new DeleteBucketOwnershipControlsCommand({ Bucket }));
    else await s3().send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: ownership }] } }));
    if (grants) {
      const { Owner, Grants = [] } = await s3().send(new GetBucketAclCommand({ Bucket }));
      const extra: Grant[] = [
        { Grantee: { Type: 'CanonicalUser', ID: PARTNER_ID }, Permission: 'READ' },
        { Grantee: { Type: 'Group', URI: LOG_DELIVERY }, Permission: 'WRITE' },
      ];
      await s3().send(new PutBucketAclCommand({ Bucket, AccessControlPolicy: { Owner, Grants: [...Grants, ...extra] } }));
    }
    return Bucket;
  }
  function contextFor(name: string) {
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: arnOf(name), controlId: 'S3.12' });
    return createPlaybookContext(playbook, request, aws.clients());
  }
  async function ownershipOf(Bucket: string): Promise<string> {
    try {
      return (await s3().send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? 'none';
    } catch (error) {
      return (error as Error).name;
    }
  }
  const grantsOf = async (Bucket: string) => (await s3().send(new GetBucketAclCommand({ Bucket }))).Grants ?? [];

  it('answers non-compliant, names who loses access, resets the bucket ACL and enforces bucket-owner ownership', async () => {
    // Prepare
    const name = await bucket('ObjectWriter');
    const neighbour = await bucket('ObjectWriter');
    await s3().send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: 'team', Value: 'orders' }] } }));
    await s3().send(new PutObjectCommand({ Bucket: name, Key: 'report.csv', Body: 'a,b', ACL: 'public-read' }));
    const ctx = contextFor(name);
    const neighbourGrants = await grantsOf(neighbour);
    // Act
    const found = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(found).toEqual({ compliant: false, detail: `Object ownership of bucket ${name} is ObjectWriter` });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toContain(`canonical user ${PARTNER_ID} (READ on the bucket)`);
    expect(plan.impact?.why).toContain('S3 server access log delivery (LogDelivery)');
    expect(plan.impact?.why).toContain("anyone the bucket's objects' own ACLs grant access to");
    expect(plan.changes.map((change) => change.description)).toEqual([
      expect.stringMatching(new RegExp(`^Reset the bucket ACL of ${name} to the owner's full control, removing 2 grant\\(s\\)`)),
      `Set object ownership of bucket ${name} to BucketOwnerEnforced (was ObjectWriter): ACLs no longer grant access`,
    ]);
    expect(await ownershipOf(name)).toBe('BucketOwnerEnforced');
    expect((await grantsOf(name)).map((grant) => grant.Permission)).toEqual(['FULL_CONTROL']);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Object ownership of bucket ${name} is BucketOwnerEnforced (ACLs disabled)` });
    expect((await s3().send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet).toEqual([{ Key: 'team', Value: 'orders' }]);
    expect(await ownershipOf(neighbour)).toBe('ObjectWriter');
    expect(await grantsOf(neighbour)).toEqual(neighbourGrants);
  });

  it.each(['ObjectWriter', 'none'] as const)('rolls back ownership %s and the bucket ACL grants, and twice changes nothing more', async (ownership) => {
    // Prepare
    const name = await bucket(ownership);
    await s3().send(new PutObjectCommand({ Bucket: name, Key: 'report.csv', Body: 'a,b', ACL: 'public-read' }));
    const objectAcl = (await s3().send(new GetObjectAclCommand({ Bucket: name, Key: 'report.csv' }))).Grants;
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    const grantsBefore = await grantsOf(name);
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    // Act
    await playbook.rollback(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(await ownershipOf(name)).toBe(ownership === 'none' ? 'OwnershipControlsNotFoundError' : ownership);
    expect(await grantsOf(name)).toEqual(grantsBefore);
    expect(await playbook.snapshot(ctx)).toEqual(snapshot);
    expect((await s3().send(new GetObjectAclCommand({ Bucket: name, Key: 'report.csv' }))).Grants).toEqual(objectAcl);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await bucket('BucketOwnerPreferred');
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a bucket whose ACLs are already disabled', async () => {
    // Prepare
    const name = await bucket('BucketOwnerEnforced', false);
    const ctx = contextFor(name);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('still plans, disruptively, for a bucket whose ACL grants only its owner: writers that send ACLs are refused afterwards', async () => {
    // Prepare
    const name = await bucket('BucketOwnerPreferred', false);
    const ctx = contextFor(name);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toHaveLength(1);
    expect(plan.impact?.why).toMatch(/^No ACL grants anyone but the owner today\. Uploads that set an ACL other than bucket-owner-full-control are refused/);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('leaves ownership changed by someone else after the fix, and says so', async () => {
    // Prepare
    const name = await bucket('ObjectWriter');
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, snapshot));
    await s3().send(new PutBucketOwnershipControlsCommand({ Bucket: name, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } }));
    // Act
    const rollback = playbook.rollback(ctx, snapshot);
    // Assess
    await expect(rollback).rejects.toThrow(`Bucket ${name} changed after Rectify's S3.12 change`);
    expect(await ownershipOf(name)).toBe('BucketOwnerPreferred');
  });

  it('fails a missing bucket at the snapshot', async () => {
    await expect(playbook.snapshot(contextFor('rectify-no-such-bucket'))).rejects.toThrow();
  });
});

describe('enforceBucketOwnerOwnership with a stubbed S3 client (S3 refuses BucketOwnerEnforced while the bucket ACL grants others; moto does not)', () => {
  it('resets the bucket ACL before it disables ACLs, and restores ownership before the ACL on rollback', async () => {
    // Prepare
    const s3 = new S3Client({ region: 'us-east-1' });
    const stub = mockClient(s3);
    const owner = { ID: 'owner-canonical-id' };
    const ownerGrant: Grant = { Grantee: { Type: 'CanonicalUser', ID: owner.ID }, Permission: 'FULL_CONTROL' };
    const partnerGrant: Grant = { Grantee: { Type: 'CanonicalUser', ID: PARTNER_ID }, Permission: 'READ' };
    stub.on(GetBucketAclCommand).resolvesOnce({ Owner: owner, Grants: [ownerGrant, partnerGrant] }).resolvesOnce({ Owner: owner, Grants: [ownerGrant, partnerGrant] })
      .resolves({ Owner: owner, Grants: [ownerGrant] });
    stub.on(GetBucketOwnershipControlsCommand).resolvesOnce({ OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } })
      .resolvesOnce({ OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } })
      .resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
    const clients: AwsClients = { account: '123456789012', region: 'us-east-1', client: <C>() => s3 as unknown as C };
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: arnOf('orders'), controlId: 'S3.12' });
    const ctx = createPlaybookContext(playbook, request, clients);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, { summary: '', changes: [] });
    await playbook.rollback(ctx, snapshot);
    // Assess
    const writes = stub.calls().map((call) => call.args[0].constructor.name).filter((name) => name.startsWith('Put'));
    expect(writes).toEqual(['PutBucketAclCommand', 'PutBucketOwnershipControlsCommand', 'PutBucketOwnershipControlsCommand', 'PutBucketAclCommand']);
    expect(stub.commandCalls(PutBucketAclCommand).map((call) => call.args[0].input.AccessControlPolicy?.Grants)).toEqual([
      [{ Grantee: { Type: 'CanonicalUser', ID: owner.ID }, Permission: 'FULL_CONTROL' }],
      [{ Grantee: { Type: 'CanonicalUser', ID: PARTNER_ID }, Permission: 'READ' }, { Grantee: { Type: 'CanonicalUser', ID: owner.ID }, Permission: 'FULL_CONTROL' }],
    ]);
    expect(stub.commandCalls(PutBucketOwnershipControlsCommand).map((call) => call.args[0].input.OwnershipControls?.Rules)).toEqual([
      [{ ObjectOwnership: 'BucketOwnerEnforced' }],
      [{ ObjectOwnership: 'ObjectWriter' }],
    ]);
    stub.restore();
  });
});
