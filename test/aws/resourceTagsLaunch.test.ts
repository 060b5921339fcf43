import { describe, expect, it } from 'vitest';
import { readResourceTags } from '../../tasks/domain/resourceTags.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { useMoto } from '../support/moto.js';

const ACCOUNT = LOCAL_ADMIN_ACCOUNT;

/** The tag readers of launch templates, Auto Scaling groups and launch configurations (AutoScaling.1/3/5, EC2.25, EC2.170). */
describe('live tags of launch templates, Auto Scaling groups and launch configurations (moto)', () => {
  const aws = useMoto();
  const read = (type: string, arn: string) => readResourceTags(aws.clients(), type, { arn, account: ACCOUNT });

  it('reads a launch template\'s and a group\'s tags, vouches for a launch configuration (no tags), and fails closed on a missing one', async () => {
    // Prepare
    const template = (await callAws({
      service: 'EC2',
      command: 'CreateLaunchTemplate',
      params: {
        LaunchTemplateName: 'tagged',
        LaunchTemplateData: { ImageId: 'ami-12c6146b' },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'rectify:exempt', Value: 'EC2.25' }] }],
      },
    })) as { LaunchTemplate: { LaunchTemplateId: string } };
    await callAws({ service: 'AutoScaling', command: 'CreateLaunchConfiguration', params: { LaunchConfigurationName: 'lc', ImageId: 'ami-12c6146b', InstanceType: 't3.micro' } });
    await callAws({
      service: 'AutoScaling',
      command: 'CreateAutoScalingGroup',
      params: {
        AutoScalingGroupName: 'tagged',
        LaunchConfigurationName: 'lc',
        MinSize: 0,
        MaxSize: 1,
        AvailabilityZones: ['us-east-1a'],
        Tags: [{ Key: 'environment', Value: 'prod', PropagateAtLaunch: false }],
      },
    });
    const { AutoScalingGroups } = (await callAws({ service: 'AutoScaling', command: 'DescribeAutoScalingGroups', params: { AutoScalingGroupNames: ['tagged'] } })) as {
      AutoScalingGroups: { AutoScalingGroupARN: string }[];
    };
    const { LaunchConfigurations } = (await callAws({ service: 'AutoScaling', command: 'DescribeLaunchConfigurations', params: { LaunchConfigurationNames: ['lc'] } })) as {
      LaunchConfigurations: { LaunchConfigurationARN: string }[];
    };
    const templateArn = `arn:aws:ec2:us-east-1:${ACCOUNT}:launch-template/${template.LaunchTemplate.LaunchTemplateId}`;
    // Act / Assess
    expect(await read('AwsEc2LaunchTemplate', templateArn)).toEqual({ 'rectify:exempt': 'EC2.25' });
    expect(await read('AwsAutoScalingAutoScalingGroup', AutoScalingGroups[0]!.AutoScalingGroupARN)).toEqual({ environment: 'prod' });
    expect(await read('AwsAutoScalingLaunchConfiguration', LaunchConfigurations[0]!.LaunchConfigurationARN)).toEqual({});
    await expect(read('AwsEc2LaunchTemplate', `arn:aws:ec2:us-east-1:${ACCOUNT}:launch-template/lt-0fedcba9876543210`)).rejects.toThrow();
    await expect(
      read('AwsAutoScalingAutoScalingGroup', `arn:aws:autoscaling:us-east-1:${ACCOUNT}:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/tagged`),
    ).rejects.toThrow(/was not found/);
    await expect(
      read('AwsAutoScalingLaunchConfiguration', `arn:aws:autoscaling:us-east-1:${ACCOUNT}:launchConfiguration:11111111-2222-3333-4444-555555555555:launchConfigurationName/gone`),
    ).rejects.toThrow(/was not found/);
  });
});
