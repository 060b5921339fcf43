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
const ID = 'ec2-launch-template-require-imdsv2';

/** ec2-launch-template-imdsv2-check: the default version must set HttpTokens to required (unset fails). */
const RULE: LaunchTemplateRule<'MetadataOptions'> = {
  field: 'MetadataOptions',
  compliant: (data) => data.MetadataOptions?.HttpTokens === 'required',
  // Every other metadata option is kept as the version sets it; State is a response-only field.
  fixed: (data: ResponseLaunchTemplateData) => {
    const { State: _state, ...options } = data.MetadataOptions ?? {};
    return { ...options, HttpTokens: 'required' };
  },
};

/**
 * Makes an EC2 launch template require IMDSv2 (EC2.170,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-170; AWS Config
 * rule `ec2-launch-template-imdsv2-check`,
 * https://docs.aws.amazon.com/config/latest/developerguide/ec2-launch-template-imdsv2-check.html:
 * NON_COMPLIANT unless the template's **default version** sets the metadata version to V2, i.e.
 * `MetadataOptions.HttpTokens` is `required`; unset fails). `verify` reads exactly that.
 *
 * A new version is created from the default one with only `HttpTokens` changed (hop limit,
 * endpoint, IPv6 and tags-in-metadata kept) and made the default; the old versions stay, so a
 * person can go back. Disruptive: instances launched from the template from then on (Auto Scaling
 * groups using `$Default` or `$Latest`, new launches) answer IMDSv1 calls with HTTP 401; instances
 * already running are not touched. Rollback sets the default version back and deletes the version
 * Rectify created (marked in its description, docs/decisions/027).
 */
export const launchTemplateRequireImdsV2 = definePlaybook<LaunchTemplateSnapshot, { description: string }>({
  id: 'ec2-launch-template-require-imdsv2',
  title: 'Require IMDSv2 in the default version of an EC2 launch template',
  controls: ['EC2.170'],
  resourceType: 'AwsEc2LaunchTemplate',
  impact: 'disruptive',
  permissions: [...LAUNCH_TEMPLATE_PERMISSIONS],
  notEmulated: 'moto 5.2.1 has no DeleteLaunchTemplateVersions (rollback) and ignores SourceVersion in CreateLaunchTemplateVersion',

  snapshot: (ctx) => snapshotTemplate(ctx, RULE.field, ID),

  async plan(ctx, current) {
    const version = await defaultVersionOf(ctx);
    const data = version.LaunchTemplateData ?? {};
    const name = `${current.templateName} (${current.templateId})`;
    if (RULE.compliant(data)) return { summary: `EC2 launch template ${name} already requires IMDSv2 in its default version`, changes: [] };
    const kept = Object.entries(RULE.fixed(data) ?? {})
      .filter(([key]) => key !== 'HttpTokens')
      .map(([key, value]) => `${key} ${String(value)}`)
      .join(', ');
    return {
      summary: `Require IMDSv2 in EC2 launch template ${name}`,
      changes: [
        {
          description:
            `Create version from default version ${current.defaultVersion} of EC2 launch template ${name} with HttpTokens ` +
            `${data.MetadataOptions?.HttpTokens ?? 'unset'} → required (kept: ${kept || 'no other metadata options set'}), and make it the ` +
            'default version; the earlier versions stay',
        },
      ],
      impact: {
        level: 'disruptive',
        why: 'instances launched from the template from then on (Auto Scaling groups using $Default or $Latest, new launches) answer IMDSv1 calls with HTTP 401; running instances are not changed',
      },
    };
  },

  apply: (ctx) => applyFixedVersion(ctx, RULE, ID),

  async verify(ctx) {
    const version = await defaultVersionOf(ctx);
    const tokens = version.LaunchTemplateData?.MetadataOptions?.HttpTokens;
    return tokens === 'required'
      ? { compliant: true, detail: `Default version ${version.VersionNumber} of EC2 launch template ${ctx.resource.name} requires IMDSv2` }
      : { compliant: false, detail: `Default version ${version.VersionNumber} of EC2 launch template ${ctx.resource.name} does not require IMDSv2 (HttpTokens ${tokens ?? 'unset'})` };
  },

  rollback: (ctx, snapshot) => rollbackTemplate(ctx, snapshot, ID),
});
