import { EC2Client, paginateDescribeNetworkInterfaces } from '@aws-sdk/client-ec2';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeRule, describeSecurityGroup, readRules, restoreRules, revokeRules, type Direction, type Rule } from './securityGroupRules.js';

type DefaultGroupSnapshot = { groupId: string; ingress: Rule[]; egress: Rule[] };
type RemoveChange = { description: string; direction: Direction; rule: Rule };

/** The group's name and VPC; throws when EC2 does not know the group. */
async function describeGroup(ctx: PlaybookContext<unknown>): Promise<{ name: string; vpcId: string }> {
  const group = await describeSecurityGroup(ctx);
  return { name: group.GroupName ?? '', vpcId: group.VpcId ?? 'no VPC' };
}

/** How many network interfaces (instances, load balancers, Lambda functions in a VPC…) use the group. */
async function interfacesUsing(ctx: PlaybookContext<unknown>): Promise<number> {
  const pages = paginateDescribeNetworkInterfaces(
    { client: ctx.aws.client(EC2Client) },
    { Filters: [{ Name: 'group-id', Values: [ctx.resource.name] }] },
  );
  let count = 0;
  for await (const page of pages) count += page.NetworkInterfaces?.length ?? 0;
  return count;
}

/**
 * Removes every inbound and outbound rule of a VPC's default security group, so that anything
 * placed in it by accident gets no traffic. Control EC2.2
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2; CIS 1.2.0 4.3,
 * 1.4.0 5.3, 3.0.0 5.4, 5.0.0 5.5, PCI.EC2.2), Config rule `vpc-default-security-group-closed`
 * (https://docs.aws.amazon.com/config/latest/developerguide/vpc-default-security-group-closed.html):
 * a default group with one or more inbound or outbound rules fails, whatever the rule allows, so
 * verify fails on any rule left and the plan removes them all. The group itself, its tags and
 * every other security group stay; rollback re-creates each rule with its description.
 * Refuses a group whose name is not `default`: emptying an ordinary group is never this fix.
 *
 * Disruptive: resources may still rely on the default group (it is where instances, ENIs and
 * Lambda functions land when no group is given), and they lose all the traffic its rules allowed,
 * including the built-in rule that lets members of the group talk to each other. The plan's
 * impact says how many network interfaces use the group; a person should approve it.
 */
export const removeDefaultSecurityGroupRules = definePlaybook<DefaultGroupSnapshot, RemoveChange>({
  id: 'ec2-remove-default-security-group-rules',
  title: 'Remove all inbound and outbound rules of a VPC default security group',
  controls: [
    'EC2.2',
    'cis-aws-foundations-benchmark/v/1.2.0/4.3',
    'cis-aws-foundations-benchmark/v/1.4.0/5.3',
    'cis-aws-foundations-benchmark/v/3.0.0/5.4',
    'cis-aws-foundations-benchmark/v/5.0.0/5.5',
    'pci-dss/v/3.2.1/PCI.EC2.2',
  ],
  resourceType: 'AwsEc2SecurityGroup',
  impact: 'disruptive',
  permissions: [
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSecurityGroupRules',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupEgress',
  ],

  snapshot: async (ctx) => ({ groupId: ctx.resource.name, ingress: await readRules(ctx, 'ingress'), egress: await readRules(ctx, 'egress') }),

  async plan(ctx, current) {
    const group = await describeGroup(ctx);
    if (group.name !== 'default') {
      throw new RemediationFailedError(
        `Cannot remove the rules of security group ${ctx.resource.id} (finding ${ctx.request.findingId}): its name is ` +
          `"${group.name}", not "default", so it is not a VPC default security group. Rectify changed nothing; check the finding's resource.`,
      );
    }
    const changes: RemoveChange[] = [
      ...current.ingress.map((rule) => ({ direction: 'ingress' as const, rule, description: `Remove inbound ${describeRule(rule, 'ingress')} from default group ${current.groupId}` })),
      ...current.egress.map((rule) => ({ direction: 'egress' as const, rule, description: `Remove outbound ${describeRule(rule, 'egress')} from default group ${current.groupId}` })),
    ];
    if (changes.length === 0) return { summary: `Default security group ${current.groupId} of ${group.vpcId} has no rules`, changes };
    const users = await interfacesUsing(ctx);
    const inUse = users === 0 ? 'no network interface uses it' : `${users} network interface(s) use it and lose the traffic these rules allow`;
    // EC2.2 flags every rule, so nothing beyond the control closes; the disruption is the access in use.
    const why =
      users === 0
        ? 'no network interface uses the group now, but anything later placed in it (where resources land when no group is given) gets no traffic'
        : `${users} network interface(s) use the group and lose the traffic its ${changes.length} rule(s) allow`;
    return {
      summary: `Remove all ${changes.length} rule(s) of default security group ${current.groupId} of ${group.vpcId}; ${inUse}`,
      changes,
      impact: { level: 'disruptive', why },
    };
  },

  async apply(ctx, plan) {
    // Only the planned rules: one added after the plan was approved has not been reviewed.
    await revokeRules(ctx, 'ingress', plan.changes.filter((change) => change.direction === 'ingress').map((change) => change.rule));
    await revokeRules(ctx, 'egress', plan.changes.filter((change) => change.direction === 'egress').map((change) => change.rule));
  },

  async verify(ctx) {
    const remaining = [
      ...(await readRules(ctx, 'ingress')).map((rule) => `inbound ${describeRule(rule, 'ingress')}`),
      ...(await readRules(ctx, 'egress')).map((rule) => `outbound ${describeRule(rule, 'egress')}`),
    ];
    return remaining.length === 0
      ? { compliant: true, detail: `Default security group ${ctx.resource.name} allows no traffic` }
      : { compliant: false, detail: `Default security group ${ctx.resource.name} still allows ${remaining.join('; ')}` };
  },

  async rollback(ctx, snapshot) {
    await restoreRules(ctx, 'ingress', snapshot.ingress);
    await restoreRules(ctx, 'egress', snapshot.egress);
  },
});
