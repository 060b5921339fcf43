import type { ResponseLaunchTemplateData } from '@aws-sdk/client-ec2';
import { definePlaybook } from '../definePlaybook.js';
import {
  applyFixedVersion,
  defaultVersionOf,
  LAUNCH_TEMPLATE_PERMISSIONS,
  rollbackTemplate,
  snapshotTemplate,
  type LaunchTemplateRule,
  type LaunchTemplateSnapshot,
} from './launchTemplateVersions.js';

/** The playbook id, as `id` below spells it (the generator reads that literal); it marks the versions Rectify creates. */
const ID = 'ec2-launch-template-no-public-ip';

const publicInterfaces = (data: ResponseLaunchTemplateData) =>
  (data.NetworkInterfaces ?? []).filter((nic) => nic.AssociatePublicIpAddress === true).map((nic) => nic.DeviceIndex ?? 0);

/** ec2-launch-template-public-ip-disabled: no network interface of the default version may set AssociatePublicIpAddress true. */
const RULE: LaunchTemplateRule<'NetworkInterfaces'> = {
  field: 'NetworkInterfaces',
  compliant: (data) => publicInterfaces(data).length === 0,
  // Every interface is sent back as the version sets it, with only `true` turned to `false`: an
  // interface left out or without the field would fall back to the subnet's auto-assign setting.
  fixed: (data) => (data.NetworkInterfaces ?? []).map((nic) => (nic.AssociatePublicIpAddress === true ? { ...nic, AssociatePublicIpAddress: false } : nic)),
};

/**
 * Stops an EC2 launch template from assigning public IP addresses (EC2.25,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-25; AWS Config
 * rule `ec2-launch-template-public-ip-disabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/ec2-launch-template-public-ip-disabled.html:
 * NON_COMPLIANT when the template's **default version** has at least one network interface with
 * `AssociatePublicIpAddress` true). `verify` reads exactly that.
 *
 * A new version is created from the default one in which each such interface says `false` (every
 * other interface setting, and every other launch parameter, kept) and made the default. The
 * Config rule's optional `exemptedLaunchTemplates` is not a Security Hub control parameter: exempt
 * a template with the `rectify:exempt` tag or the register instead.
 *
 * Disruptive: instances launched from the template from then on get no public IPv4 address, so in
 * a subnet without a NAT gateway they cannot reach the internet, and nothing reaches them from it.
 * Running instances keep their addresses. Rollback sets the default version back and deletes the
 * version Rectify created (docs/decisions/027).
 */
export const launchTemplateNoPublicIp = definePlaybook<LaunchTemplateSnapshot, { description: string }>({
  id: 'ec2-launch-template-no-public-ip',
  title: 'Stop the default version of an EC2 launch template from assigning public IPs',
  controls: ['EC2.25'],
  resourceType: 'AwsEc2LaunchTemplate',
  impact: 'disruptive',
  permissions: [...LAUNCH_TEMPLATE_PERMISSIONS],
  notEmulated: 'moto 5.2.1 has no DeleteLaunchTemplateVersions (rollback) and ignores SourceVersion in CreateLaunchTemplateVersion',

  snapshot: (ctx) => snapshotTemplate(ctx, RULE.field, ID),

  async plan(ctx, current) {
    const data = (await defaultVersionOf(ctx)).LaunchTemplateData ?? {};
    const name = `${current.templateName} (${current.templateId})`;
    const devices = publicInterfaces(data);
    if (devices.length === 0) return { summary: `EC2 launch template ${name} assigns no public IP in its default version`, changes: [] };
    return {
      summary: `Stop EC2 launch template ${name} from assigning public IPs`,
      changes: [
        {
          description:
            `Create version from default version ${current.defaultVersion} of EC2 launch template ${name} with AssociatePublicIpAddress ` +
            `true → false on network interface${devices.length > 1 ? 's' : ''} at device index ${devices.join(', ')} (every other setting kept), ` +
            'and make it the default version; the earlier versions stay',
        },
      ],
      impact: {
        level: 'disruptive',
        why: 'instances launched from the template from then on get no public IPv4 address: without a NAT gateway they cannot reach the internet, and nothing on the internet reaches them',
      },
    };
  },

  apply: (ctx) => applyFixedVersion(ctx, RULE, ID),

  async verify(ctx) {
    const version = await defaultVersionOf(ctx);
    const devices = publicInterfaces(version.LaunchTemplateData ?? {});
    return devices.length === 0
      ? { compliant: true, detail: `Default version ${version.VersionNumber} of EC2 launch template ${ctx.resource.name} assigns no public IP` }
      : {
          compliant: false,
          detail: `Default version ${version.VersionNumber} of EC2 launch template ${ctx.resource.name} assigns a public IP on network interface ${devices.join(', ')}`,
        };
  },

  rollback: (ctx, snapshot) => rollbackTemplate(ctx, snapshot, ID),
});
