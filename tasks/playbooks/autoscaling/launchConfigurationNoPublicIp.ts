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

const WHAT = 'assigns no public IP address';

/** autoscaling-launch-config-public-ip-disabled: NON_COMPLIANT when AssociatePublicIpAddress is true. */
const RULE: LaunchConfigurationRule = {
  tag: 'no-public-ip',
  compliant: (config) => config.AssociatePublicIpAddress !== true,
  // false, not left out: without the field the subnet's auto-assign setting decides.
  fixed: (definition) => ({ ...definition, AssociatePublicIpAddress: false }),
  change: () => 'AssociatePublicIpAddress false (no public IPv4 address)',
};

/**
 * Stops an Auto Scaling launch configuration from giving instances public IP addresses
 * (Autoscaling.5 — Security Hub spells this id with a lower-case s —
 * https://docs.aws.amazon.com/securityhub/latest/userguide/autoscaling-controls.html#autoscaling-5;
 * AWS Config rule `autoscaling-launch-config-public-ip-disabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/autoscaling-launch-config-public-ip-disabled.html:
 * NON_COMPLIANT when `AssociatePublicIpAddress` is true). The control's resource is the launch
 * configuration, which cannot change: the fix is a copy with `AssociatePublicIpAddress` false,
 * every group moved to it, and the original deleted (./launchConfigurationCopy.ts,
 * docs/decisions/027). Disruptive: new instances get no public IPv4 address, so without a NAT
 * gateway they cannot reach the internet. Refused: an unused launch configuration, and one with an
 * instance profile.
 */
export const launchConfigurationNoPublicIp = definePlaybook<LaunchConfigurationSnapshot, { description: string }>({
  id: 'autoscaling-launch-configuration-no-public-ip',
  title: 'Replace an Auto Scaling launch configuration with a copy that assigns no public IP',
  controls: ['Autoscaling.5'],
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
