import { AutoScalingClient, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import * as z from 'zod';
import { definePlaybook } from '../definePlaybook.js';
import { describeAutoScalingGroup, healthCheckTypesOf, loadBalancersOf } from './autoScalingGroup.js';

type HealthCheckSnapshot = { healthCheckType: string; healthCheckGracePeriod: number; loadBalancers: string[] };

const Settings = z.object({
  /**
   * The grace period given to a group that has none (0) when ELB health checks are turned on, so
   * that instances still booting are not replaced for failing the load balancer's check. A group
   * with a grace period keeps its own. @default 300 (the EC2 Auto Scaling console's default)
   */
  gracePeriodSeconds: z.number().int().min(1).max(7200).default(300),
});
type Settings = z.infer<typeof Settings>;

/** The HealthCheckType that adds ELB to what the group has: EC2 is implied, other types stay. */
function withElb(types: readonly string[]): string {
  return [...types.filter((type) => type !== 'EC2' && type !== 'ELB'), 'ELB'].join(',');
}

const snapshotOf = async (ctx: Parameters<typeof describeAutoScalingGroup>[0]): Promise<HealthCheckSnapshot> => {
  const group = await describeAutoScalingGroup(ctx);
  return {
    healthCheckType: healthCheckTypesOf(group).join(','),
    healthCheckGracePeriod: group.HealthCheckGracePeriod ?? 0,
    loadBalancers: loadBalancersOf(group),
  };
};

/**
 * Turns on Elastic Load Balancing health checks for an Auto Scaling group that is associated with
 * a load balancer (AutoScaling.1, https://docs.aws.amazon.com/securityhub/latest/userguide/autoscaling-controls.html#autoscaling-1;
 * AWS Config rule `autoscaling-group-elb-healthcheck-required`,
 * https://docs.aws.amazon.com/config/latest/developerguide/autoscaling-group-elb-healthcheck-required.html:
 * NON_COMPLIANT when a group associated with a load balancer does not use ELB health checks).
 * `verify` reads exactly that: the group's `HealthCheckType` list holds `ELB`, or the group has no
 * load balancer (the rule does not apply to it).
 *
 * Adds `ELB` to the group's health check types (an `EBS` check stays; `EC2` is always on). A group
 * with no grace period gets `gracePeriodSeconds` (300 s by default) so that booting instances are
 * not replaced; a group with one keeps it. Nothing else on the group changes.
 *
 * Disruptive: from then on Auto Scaling terminates and replaces every instance a load balancer
 * reports unhealthy, including instances that serve other work while failing the load balancer's
 * check today. Rollback puts the health check type and grace period back as they were.
 */
export const useElbHealthChecks = definePlaybook<HealthCheckSnapshot, { description: string }, Settings>({
  id: 'autoscaling-use-elb-health-checks',
  title: 'Use ELB health checks on an Auto Scaling group behind a load balancer',
  controls: ['AutoScaling.1', 'pci-dss/v/3.2.1/PCI.AutoScaling.1'],
  resourceType: 'AwsAutoScalingAutoScalingGroup',
  impact: 'disruptive',
  permissions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:UpdateAutoScalingGroup'],
  settings: Settings,

  snapshot: snapshotOf,

  plan(ctx, current) {
    const name = ctx.resource.name;
    const types = current.healthCheckType.split(',');
    if (current.loadBalancers.length === 0) {
      return { summary: `Auto Scaling group ${name} is associated with no load balancer: AutoScaling.1 does not apply to it`, changes: [] };
    }
    if (types.includes('ELB')) return { summary: `Auto Scaling group ${name} already uses ELB health checks`, changes: [] };
    const grace =
      current.healthCheckGracePeriod > 0
        ? `its grace period stays ${current.healthCheckGracePeriod} s`
        : `its grace period goes from 0 to ${ctx.settings.gracePeriodSeconds} s (setting gracePeriodSeconds), so instances still booting are not replaced`;
    return {
      summary: `Use ELB health checks on Auto Scaling group ${name}`,
      changes: [
        {
          description:
            `Set HealthCheckType of Auto Scaling group ${name} from ${current.healthCheckType} to ${withElb(types)} ` +
            `(load balancers: ${current.loadBalancers.join(', ')}); ${grace}`,
        },
      ],
      impact: {
        level: 'disruptive',
        why: `Auto Scaling will terminate and replace every instance of ${name} that a load balancer reports unhealthy, including any that fail its health check today`,
      },
    };
  },

  async apply(ctx) {
    const live = await snapshotOf(ctx);
    const types = live.healthCheckType.split(',');
    if (live.loadBalancers.length === 0 || types.includes('ELB')) return;
    await ctx.aws.client(AutoScalingClient).send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: ctx.resource.name,
        HealthCheckType: withElb(types),
        ...(live.healthCheckGracePeriod > 0 ? {} : { HealthCheckGracePeriod: ctx.settings.gracePeriodSeconds }),
      }),
    );
  },

  async verify(ctx) {
    const group = await describeAutoScalingGroup(ctx);
    const types = healthCheckTypesOf(group);
    const loadBalancers = loadBalancersOf(group);
    if (loadBalancers.length === 0) return { compliant: true, detail: `Auto Scaling group ${ctx.resource.name} is associated with no load balancer` };
    return types.includes('ELB')
      ? { compliant: true, detail: `Auto Scaling group ${ctx.resource.name} uses ELB health checks (${types.join(',')})` }
      : { compliant: false, detail: `Auto Scaling group ${ctx.resource.name} is behind ${loadBalancers.join(', ')} but checks only ${types.join(',')}` };
  },

  async rollback(ctx, snapshot) {
    const live = await snapshotOf(ctx);
    if (live.healthCheckType === snapshot.healthCheckType && live.healthCheckGracePeriod === snapshot.healthCheckGracePeriod) return;
    await ctx.aws.client(AutoScalingClient).send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: ctx.resource.name,
        HealthCheckType: snapshot.healthCheckType,
        HealthCheckGracePeriod: snapshot.healthCheckGracePeriod,
      }),
    );
  },
});
