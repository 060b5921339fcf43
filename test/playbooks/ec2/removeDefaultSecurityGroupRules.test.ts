import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { removeDefaultSecurityGroupRules as playbook } from '../../../tasks/playbooks/ec2/removeDefaultSecurityGroupRules.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('removeDefaultSecurityGroupRules (EC2.2) against moto', () => {
  const aws = useMoto();
  const ec2 = () => aws.clients().client(EC2Client);

  async function defaultGroupOf(vpcId: string): Promise<string> {
    const { SecurityGroups = [] } = await ec2().send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }),
    );
    return SecurityGroups[0]!.GroupId!;
  }

  /**
   * A VPC whose default group has the rules AWS gives it (moto omits the self-referencing
   * ingress rule, so it is added here) plus one more each way, and an ordinary group beside it.
   */
  async function vpcWithDefaultGroup(): Promise<{ vpcId: string; defaultGroup: string; neighbour: string }> {
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const vpcId = Vpc!.VpcId!;
    const defaultGroup = await defaultGroupOf(vpcId);
    await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: defaultGroup,
        IpPermissions: [
          { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: defaultGroup, UserId: '123456789012' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ssh from the vpn' }] },
        ],
      }),
    );
    await ec2().send(
      new AuthorizeSecurityGroupEgressCommand({ GroupId: defaultGroup, IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }),
    );
    const { GroupId: neighbour } = await ec2().send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web tier', VpcId: vpcId }));
    await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: neighbour,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }] }],
      }),
    );
    return { vpcId, defaultGroup, neighbour: neighbour! };
  }

  function contextFor(groupId: string) {
    const request = requestFor({
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`,
      controlId: 'EC2.2',
    });
    return createPlaybookContext(playbook, request, aws.clients());
  }

  /** The group's rules as moto reports them, one readable line each, ids included. */
  async function rulesOf(groupId: string): Promise<string[]> {
    const { SecurityGroupRules = [] } = await ec2().send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
    );
    return SecurityGroupRules.map(
      (r) =>
        `${r.SecurityGroupRuleId} ${r.IsEgress ? 'out' : 'in'} ${r.IpProtocol} ${r.FromPort}-${r.ToPort} ` +
        `${r.CidrIpv4 ?? r.CidrIpv6 ?? r.ReferencedGroupInfo?.GroupId} ${r.Description ?? ''}`.trim(),
    ).sort();
  }

  it('removes every rule of the default group, says who uses it, and leaves the other groups alone', async () => {
    // Prepare
    const { vpcId, defaultGroup, neighbour } = await vpcWithDefaultGroup();
    const { Subnet } = await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }));
    await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: Subnet!.SubnetId, Groups: [defaultGroup] }));
    const neighbourBefore = await rulesOf(neighbour);
    const ctx = contextFor(defaultGroup);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.summary).toBe(
      `Remove all 4 rule(s) of default security group ${defaultGroup} of ${vpcId}; 1 network interface(s) use it and lose the traffic these rules allow`,
    );
    expect(plan.changes.map((change) => change.description)).toEqual([
      `Remove inbound all traffic from ${defaultGroup} from default group ${defaultGroup}`,
      `Remove inbound TCP port 22 from 10.0.0.0/8 ("ssh from the vpn") from default group ${defaultGroup}`,
      `Remove outbound all traffic to 0.0.0.0/0 from default group ${defaultGroup}`,
      `Remove outbound all traffic to ::/0 from default group ${defaultGroup}`,
    ]);
    expect(plan.impact).toEqual({ level: 'disruptive', why: '1 network interface(s) use the group and lose the traffic its 4 rule(s) allow' });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
    expect(await rulesOf(defaultGroup)).toEqual([]);
    expect(await rulesOf(neighbour)).toEqual(neighbourBefore);
  });

  it('verify fails, for real, a default group with only its outbound rule, and one a person opened again after the fix', async () => {
    // Prepare: EC2.2 fails a default group with any rule, outbound included; moto gives a new VPC's default group only that one.
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    const untouched = await defaultGroupOf(Vpc!.VpcId!);
    const { defaultGroup: reopened } = await vpcWithDefaultGroup();
    const ctx = contextFor(reopened);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: reopened, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }),
    );
    // Act
    const untouchedResult = await playbook.verify(contextFor(untouched));
    const reopenedResult = await playbook.verify(ctx);
    // Assess
    expect(untouchedResult.compliant).toBe(false);
    expect(untouchedResult.detail).toBe(`Default security group ${untouched} still allows outbound all traffic to 0.0.0.0/0`);
    expect(reopenedResult.compliant).toBe(false);
    expect(reopenedResult.detail).toBe(`Default security group ${reopened} still allows inbound TCP port 443 from 10.0.0.0/8`);
  });

  it('rolls back every rule, the self-reference included', async () => {
    // Prepare
    const { defaultGroup } = await vpcWithDefaultGroup();
    const ctx = contextFor(defaultGroup);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(before).toMatchObject({
      ingress: [{ protocol: '-1', referencedGroupId: defaultGroup }, { fromPort: 22, cidrIpv4: '10.0.0.0/8', description: 'ssh from the vpn' }],
      egress: [{ protocol: '-1', cidrIpv4: '0.0.0.0/0' }, { protocol: '-1', cidrIpv6: '::/0' }],
    });
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const { defaultGroup } = await vpcWithDefaultGroup();
    const ctx = contextFor(defaultGroup);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await rulesOf(defaultGroup)).toEqual([]);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('plans nothing for a default group that already has no rules', async () => {
    // Prepare
    const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const defaultGroup = await defaultGroupOf(Vpc!.VpcId!);
    const { SecurityGroupRules = [] } = await ec2().send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [defaultGroup] }] }),
    );
    const egress = SecurityGroupRules.filter((r) => r.IsEgress).map((r) => r.SecurityGroupRuleId!);
    await ec2().send(new RevokeSecurityGroupEgressCommand({ GroupId: defaultGroup, SecurityGroupRuleIds: egress }));
    const ctx = contextFor(defaultGroup);
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan).toEqual({ summary: `Default security group ${defaultGroup} of ${Vpc!.VpcId} has no rules`, changes: [] });
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('refuses a group that is not a default group and changes nothing', async () => {
    // Prepare
    const { neighbour } = await vpcWithDefaultGroup();
    const ctx = contextFor(neighbour);
    const before = await rulesOf(neighbour);
    // Act + Assess
    await expect(playbook.plan(ctx, await playbook.snapshot(ctx))).rejects.toMatchObject({
      name: 'RemediationFailed',
      message: expect.stringMatching(/its name is "web", not "default", so it is not a VPC default security group. Rectify changed nothing/),
    });
    expect(await rulesOf(neighbour)).toEqual(before);
  });

  it('a security group that does not exist fails the snapshot with RemediationFailed', async () => {
    // Prepare: EC2 lists no rules for an unknown group id, exactly as for a default group without rules.
    const missing = 'sg-0000000000000000f';
    // Act + Assess
    await expect(playbook.snapshot(contextFor(missing))).rejects.toMatchObject({
      name: 'RemediationFailed',
      message: expect.stringContaining(`security group arn:aws:ec2:us-east-1:123456789012:security-group/${missing} does not exist`),
    });
  });
});

describe('removeDefaultSecurityGroupRules rollback of labelled rules', () => {
  // moto's DescribeSecurityGroupRules drops the description of group-reference and prefix-list
  // rules, so the restore call itself is checked: every rule comes back with its label.
  it('re-creates group-reference and prefix-list rules with their descriptions', async () => {
    // Prepare
    const ec2 = new EC2Client({ region: 'us-east-1' });
    const stub = mockClient(ec2);
    stub.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    const clients: AwsClients = { account: '123456789012', region: 'us-east-1', client: <C>() => ec2 as unknown as C };
    const request = requestFor({
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-1',
      controlId: 'EC2.2',
    });
    const ctx = createPlaybookContext(playbook, request, clients);
    const none = { cidrIpv4: null, cidrIpv6: null, prefixListId: null, referencedGroupId: null, referencedUserId: null };
    const snapshot = {
      groupId: 'sg-1',
      ingress: [{ ...none, protocol: '-1', fromPort: -1, toPort: -1, referencedGroupId: 'sg-1', referencedUserId: '123456789012', description: 'members' }],
      egress: [{ ...none, protocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-1', description: 's3 endpoint' }],
    };
    // Act
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(stub.commandCalls(AuthorizeSecurityGroupIngressCommand).map((call) => call.args[0].input)).toEqual([
      { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-1', UserId: '123456789012', Description: 'members' }] }] },
    ]);
    expect(stub.commandCalls(AuthorizeSecurityGroupEgressCommand).map((call) => call.args[0].input)).toEqual([
      { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-1', Description: 's3 endpoint' }] }] },
    ]);
  });
});
