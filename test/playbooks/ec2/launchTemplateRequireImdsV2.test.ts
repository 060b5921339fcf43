import { CreateLaunchTemplateVersionCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { launchTemplateRequireImdsV2 as playbook } from '../../../tasks/playbooks/ec2/launchTemplateRequireImdsV2.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';
import { FakeLaunchTemplate, TEMPLATE_ARN, TEMPLATE_ID } from './launchTemplateFake.js';

/** A template someone wrote: IMDSv1 allowed, every other metadata option and launch parameter set. */
const WEB = {
  ImageId: 'ami-0abcdef1234567890',
  InstanceType: 't3.micro',
  SecurityGroupIds: ['sg-0123456789abcdef0'],
  UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==',
  MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled', HttpProtocolIpv6: 'enabled', InstanceMetadataTags: 'enabled' },
} as const;

/** EC2 as its API documents launch templates (moto 5.2.1 has no DeleteLaunchTemplateVersions and ignores SourceVersion). */
describe('launchTemplateRequireImdsV2 (EC2.170) with aws-sdk-client-mock', () => {
  const client = new EC2Client({ region: 'us-east-1' });
  const ec2 = mockClient(client);
  afterAll(() => ec2.restore());
  let template: FakeLaunchTemplate;
  const contextFor = (resourceId = TEMPLATE_ARN) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsEc2LaunchTemplate', resourceId, controlId: 'EC2.170' }), stubbedClients([client]));

  beforeEach(() => {
    ec2.reset();
    template = new FakeLaunchTemplate(structuredClone(WEB) as never);
    template.person({ ...structuredClone(WEB), InstanceType: 't3.large' } as never);
    template.defaultVersion = 1;
    template.serve(ec2);
  });

  it('creates a version from the default with only HttpTokens required, makes it the default, and keeps the other versions', async () => {
    // Prepare
    const ctx = contextFor();
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Default version 1 of EC2 launch template ${TEMPLATE_ID} does not require IMDSv2 (HttpTokens optional)` });
    expect(snapshot).toEqual({ templateId: TEMPLATE_ID, templateName: 'web', defaultVersion: 1, field: WEB.MetadataOptions, rectifyVersions: [] });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Create version from default version 1 of EC2 launch template web (${TEMPLATE_ID}) with HttpTokens optional → required ` +
        '(kept: HttpPutResponseHopLimit 2, HttpEndpoint enabled, HttpProtocolIpv6 enabled, InstanceMetadataTags enabled), and make it the default version; the earlier versions stay',
    ]);
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringContaining('HTTP 401') });
    expect(ec2.commandCalls(CreateLaunchTemplateVersionCommand).map((c) => c.args[0].input)).toEqual([
      {
        LaunchTemplateId: TEMPLATE_ID,
        SourceVersion: '1',
        VersionDescription: 'rectify:created-by ec2-launch-template-require-imdsv2 (from version 1)',
        LaunchTemplateData: { MetadataOptions: { ...WEB.MetadataOptions, HttpTokens: 'required' } },
      },
    ]);
    expect(template.defaultVersion).toBe(3);
    expect(template.defaultData).toEqual({ ...WEB, MetadataOptions: { ...WEB.MetadataOptions, HttpTokens: 'required' } });
    expect(template.versions.map((v) => v.data.MetadataOptions?.HttpTokens)).toEqual(['optional', 'optional', 'required']);
    expect(template.versions[1]!.data.InstanceType).toBe('t3.large');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Default version 3 of EC2 launch template ${TEMPLATE_ID} requires IMDSv2` });
  });

  it('verify fails a default version that does not set HttpTokens (the rule fails "not specified"), and one a person makes default again', async () => {
    // Prepare
    template.defaultVersion = template.person({ ImageId: 'ami-0abcdef1234567890' });
    const ctx = contextFor();
    // Act
    const unset = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    const fixedData = template.defaultData;
    template.defaultVersion = 1;
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(unset).toMatchObject({ compliant: false, detail: expect.stringContaining('HttpTokens unset') });
    expect(fixedData).toEqual({ ImageId: 'ami-0abcdef1234567890', MetadataOptions: { HttpTokens: 'required' } });
    expect(fixed.compliant).toBe(true);
    expect(putBack.compliant).toBe(false);
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
    expect(template.versions.map((v) => v.number)).toEqual([1, 2]);
    expect(template.defaultVersion).toBe(1);
  });

  it('rollback leaves a default version a person chose since, and fails for a person to look', async () => {
    // Prepare
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    template.defaultVersion = 2;
    // Act / Assess
    await expect(playbook.rollback(ctx, before)).rejects.toThrow(/default version is now 2, which Rectify did not create/);
    expect(template.defaultVersion).toBe(2);
    expect(template.versions.map((v) => v.number)).toEqual([1, 2, 3]);
  });

  it('changes nothing when applied a second time, and then plans nothing', async () => {
    // Prepare
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(template.versions).toHaveLength(3);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a template whose default version already requires IMDSv2', async () => {
    // Prepare
    template.defaultVersion = template.person({ ...structuredClone(WEB), MetadataOptions: { ...WEB.MetadataOptions, HttpTokens: 'required' } } as never);
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
