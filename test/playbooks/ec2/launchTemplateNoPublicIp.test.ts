import { CreateLaunchTemplateVersionCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { launchTemplateNoPublicIp as playbook } from '../../../tasks/playbooks/ec2/launchTemplateNoPublicIp.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';
import { FakeLaunchTemplate, TEMPLATE_ARN, TEMPLATE_ID } from './launchTemplateFake.js';

/** Two interfaces: the primary assigns a public IP, the second (its own subnet) does not say. */
const PUBLIC = {
  ImageId: 'ami-0abcdef1234567890',
  InstanceType: 't3.micro',
  MetadataOptions: { HttpTokens: 'optional' },
  NetworkInterfaces: [
    { DeviceIndex: 0, AssociatePublicIpAddress: true, SubnetId: 'subnet-0aaaaaaaaaaaaaaaa', Groups: ['sg-0123456789abcdef0'], DeleteOnTermination: true },
    { DeviceIndex: 1, SubnetId: 'subnet-0bbbbbbbbbbbbbbbb', Description: 'replication' },
  ],
};
const FIXED_INTERFACES = [{ ...PUBLIC.NetworkInterfaces[0], AssociatePublicIpAddress: false }, PUBLIC.NetworkInterfaces[1]];

/** EC2 as its API documents launch templates (moto 5.2.1 has no DeleteLaunchTemplateVersions and ignores SourceVersion). */
describe('launchTemplateNoPublicIp (EC2.25) with aws-sdk-client-mock', () => {
  const client = new EC2Client({ region: 'us-east-1' });
  const ec2 = mockClient(client);
  afterAll(() => ec2.restore());
  let template: FakeLaunchTemplate;
  const contextFor = (resourceId = TEMPLATE_ARN) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsEc2LaunchTemplate', resourceId, controlId: 'EC2.25' }), stubbedClients([client]));

  beforeEach(() => {
    ec2.reset();
    template = new FakeLaunchTemplate(structuredClone(PUBLIC) as never);
    template.serve(ec2);
  });

  it('turns only AssociatePublicIpAddress true to false in a new default version; every other setting and version stays', async () => {
    // Prepare
    const ctx = contextFor();
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Default version 1 of EC2 launch template ${TEMPLATE_ID} assigns a public IP on network interface 0` });
    expect(snapshot).toEqual({ templateId: TEMPLATE_ID, templateName: 'web', defaultVersion: 1, field: PUBLIC.NetworkInterfaces, rectifyVersions: [] });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Create version from default version 1 of EC2 launch template web (${TEMPLATE_ID}) with AssociatePublicIpAddress true → false on network ` +
        'interface at device index 0 (every other setting kept), and make it the default version; the earlier versions stay',
    ]);
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('no public IPv4 address') });
    expect(ec2.commandCalls(CreateLaunchTemplateVersionCommand).map((c) => c.args[0].input.LaunchTemplateData)).toEqual([{ NetworkInterfaces: FIXED_INTERFACES }]);
    expect(template.defaultVersion).toBe(2);
    expect(template.defaultData).toEqual({ ...PUBLIC, NetworkInterfaces: FIXED_INTERFACES });
    expect(template.versions[0]!.data).toEqual(PUBLIC);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Default version 2 of EC2 launch template ${TEMPLATE_ID} assigns no public IP` });
  });

  it('verify reads the default version only, as the rule does: a public later version that is not the default passes', async () => {
    // Prepare
    template.defaultVersion = template.person({ ImageId: 'ami-0abcdef1234567890' });
    template.person(structuredClone(PUBLIC) as never);
    const ctx = contextFor();
    // Act
    const notDefault = await playbook.verify(ctx);
    template.defaultVersion = 3;
    const nowDefault = await playbook.verify(ctx);
    // Assess
    expect(notDefault.compliant).toBe(true);
    expect(nowDefault).toMatchObject({ compliant: false, detail: expect.stringContaining('network interface 0') });
  });

  it('rolls back: the default version is the snapshot\'s again and the version Rectify created is deleted', async () => {
    // Prepare
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(template.versions.map((v) => v.number)).toEqual([1]);
    expect(template.defaultData).toEqual(PUBLIC);
  });

  it('changes nothing when applied a second time, and then plans nothing', async () => {
    // Prepare
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(template.versions).toHaveLength(2);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a template whose default version assigns no public IP (unset leaves it to the subnet, which the rule passes)', async () => {
    // Prepare
    template.defaultVersion = template.person({ ...structuredClone(PUBLIC), NetworkInterfaces: [PUBLIC.NetworkInterfaces[1]] } as never);
    const ctx = contextFor();
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fails the snapshot of a missing template', async () => {
    // Prepare
    const ctx = contextFor('arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0fedcba9876543210');
    // Act / Assess
    await expect(playbook.snapshot(ctx)).rejects.toThrow(/does not exist/);
  });

  it('sends only commands its declared permissions allow, and needs every one of them', async () => {
    // Prepare
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    await playbook.verify(ctx);
    await playbook.rollback(ctx, before);
    // Assess
    expect(actionsSentTo({ EC2: ec2 })).toEqual(new Set(playbook.permissions));
  });
});
