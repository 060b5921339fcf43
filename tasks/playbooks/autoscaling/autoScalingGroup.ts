import { AutoScalingClient, DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { PlaybookContext } from '../definePlaybook.js';

/** The finding's Auto Scaling group is gone (or is another group of the same name): nothing to snapshot or change. */
export class AutoScalingGroupNotFoundError extends Error {
  constructor(arn: string, region: string) {
    super(`Auto Scaling group ${arn} was not found in ${region}: Rectify changed nothing; the finding archives itself once the group is gone`);
    this.name = 'AutoScalingGroupNotFound';
  }
}

/**
 * The finding's Auto Scaling group, read live. Looked up by the name in its ARN and required to
 * carry that very ARN: a group deleted and created again under the same name is another resource.
 */
export async function describeAutoScalingGroup(ctx: PlaybookContext<unknown, unknown>): Promise<AutoScalingGroup> {
  const { AutoScalingGroups = [] } = await ctx.aws
    .client(AutoScalingClient)
    .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [ctx.resource.name] }));
  const group = AutoScalingGroups.find((g) => g.AutoScalingGroupARN === ctx.resource.id);
  if (!group) throw new AutoScalingGroupNotFoundError(ctx.resource.id, ctx.resource.region);
  return group;
}

/**
 * The load balancers a group is associated with, as names a reviewer recognises: Classic Load
 * Balancers, target groups (Application, Network and Gateway Load Balancers) and ELB traffic
 * sources attached with AttachTrafficSources. VPC Lattice traffic sources are not load balancers.
 */
export function loadBalancersOf(group: AutoScalingGroup): string[] {
  const classic = (group.LoadBalancerNames ?? []).map((name) => `Classic Load Balancer ${name}`);
  const targetGroups = (group.TargetGroupARNs ?? []).map((arn) => `target group ${arn}`);
  const listed = new Set([...(group.LoadBalancerNames ?? []), ...(group.TargetGroupARNs ?? [])]);
  const sources = (group.TrafficSources ?? [])
    .filter((s) => (s.Type === 'elb' || s.Type === 'elbv2') && s.Identifier && !listed.has(s.Identifier))
    .map((s) => `traffic source ${s.Identifier}`);
  return [...classic, ...targetGroups, ...sources];
}

/**
 * The group's health check types. `HealthCheckType` is a comma-separated list (`EBS,ELB`); `EC2`
 * is always on and is written only when it is the only one.
 */
export const healthCheckTypesOf = (group: Pick<AutoScalingGroup, 'HealthCheckType'>): string[] =>
  (group.HealthCheckType ?? 'EC2')
    .split(',')
    .map((type) => type.trim())
    .filter(Boolean);
