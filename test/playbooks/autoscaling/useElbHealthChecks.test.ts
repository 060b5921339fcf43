import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { useElbHealthChecks as playbook } from '../../../tasks/playbooks/autoscaling/useElbHealthChecks.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('useElbHealthChecks (AutoScaling.1) against moto', () => {
  const aws = useMoto();
  const autoscaling = () => aws.clients().client(AutoScalingClient);

  let counter = 0;
  /** A group behind a target group (or behind none), with the given health checks. */
  async function group(options: { behindTargetGroup: boolean; HealthCheckType?: string; HealthCheckGracePeriod?: number }) {
    const name = `web-${++counter}`;
    const { Vpcs = [] } = await aws.clients().client(EC2Client).send(new DescribeVpcsCommand({}));
    const targetGroup = options.behindTargetGroup
      ? (
          await aws.clients().client(ElasticLoadBalancingV2Client).send(
            new CreateTargetGroupCommand({ Name: `${name}-tg`, Protocol: 'HTTP', Port: 80, VpcId: Vpcs[0]!.VpcId! }),
          )
        ).TargetGroups![0]!.TargetGroupArn!
      : undefined;
    await autoscaling().send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: `${name}-lc`, ImageId: 'ami-12c6146b', InstanceType: 't3.micro' }));
    await autoscaling().send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchConfigurationName: `${name}-lc`,
        MinSize: 0,
        MaxSize: 2,
        AvailabilityZones: ['us-east-1a'],
        ...(targetGroup ? { TargetGroupARNs: [targetGroup] } : {}),
        ...(options.HealthCheckType ? { HealthCheckType: options.HealthCheckType } : {}),
      }),
    );
    // moto creates a group asked for a grace period of 0 with 300 (AWS keeps 0); an update stores it.
    if (options.HealthCheckGracePeriod !== undefined) {
      await autoscaling().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, HealthCheckGracePeriod: options.HealthCheckGracePeriod }));
    }
    return name;
  }

  async function read(name: string) {
    const { AutoScalingGroups = [] } = await autoscaling().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    return AutoScalingGroups[0]!;
  }

  async function contextFor(name: string, settings?: Record<string, unknown>) {
    const arn = (await read(name)).AutoScalingGroupARN!;
    const request = requestFor({ resourceType: 'AwsAutoScalingAutoScalingGroup', resourceId: arn, controlId: 'AutoScaling.1' });
    return createPlaybookContext(playbook, request, aws.clients(), settings);
  }

  it('adds ELB health checks and a grace period to a group behind a target group; its neighbour stays', async () => {
    // Prepare
    const name = await group({ behindTargetGroup: true, HealthCheckType: 'EC2', HealthCheckGracePeriod: 0 });
    const neighbour = await group({ behindTargetGroup: true, HealthCheckType: 'EC2', HealthCheckGracePeriod: 0 });
    const ctx = await contextFor(name);
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toMatchObject({ compliant: false, detail: expect.stringContaining('checks only EC2') });
    expect(snapshot).toEqual({ healthCheckType: 'EC2', healthCheckGracePeriod: 0, loadBalancers: [expect.stringMatching(/^target group arn:aws:elasticloadbalancing:.*web-1-tg/)] });
    expect(plan.changes.map((c) => c.description)).toEqual([expect.stringContaining(`Set HealthCheckType of Auto Scaling group ${name} from EC2 to ELB`)]);
    expect(plan.changes[0]!.description).toContain('its grace period goes from 0 to 300 s');
    expect(plan.impact?.level).toBe('disruptive');
    expect(await read(name)).toMatchObject({ HealthCheckType: 'ELB', HealthCheckGracePeriod: 300, MinSize: 0, MaxSize: 2 });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await read(neighbour)).toMatchObject({ HealthCheckType: 'EC2', HealthCheckGracePeriod: 0 });
  });

  it('keeps another health check type and an existing grace period; the setting applies only where there is none', async () => {
    // Prepare
    const name = await group({ behindTargetGroup: true, HealthCheckType: 'EBS', HealthCheckGracePeriod: 90 });
    const ctx = await contextFor(name, { gracePeriodSeconds: 600 });
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect(await read(name)).toMatchObject({ HealthCheckType: 'EBS,ELB', HealthCheckGracePeriod: 90 });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('verify fails again when ELB checks are turned off after the fix', async () => {
    // Prepare
    const name = await group({ behindTargetGroup: true });
    const ctx = await contextFor(name);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Act
    await autoscaling().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, HealthCheckType: 'EC2' }));
    // Assess
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('rolls back the health check type and grace period to the snapshot', async () => {
    // Prepare
    const name = await group({ behindTargetGroup: true, HealthCheckType: 'EC2', HealthCheckGracePeriod: 0 });
    const ctx = await contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await read(name)).toMatchObject({ HealthCheckType: 'EC2', HealthCheckGracePeriod: 0 });
  });

  it('changes nothing when applied a second time, and then plans nothing', async () => {
    // Prepare
    const name = await group({ behindTargetGroup: true });
    const ctx = await contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(afterFirst);
    expect((await playbook.plan(ctx, afterFirst)).changes).toEqual([]);
  });

  it('plans nothing for a group already on ELB checks, or with no load balancer (the rule does not apply)', async () => {
    // Prepare
    const compliant = await contextFor(await group({ behindTargetGroup: true, HealthCheckType: 'ELB', HealthCheckGracePeriod: 60 }));
    const alone = await contextFor(await group({ behindTargetGroup: false }));
    // Act
    const plans = [await playbook.plan(compliant, await playbook.snapshot(compliant)), await playbook.plan(alone, await playbook.snapshot(alone))];
    // Assess
    expect(plans.map((p) => p.changes)).toEqual([[], []]);
    expect(plans[1]!.summary).toContain('associated with no load balancer');
    expect(await playbook.verify(alone)).toMatchObject({ compliant: true });
  });

  it('fails the snapshot of a missing group', async () => {
    // Prepare
    const request = requestFor({
      resourceType: 'AwsAutoScalingAutoScalingGroup',
      resourceId: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/gone',
      controlId: 'AutoScaling.1',
    });
    const ctx = createPlaybookContext(playbook, request, aws.clients());
    // Act / Assess
    await expect(playbook.snapshot(ctx)).rejects.toThrow(/was not found/);
  });
});
