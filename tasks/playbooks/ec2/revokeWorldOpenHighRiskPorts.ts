import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeSecurityGroupRules,
  type IpPermission,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/**
 * The ports Security Hub EC2.19 treats as high risk (Security Hub user guide, "[EC2.19] Security
 * groups should not allow unrestricted access to ports with high risk").
 */
const EC2_19_HIGH_RISK_PORTS = [
  20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888,
  9200, 9300,
];

const Settings = z.object({
  /** @default the EC2.19 list */
  ports: z.array(z.number().int().min(0).max(65535)).min(1).default(EC2_19_HIGH_RISK_PORTS),
});
type Settings = z.infer<typeof Settings>;

/** One ingress rule without its id: ids change when a rule is re-created, the rule itself does not. */
type IngressRule = {
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrIpv4: string | null;
  cidrIpv6: string | null;
  prefixListId: string | null;
  referencedGroupId: string | null;
  referencedUserId: string | null;
  description: string | null;
};
type IngressSnapshot = { groupId: string; ingress: IngressRule[] };
type RevokeChange = { description: string; rule: IngressRule };

// Only TCP and UDP rules carry real port ranges; ICMP puts type and code in the same fields.
const PORTED_PROTOCOLS = new Set(['tcp', 'udp', '6', '17']);

function normalise(rule: SecurityGroupRule): IngressRule {
  return {
    protocol: rule.IpProtocol ?? '-1',
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    cidrIpv4: rule.CidrIpv4 ?? null,
    cidrIpv6: rule.CidrIpv6 ?? null,
    prefixListId: rule.PrefixListId ?? null,
    referencedGroupId: rule.ReferencedGroupInfo?.GroupId ?? null,
    referencedUserId: rule.ReferencedGroupInfo?.UserId ?? null,
    description: rule.Description ?? null,
  };
}

/**
 * What makes a rule the same rule; the description is a label on it, not part of it. Built field
 * by field so a snapshot whose keys came back from storage in another order still matches.
 */
function identity(rule: IngressRule): string {
  const { protocol, fromPort, toPort, cidrIpv4, cidrIpv6, prefixListId, referencedGroupId, referencedUserId } = rule;
  return [protocol, fromPort, toPort, cidrIpv4, cidrIpv6, prefixListId, referencedGroupId, referencedUserId].join('|');
}

function exposedPorts(rule: IngressRule, ports: readonly number[]): number[] {
  if (rule.cidrIpv4 !== '0.0.0.0/0' && rule.cidrIpv6 !== '::/0') return [];
  if (rule.protocol === '-1') return [...ports];
  if (!PORTED_PROTOCOLS.has(rule.protocol)) return [];
  return ports.filter((port) => rule.fromPort <= port && port <= rule.toPort);
}

function describeRule(rule: IngressRule): string {
  const source = rule.cidrIpv4 ?? rule.cidrIpv6;
  const label = rule.description ? ` ("${rule.description}")` : '';
  if (rule.protocol === '-1') return `all traffic from ${source}${label}`;
  const ports = rule.fromPort === rule.toPort ? `port ${rule.fromPort}` : `ports ${rule.fromPort}-${rule.toPort}`;
  return `${rule.protocol.toUpperCase()} ${ports} from ${source}${label}`;
}

async function readIngress(ctx: PlaybookContext<Settings>): Promise<SecurityGroupRule[]> {
  const pages = paginateDescribeSecurityGroupRules(
    { client: ctx.aws.client(EC2Client) },
    { Filters: [{ Name: 'group-id', Values: [ctx.resource.name] }] },
  );
  const rules: SecurityGroupRule[] = [];
  for await (const page of pages) rules.push(...(page.SecurityGroupRules ?? []).filter((rule) => !rule.IsEgress));
  return rules;
}

function toPermission(rule: IngressRule): IpPermission {
  const Description = rule.description ?? undefined;
  return {
    IpProtocol: rule.protocol,
    ...(rule.protocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    ...(rule.cidrIpv4 ? { IpRanges: [{ CidrIp: rule.cidrIpv4, Description }] } : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, Description }] } : {}),
    ...(rule.prefixListId ? { PrefixListIds: [{ PrefixListId: rule.prefixListId, Description }] } : {}),
    ...(rule.referencedGroupId
      ? { UserIdGroupPairs: [{ GroupId: rule.referencedGroupId, UserId: rule.referencedUserId ?? undefined, Description }] }
      : {}),
  };
}

/**
 * Revokes the ingress rules of a security group that open a high-risk port (EC2.19) to the whole
 * internet (`0.0.0.0/0` or `::/0`), including all-traffic rules and port ranges that cover one.
 * Leaves every other rule alone: world-open rules on other ports (e.g. 443), high-risk ports
 * from narrower sources (e.g. 22 from 10.0.0.0/8), and all egress rules.
 */
export const revokeWorldOpenHighRiskPorts = definePlaybook<IngressSnapshot, RevokeChange, Settings>({
  id: 'ec2-revoke-world-open-high-risk-ports',
  title: 'Revoke security group rules that open high-risk ports to the internet',
  controls: ['EC2.19'],
  resourceType: 'AwsEc2SecurityGroup',
  impact: 'non-disruptive',
  permissions: ['ec2:DescribeSecurityGroupRules', 'ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupIngress'],
  settings: Settings,

  async snapshot(ctx) {
    const ingress = (await readIngress(ctx)).map(normalise);
    // A group cannot hold the same rule twice, so identities order it totally.
    ingress.sort((a, b) => (identity(a) < identity(b) ? -1 : identity(a) > identity(b) ? 1 : 0));
    return { groupId: ctx.resource.name, ingress };
  },

  plan(ctx, current) {
    const changes = current.ingress.flatMap((rule) => {
      const exposed = exposedPorts(rule, ctx.settings.ports);
      if (exposed.length === 0) return [];
      const ports = exposed.length === 1 ? `port ${exposed[0]}` : `ports ${exposed.slice(0, 5).join(', ')}`;
      const more = exposed.length > 5 ? ` and ${exposed.length - 5} more` : '';
      return [{ rule, description: `Revoke inbound ${describeRule(rule)} on ${current.groupId}: it exposes high-risk ${ports}${more}` }];
    });
    const summary = changes.length
      ? `Revoke ${changes.length} world-open ingress rule(s) to high-risk ports on ${current.groupId}`
      : `${current.groupId} opens no high-risk port to the internet`;
    return { summary, changes };
  },

  async apply(ctx, plan) {
    const planned = new Set(plan.changes.map((change) => identity(change.rule)));
    // Re-read: a rule someone already removed is not in the list, so revoking twice is a no-op.
    const ids = (await readIngress(ctx))
      .filter((rule) => planned.has(identity(normalise(rule))))
      .map((rule) => rule.SecurityGroupRuleId)
      .filter((id): id is string => id !== undefined);
    if (ids.length === 0) return;
    await ctx.aws.client(EC2Client).send(new RevokeSecurityGroupIngressCommand({ GroupId: ctx.resource.name, SecurityGroupRuleIds: ids }));
  },

  async verify(ctx) {
    const offending = (await readIngress(ctx)).map(normalise).filter((rule) => exposedPorts(rule, ctx.settings.ports).length > 0);
    return offending.length === 0
      ? { compliant: true, detail: `${ctx.resource.name} opens no high-risk port to the internet` }
      : { compliant: false, detail: `${ctx.resource.name} still allows ${offending.map(describeRule).join('; ')}` };
  },

  async rollback(ctx, snapshot) {
    const present = new Set((await readIngress(ctx)).map((rule) => identity(normalise(rule))));
    const missing = snapshot.ingress.filter((rule) => !present.has(identity(rule)));
    if (missing.length === 0) return;
    const authorize = new AuthorizeSecurityGroupIngressCommand({ GroupId: ctx.resource.name, IpPermissions: missing.map(toPermission) });
    await ctx.aws.client(EC2Client).send(authorize);
  },
});
