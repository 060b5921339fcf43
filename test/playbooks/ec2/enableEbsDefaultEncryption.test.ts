import {
  CreateVolumeCommand,
  DescribeVolumesCommand,
  DisableEbsEncryptionByDefaultCommand,
  EC2Client,
  EnableEbsEncryptionByDefaultCommand,
  GetEbsEncryptionByDefaultCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableEbsDefaultEncryption as playbook } from '../../../tasks/playbooks/ec2/enableEbsDefaultEncryption.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ADMIN = '123456789012';
const MEMBER = '222222222222';

describe('enableEbsDefaultEncryption (EC2.7) against moto', () => {
  const aws = useMoto();
  const ec2 = (account = ADMIN, region = 'us-east-1') => aws.clients(account, region).client(EC2Client);
  // The setting belongs to an account and region, not to a resource a test could create fresh.
  beforeEach(() => aws.moto.reset());

  function contextFor(account = ADMIN, region = 'us-east-1') {
    const request = requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${account}`, controlId: 'EC2.7', account, region });
    return createPlaybookContext(playbook, request, aws.clients(account, region));
  }
  const encryptionByDefault = async (account = ADMIN, region = 'us-east-1') =>
    (await ec2(account, region).send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault;

  it('turns encryption by default on in the finding’s region and leaves other regions and existing volumes alone', async () => {
    // Prepare
    const { VolumeId } = await ec2().send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8 }));
    const ctx = contextFor();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ encryptionByDefault: false });
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Turn on EBS encryption by default in account ${ADMIN} in us-east-1: volumes created from now on are encrypted with the ` +
        'default EBS KMS key; existing volumes and snapshots are not changed',
    ]);
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('can no longer be shared with other accounts') });
    expect(plan.summary).toContain(`Turn on EBS encryption by default in account ${ADMIN} in us-east-1 (disruptive: `);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `EBS encryption by default is on in account ${ADMIN} in us-east-1` });
    expect(await encryptionByDefault()).toBe(true);
    expect(await encryptionByDefault(ADMIN, 'eu-west-1')).toBe(false);
    const { Volumes = [] } = await ec2().send(new DescribeVolumesCommand({ VolumeIds: [VolumeId!] }));
    expect(Volumes[0]?.Encrypted).toBe(false);
  });

  it('rolls back to encryption by default off', async () => {
    // Prepare
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await encryptionByDefault()).toBe(false);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('verify answers non-compliant where encryption by default is off, and again after it is turned off', async () => {
    // Prepare: the real non-compliant answer, read from moto (a verify that always says compliant fails here).
    const ctx = contextFor();
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await ec2().send(new DisableEbsEncryptionByDefaultCommand({}));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `EBS encryption by default is off in account ${ADMIN} in us-east-1` });
    expect(fixed.compliant).toBe(true);
    expect(putBack.compliant).toBe(false);
  });

  it('verify reads the finding’s region only: encryption on in another region does not make it compliant', async () => {
    // Prepare
    await ec2(ADMIN, 'eu-west-1').send(new EnableEbsEncryptionByDefaultCommand({}));
    // Act
    const result = await playbook.verify(contextFor());
    // Assess
    expect(result.compliant).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await encryptionByDefault()).toBe(true);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing where encryption by default is already on, and its rollback keeps it on', async () => {
    // Prepare
    await ec2().send(new EnableEbsEncryptionByDefaultCommand({}));
    const ctx = contextFor();
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await encryptionByDefault()).toBe(true);
  });

  it('changes the member account’s region through the member role, not the administrator account', async () => {
    // Prepare
    const ctx = contextFor(MEMBER, 'eu-west-1');
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect(await encryptionByDefault(MEMBER, 'eu-west-1')).toBe(true);
    expect(await encryptionByDefault(ADMIN, 'eu-west-1')).toBe(false);
    expect(await encryptionByDefault(MEMBER, 'us-east-1')).toBe(false);
  });
});
