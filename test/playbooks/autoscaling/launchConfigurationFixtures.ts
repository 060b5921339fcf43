import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  type CreateLaunchConfigurationCommandInput,
} from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import type { Playbook } from '../../../tasks/playbooks/definePlaybook.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { requestFor } from '../../support/request.js';

/** A launch configuration someone wrote: user data, security group, monitoring, block device, key. */
export const DEFINITION = {
  ImageId: 'ami-12c6146b',
  InstanceType: 't3.micro',
  KeyName: 'ops',
  SecurityGroups: ['sg-0123456789abcdef0'],
  UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==',
  InstanceMonitoring: { Enabled: true },
  EbsOptimized: true,
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
} satisfies Omit<CreateLaunchConfigurationCommandInput, 'LaunchConfigurationName'>;

/** Launch configurations and groups in moto, and a context for a playbook acting on one of them. */
export function launchConfigurations(clients: () => AwsClients) {
  const autoscaling = () => clients().client(AutoScalingClient);
  return {
    async create(name: string, extra: Partial<CreateLaunchConfigurationCommandInput> = {}) {
      await autoscaling().send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: name, ...DEFINITION, ...extra }));
    },
    async group(name: string, launchConfiguration: string) {
      await autoscaling().send(
        new CreateAutoScalingGroupCommand({ AutoScalingGroupName: name, LaunchConfigurationName: launchConfiguration, MinSize: 0, MaxSize: 2, AvailabilityZones: ['us-east-1a'] }),
      );
    },
    async read(name: string) {
      const { LaunchConfigurations = [] } = await autoscaling().send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] }));
      return LaunchConfigurations[0];
    },
    async launchConfigurationOf(group: string) {
      const { AutoScalingGroups = [] } = await autoscaling().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
      return AutoScalingGroups[0]!.LaunchConfigurationName;
    },
    async contextFor(playbook: Playbook, name: string, controlId: string) {
      const arn =
        (await this.read(name))?.LaunchConfigurationARN ??
        `arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:11111111-2222-3333-4444-555555555555:launchConfigurationName/${name}`;
      return createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAutoScalingLaunchConfiguration', resourceId: arn, controlId }), clients());
    },
  };
}
