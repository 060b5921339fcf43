import { definePlaybook } from '../definePlaybook.js';
import {
  applyLaunchConfiguration,
  LAUNCH_CONFIGURATION,
  LAUNCH_CONFIGURATION_PERMISSIONS,
  planLaunchConfiguration,
  rollbackLaunchConfiguration,
  snapshotLaunchConfiguration,
  verifyLaunchConfiguration,
  type LaunchConfigurationRule,
  type LaunchConfigurationSnapshot,
} from './launchConfigurationCopy.js';

const WHAT = 'requires IMDSv2';

/** autoscaling-launchconfig-requires-imdsv2: compliant only when the metadata version is V2 only (HttpTokens required). */
const RULE: LaunchConfigurationRule = {
  tag: 'imdsv2',
  compliant: (config) => config.MetadataOptions?.HttpTokens === 'required',
  fixed: (definition) => ({ ...definition, MetadataOptions: { ...definition.MetadataOptions, HttpTokens: 'required' } }),
  change: () => 'HttpTokens required (IMDSv1 calls get HTTP 401)',
};

/**
 * Makes the instances of an Auto Scaling group's launch configuration require IMDSv2 (AutoScaling.3,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/autoscaling-controls.html#autoscaling-3;
 * AWS Config rule `autoscaling-launchconfig-requires-imdsv2`,
 * https://docs.aws.amazon.com/config/latest/developerguide/autoscaling-launchconfig-requires-imdsv2.html:
 * NON_COMPLIANT when the launch configuration does not set the metadata version, or allows V1 and
 * V2). The control's resource is the launch configuration, which cannot change: the fix is a copy
 * with only `HttpTokens` required, every group moved to it, and the original deleted
 * (./launchConfigurationCopy.ts, docs/decisions/027). `verify` reads the rule on the finding's launch
 * configuration while it exists, and once it is gone requires the copy to pass.
 *
 * Refused (nothing changed, escalated): a launch configuration no group uses, and one with an
 * instance profile (copying it needs iam:PassRole on a role Rectify did not create).
 */
export const launchConfigurationRequireImdsV2 = definePlaybook<LaunchConfigurationSnapshot, { description: string }>({
  id: 'autoscaling-launch-configuration-require-imdsv2',
  title: 'Replace an Auto Scaling launch configuration with a copy that requires IMDSv2',
  controls: ['AutoScaling.3'],
  resourceType: 'AwsAutoScalingLaunchConfiguration',
  impact: 'disruptive',
  permissions: [...LAUNCH_CONFIGURATION_PERMISSIONS],
  creates: [LAUNCH_CONFIGURATION],
  snapshot: (ctx) => snapshotLaunchConfiguration(ctx, RULE),
  plan: (ctx, current) => planLaunchConfiguration(ctx, RULE, current, WHAT),
  apply: (ctx) => applyLaunchConfiguration(ctx, RULE),
  verify: (ctx) => verifyLaunchConfiguration(ctx, RULE, WHAT),
  rollback: (ctx, snapshot) => rollbackLaunchConfiguration(ctx, RULE, snapshot),
});
