import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { impactOf } from '../../../tasks/playbooks/definePlaybook.js';
import { NO_PERMISSIONS_STATEMENT, removeFullAdminStatements as playbook } from '../../../tasks/playbooks/iam/removeFullAdminStatements.js';
import { parseDocument } from '../../../tasks/playbooks/iam/policyVersions.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ADMIN = { Sid: 'Admin', Effect: 'Allow', Action: '*', Resource: '*' };
const READ_S3 = { Sid: 'ReadS3', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::reports/*' };
const SERVICE_WIDE = { Sid: 'AllS3', Effect: 'Allow', Action: 's3:*', Resource: '*' };
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('removeFullAdminStatements (IAM.1) against moto', () => {
  const aws = useMoto();
  const iam = () => aws.clients().client(IAMClient);
  const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

  async function policyWith(document: string): Promise<string> {
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique('ops'), PolicyDocument: document }));
    return Policy!.Arn!;
  }
  async function defaultDocument(PolicyArn: string) {
    const { Policy } = await iam().send(new GetPolicyCommand({ PolicyArn }));
    const { PolicyVersion } = await iam().send(new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy!.DefaultVersionId! }));
    return { versionId: Policy!.DefaultVersionId!, document: parseDocument(PolicyVersion!.Document!) };
  }
  const contextFor = (arn: string, settings?: unknown) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsIamPolicy', resourceId: arn, controlId: 'IAM.1' }), aws.clients(), settings);

  it('adds a default version without the admin statement, keeps the others and v1, and leaves other policies alone', async () => {
    // Prepare
    const arn = await policyWith(doc(ADMIN, READ_S3, SERVICE_WIDE));
    const neighbour = await policyWith(doc(ADMIN));
    const user = unique('alice');
    await iam().send(new CreateUserCommand({ UserName: user }));
    await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: arn }));
    const ctx = contextFor(arn);
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `The default version v1 of ${arn} still has 1 "Allow * on *" statement(s)` });
    expect(impactOf(playbook, plan)).toEqual({ level: 'disruptive', why: `Attached to User:${user}: each loses full administrative access granted by this policy.` });
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `The default version v2 of ${arn} has no "Allow * on *" statement` });
    expect((await defaultDocument(arn)).document).toEqual({ Version: '2012-10-17', Statement: [READ_S3, SERVICE_WIDE] });
    const { Versions } = await iam().send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(Versions!.map((v) => v.VersionId).sort()).toEqual(['v1', 'v2']);
    expect(await defaultDocument(neighbour)).toEqual({ versionId: 'v1', document: JSON.parse(doc(ADMIN)) });
  });

  it('fails verify on an admin statement written with lists, and leaves a policy with only it granting nothing', async () => {
    // Prepare
    const listed = { Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: ['*'] };
    const arn = await policyWith(doc(listed));
    const ctx = contextFor(arn);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect(before).toMatchObject({ compliant: false });
    expect((await defaultDocument(arn)).document.Statement).toEqual([NO_PERMISSIONS_STATEMENT]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('rolls back to the snapshot: the old default again, the added version deleted', async () => {
    // Prepare
    const arn = await policyWith(doc(ADMIN, READ_S3));
    const ctx = contextFor(arn);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await defaultDocument(arn)).toEqual({ versionId: 'v1', document: JSON.parse(doc(ADMIN, READ_S3)) });
  });

  it('changes nothing when applied a second time, and then plans nothing', async () => {
    // Prepare
    const arn = await policyWith(doc(ADMIN, READ_S3));
    const ctx = contextFor(arn);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, afterFirst)).changes).toEqual([]);
  });

  it('plans nothing for a policy whose default version grants no "*" on "*", even when an old version did', async () => {
    // Prepare
    const arn = await policyWith(doc(ADMIN));
    await iam().send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc(SERVICE_WIDE), SetAsDefault: true }));
    const ctx = contextFor(arn);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('refuses a policy attached to a Rectify role or a kept principal, and one with five versions, changing nothing', async () => {
    // Prepare
    const trust = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
    const role = unique('RectifyRemediationRole');
    await iam().send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust }));
    const onRole = await policyWith(doc(ADMIN));
    await iam().send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: onRole }));
    const user = unique('breakglass');
    await iam().send(new CreateUserCommand({ UserName: user }));
    const onUser = await policyWith(doc(ADMIN));
    await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: onUser }));
    const full = await policyWith(doc(READ_S3));
    for (const _ of [2, 3, 4]) await iam().send(new CreatePolicyVersionCommand({ PolicyArn: full, PolicyDocument: doc(READ_S3) }));
    await iam().send(new CreatePolicyVersionCommand({ PolicyArn: full, PolicyDocument: doc(ADMIN), SetAsDefault: true }));
    const planFor = async (ctx: ReturnType<typeof contextFor>) => playbook.plan(ctx, await playbook.snapshot(ctx));
    // Act / Assess
    await expect(planFor(contextFor(onRole))).rejects.toThrow(`is attached to Role:${role}, whose access Rectify must not change`);
    await expect(planFor(contextFor(onUser, { keepPrincipals: [user] }))).rejects.toThrow(`is attached to User:${user}, whose access Rectify must not change`);
    await expect(planFor(contextFor(full))).rejects.toThrow("has 5 versions, IAM's maximum");
    expect((await defaultDocument(onRole)).versionId).toBe('v1');
  });

  it('refuses an AWS managed policy and fails the snapshot of a policy that does not exist', async () => {
    // Prepare
    const managed = contextFor('arn:aws:iam::aws:policy/AdministratorAccess');
    const missing = contextFor(`arn:aws:iam::123456789012:policy/${unique('ghost')}`);
    // Act / Assess
    await expect(playbook.snapshot(managed)).rejects.toThrow('never edits an AWS managed policy');
    await expect(playbook.snapshot(missing)).rejects.toThrow(/not found|does not exist|cannot be found/);
  });
});
