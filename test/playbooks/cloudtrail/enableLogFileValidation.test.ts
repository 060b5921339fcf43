import {
  CloudTrailClient,
  CreateTrailCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type CreateTrailCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { enableLogFileValidation as playbook } from '../../../tasks/playbooks/cloudtrail/enableLogFileValidation.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const trailArn = (name: string, region = 'us-east-1', account = '123456789012') => `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
const requestForTrail = (arn: string, region = 'us-east-1') =>
  requestFor({ resourceType: 'AwsCloudTrailTrail', resourceId: arn, controlId: 'CloudTrail.4', region });

describe('enableLogFileValidation (CloudTrail.4) against moto', () => {
  const aws = useMoto();
  const cloudtrail = () => aws.clients().client(CloudTrailClient);

  /** A logging trail writing to its own bucket (moto's CreateTrail needs the bucket to exist). */
  async function trail(input: Partial<CreateTrailCommandInput> = {}, account?: string): Promise<string> {
    const name = `trail-${crypto.randomUUID().slice(0, 8)}`;
    const clients = aws.clients(account);
    await clients.client(S3Client).send(new CreateBucketCommand({ Bucket: `${name}-logs` }));
    await clients
      .client(CloudTrailClient)
      .send(new CreateTrailCommand({ Name: name, S3BucketName: `${name}-logs`, S3KeyPrefix: 'audit', IsMultiRegionTrail: true, ...input }));
    await clients.client(CloudTrailClient).send(new StartLoggingCommand({ Name: name }));
    return name;
  }
  const contextFor = (name: string) => createPlaybookContext(playbook, requestForTrail(trailArn(name)), aws.clients());
  const trailOf = async (Name: string) => (await cloudtrail().send(new GetTrailCommand({ Name }))).Trail!;
  /** Everything about the trail that validation must not touch. */
  async function trailOtherThanValidation(Name: string) {
    const { LogFileValidationEnabled: _validation, ...rest } = await trailOf(Name);
    const { IsLogging } = await cloudtrail().send(new GetTrailStatusCommand({ Name }));
    return { ...rest, IsLogging };
  }

  it('enables validation and leaves the rest of the trail and other trails alone', async () => {
    // Prepare
    const name = await trail();
    const neighbour = await trail();
    const ctx = contextFor(name);
    const trailBefore = await trailOtherThanValidation(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ logFileValidationEnabled: false });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Enable log file validation for trail ${trailArn(name)}: CloudTrail will deliver hourly signed digest files to its bucket`,
    ]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(plan.summary).toMatch(new RegExp(`^Enable log file validation for trail ${name} \\(non-disruptive: `));
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await trailOf(name)).LogFileValidationEnabled).toBe(true);
    expect(await trailOtherThanValidation(name)).toEqual(trailBefore);
    expect(trailBefore).toMatchObject({ S3KeyPrefix: 'audit', IsMultiRegionTrail: true, IsLogging: true });
    expect((await trailOf(neighbour)).LogFileValidationEnabled).toBe(false);
  });

  it('rolls back to validation disabled', async () => {
    // Prepare
    const name = await trail();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await trailOf(name)).LogFileValidationEnabled).toBe(false);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify answers non-compliant for a trail without validation, and again after validation is turned off', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const name = await trail({ EnableLogFileValidation: false });
    const ctx = contextFor(name);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await cloudtrail().send(new UpdateTrailCommand({ Name: name, EnableLogFileValidation: false }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Log file validation of trail ${name} is disabled` });
    expect(fixed).toEqual({ compliant: true, detail: `Log file validation of trail ${name} is enabled` });
    expect(putBack.compliant).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await trail();
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await trailOf(name);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await trailOf(name)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a trail that validates already, and its rollback keeps validation on', async () => {
    // Prepare
    const name = await trail({ EnableLogFileValidation: true });
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect((await trailOf(name)).LogFileValidationEnabled).toBe(true);
  });

  it('fixes a trail in a member account through the assumed member role', async () => {
    // Prepare
    const member = '222222222222';
    const name = await trail({ IsMultiRegionTrail: false }, member);
    const request = { ...requestForTrail(trailArn(name, 'us-east-1', member)), account: member };
    const ctx = createPlaybookContext(playbook, request, aws.clients(member));
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    const { Trail } = await aws.clients(member).client(CloudTrailClient).send(new GetTrailCommand({ Name: name }));
    expect(Trail).toMatchObject({ LogFileValidationEnabled: true, IsMultiRegionTrail: false });
  });
});

describe('enableLogFileValidation with trails this account or Region cannot update', () => {
  // moto's GetTrail shows neither shadow copies of multi-Region trails nor organization trails of
  // another account, so GetTrail is stubbed to answer as CloudTrail does for them.
  function stubbed(trail: Record<string, unknown>, region: string) {
    const client = new CloudTrailClient({ region });
    const stub = mockClient(client);
    stub.on(GetTrailCommand).resolves({ Trail: { LogFileValidationEnabled: false, ...trail } });
    const clients: AwsClients = { account: '123456789012', region, client: <C>() => client as unknown as C };
    return { stub, clients };
  }

  it.each([
    [
      'a multi-Region trail outside its home Region',
      { TrailARN: trailArn('org-audit'), HomeRegion: 'us-east-1', IsMultiRegionTrail: true },
      'eu-west-1',
      /its home Region is us-east-1/,
    ],
    [
      'an organization trail of the management account',
      { TrailARN: trailArn('org-audit', 'eu-west-1', '999999999999'), HomeRegion: 'eu-west-1', IsOrganizationTrail: true },
      'eu-west-1',
      /organization trail owned by account 999999999999/,
    ],
  ] as const)('refuses %s and changes nothing', async (_kind, trail, region, reason) => {
    // Prepare
    const arn = trail.TrailARN;
    const { stub, clients } = stubbed(trail, region);
    const ctx = createPlaybookContext(playbook, requestForTrail(arn, region), clients);
    // Act
    const planning = playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    await expect(planning).rejects.toThrow(reason);
    await expect(planning).rejects.toThrow(`Cannot enable log file validation of trail ${arn}`);
    expect(stub.commandCalls(UpdateTrailCommand)).toHaveLength(0);
  });
});
