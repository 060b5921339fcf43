import { z } from 'zod';
import { definePlaybook } from '../definePlaybook.js';
import { describeRule, isWorldOpen, portRangesOf, readRules, restoreRules, revokeRules, type PortRange, type Rule } from './securityGroupRules.js';

// The bounds Security Hub accepts for these parameters.
const PortList = z.array(z.number().int().min(1).max(65535)).max(32);
/** The EC2.18 control parameters, with Security Hub's defaults (Security Hub user guide, "[EC2.18]"). */
const Settings = z.object({
  /** TCP ports that may be open to the internet (EC2.18 `authorizedTcpPorts`). @default [80, 443] */
  authorizedTcpPorts: PortList.default([80, 443]),
  /** UDP ports that may be open to the internet (EC2.18 `authorizedUdpPorts`). @default none */
  authorizedUdpPorts: PortList.default([]),
});
type Settings = z.infer<typeof Settings>;

type IngressSnapshot = { groupId: string; ingress: Rule[] };
type RevokeChange = { description: string; rule: Rule };

function authorizedFor(protocol: PortRange['protocol'], settings: Settings): number[] {
  return protocol === 'tcp' ? settings.authorizedTcpPorts : settings.authorizedUdpPorts;
}

/** Every port of the range is authorized: the range holds no more ports than authorized ones inside it. */
function isAuthorized(range: PortRange, settings: Settings): boolean {
  const inside = new Set(authorizedFor(range.protocol, settings).filter((port) => range.fromPort <= port && port <= range.toPort));
  return inside.size === range.toPort - range.fromPort + 1;
}

/** The port ranges of a world-open rule that reach beyond the authorized ports; empty when the rule is fine. */
function unauthorizedRanges(rule: Rule, settings: Settings): PortRange[] {
  if (!isWorldOpen(rule)) return [];
  return portRangesOf(rule).filter((range) => !isAuthorized(range, settings));
}

function authorizedText(ranges: readonly PortRange[], settings: Settings): string {
  const protocols = [...new Set(ranges.map((range) => range.protocol))];
  return protocols
    .map((protocol) => {
      const ports = authorizedFor(protocol, settings);
      return ports.length ? `${protocol.toUpperCase()} ${ports.join(', ')}` : `no ${protocol.toUpperCase()} port`;
    })
    .join('; ');
}

/**
 * Revokes the ingress rules of a security group that open a TCP or UDP port outside the
 * authorized list (EC2.18; TCP 80 and 443 by default, no UDP port) to the whole internet
 * (`0.0.0.0/0` or `::/0`): single ports, ranges that reach past the list, and all-traffic rules.
 * Leaves alone world-open rules on authorized ports, every rule from a narrower source, rules of
 * protocols without ports (ICMP), and all egress rules.
 *
 * Disruptive: a world-open port outside 80/443 is usually there on purpose (a public API on 8443,
 * a VPN on UDP 1194), and a revoked range such as TCP 0-65535 also stops serving 80 and 443
 * unless another rule allows them. A person should approve it.
 */
export const revokeWorldOpenUnauthorizedPorts = definePlaybook<IngressSnapshot, RevokeChange, Settings>({
  id: 'ec2-revoke-world-open-unauthorized-ports',
  title: 'Revoke security group rules that open unauthorized ports to the internet',
  controls: ['EC2.18'],
  resourceType: 'AwsEc2SecurityGroup',
  impact: 'disruptive',
  permissions: [
    'ec2:DescribeSecurityGroupRules',
    // Tells a group without inbound rules from one that does not exist (both list no rules).
    'ec2:DescribeSecurityGroups',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupIngress',
  ],
  settings: Settings,

  snapshot: async (ctx) => ({ groupId: ctx.resource.name, ingress: await readRules(ctx, 'ingress') }),

  plan(ctx, current) {
    const changes = current.ingress.flatMap((rule) => {
      const ranges = unauthorizedRanges(rule, ctx.settings);
      if (ranges.length === 0) return [];
      const description =
        `Revoke inbound ${describeRule(rule)} on ${current.groupId}: it opens ports to the internet that are not authorized ` +
        `(authorized: ${authorizedText(ranges, ctx.settings)})`;
      return [{ rule, description }];
    });
    const summary = changes.length
      ? `Revoke ${changes.length} world-open ingress rule(s) to unauthorized ports on ${current.groupId}`
      : `${current.groupId} opens only authorized ports to the internet`;
    return { summary, changes };
  },

  // Re-reads inside revokeRules: a rule someone already removed is skipped, so applying twice is a no-op.
  apply: (ctx, plan) => revokeRules(ctx, 'ingress', plan.changes.map((change) => change.rule)),

  async verify(ctx) {
    const offending = (await readRules(ctx, 'ingress')).filter((rule) => unauthorizedRanges(rule, ctx.settings).length > 0);
    return offending.length === 0
      ? { compliant: true, detail: `${ctx.resource.name} opens only authorized ports to the internet` }
      : { compliant: false, detail: `${ctx.resource.name} still allows ${offending.map((rule) => describeRule(rule)).join('; ')}` };
  },

  rollback: (ctx, snapshot) => restoreRules(ctx, 'ingress', snapshot.ingress),
});
