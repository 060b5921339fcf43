import * as z from 'zod';
import { chooseValue, ParameterValue, SOURCE_WORDS, type ChosenValue } from '../controlParameters.js';
import { definePlaybook, type PlanImpact, type PlaybookContext } from '../definePlaybook.js';
import {
  beyondFlagged,
  describeRule,
  isWorldOpen,
  portRangesOf,
  readRules,
  restoreRules,
  revokeRules,
  sentences,
  type FlaggedPort,
  type PortRange,
  type Rule,
} from './securityGroupRules.js';

// The bounds Security Hub accepts for these parameters (an IntegerList of ports, at most 32).
const PORT_MIN = 1;
const PORT_MAX = 65535;
const MAX_PORTS = 32;

/** The EC2.18 control parameters as Security Hub names them, with its defaults (Security Hub user guide, "[EC2.18]"). */
const Parameters = z.object({
  /** TCP ports that may be open to the internet. @default [80, 443] */
  authorizedTcpPorts: ParameterValue.integerList(PORT_MIN, PORT_MAX, MAX_PORTS).default([80, 443]),
  /** UDP ports that may be open to the internet. @default none */
  authorizedUdpPorts: ParameterValue.integerList(PORT_MIN, PORT_MAX, MAX_PORTS).default([]),
});
type Parameters = z.infer<typeof Parameters>;

const PortList = z.array(z.number().int().min(PORT_MIN).max(PORT_MAX)).max(MAX_PORTS);
/**
 * Overrides of the finding's parameters, for a deployment stricter than its Security Hub
 * configuration. A setting may authorise fewer ports than the control, never more.
 */
const Settings = z.object({
  /** TCP ports that may be open to the internet. @default the finding's `authorizedTcpPorts` */
  authorizedTcpPorts: PortList.optional(),
  /** UDP ports that may be open to the internet. @default the finding's `authorizedUdpPorts` */
  authorizedUdpPorts: PortList.optional(),
});
type Settings = z.infer<typeof Settings>;

type IngressSnapshot = { groupId: string; ingress: Rule[] };
type RevokeChange = { description: string; rule: Rule };
type AuthorizedPorts = Record<PortRange['protocol'], ChosenValue<number[]>>;

const authorizesNoMore = (setting: number[], control: number[]) => setting.every((port) => control.includes(port));

/** The ports each protocol may open to the internet: the policy's setting, else the finding's parameter, else Security Hub's default. */
function authorizedPorts(ctx: PlaybookContext<Settings, Parameters>): AuthorizedPorts {
  const { authorizedTcpPorts, authorizedUdpPorts } = ctx.settings;
  return {
    tcp: chooseValue(ctx, 'authorizedTcpPorts', { name: 'authorizedTcpPorts', value: authorizedTcpPorts }, authorizesNoMore),
    udp: chooseValue(ctx, 'authorizedUdpPorts', { name: 'authorizedUdpPorts', value: authorizedUdpPorts }, authorizesNoMore),
  };
}

/** Every port of the range is authorized: the range holds no more ports than authorized ones inside it. */
function isAuthorized(range: PortRange, authorized: AuthorizedPorts): boolean {
  const inside = new Set(authorized[range.protocol].value.filter((port) => range.fromPort <= port && port <= range.toPort));
  return inside.size === range.toPort - range.fromPort + 1;
}

/** The port ranges of a world-open rule that reach beyond the authorized ports; empty when the rule is fine. */
function unauthorizedRanges(rule: Rule, authorized: AuthorizedPorts): PortRange[] {
  if (!isWorldOpen(rule)) return [];
  return portRangesOf(rule).filter((range) => !isAuthorized(range, authorized));
}

function portsText(protocol: PortRange['protocol'], authorized: AuthorizedPorts): string {
  const ports = authorized[protocol].value;
  return ports.length ? `${protocol.toUpperCase()} ${ports.join(', ')}` : `no ${protocol.toUpperCase()} port`;
}

function authorizedText(ranges: readonly PortRange[], authorized: AuthorizedPorts): string {
  return [...new Set(ranges.map((range) => range.protocol))].map((protocol) => portsText(protocol, authorized)).join('; ');
}

/** EC2.18 flags every TCP and UDP port it does not authorise. */
function flaggedBy(authorized: AuthorizedPorts): FlaggedPort {
  const allowed = { tcp: new Set(authorized.tcp.value), udp: new Set(authorized.udp.value) };
  return (protocol, port) => !allowed[protocol].has(port);
}

/**
 * Always disruptive (see the playbook): a world-open port outside the list is usually open on
 * purpose. The why also names what a revoked rule opens that EC2.18 does not flag, which closes too.
 */
function revokeImpact(revoked: readonly { rule: Rule; closes: string[] }[]): PlanImpact {
  const base = 'it closes ports open to the internet that EC2.18 does not authorize, which are usually open on purpose';
  const wider = revoked.filter((entry) => entry.closes.length > 0);
  if (wider.length === 0) return { level: 'disruptive', why: base };
  const also = wider.map((entry) => `revoking ${describeRule(entry.rule)} also closes what EC2.18 does not flag: ${entry.closes.join('; ')}`);
  return { level: 'disruptive', why: sentences([base, ...also]) };
}

/** Which ports count as authorized and where each list came from, for the plan and the verify detail. */
function sourcesText(authorized: AuthorizedPorts): string {
  return (['tcp', 'udp'] as const).map((protocol) => `${portsText(protocol, authorized)} (${SOURCE_WORDS[authorized[protocol].source]})`).join(', ');
}

/**
 * Revokes the ingress rules of a security group that open a TCP or UDP port outside the
 * authorized list to the whole internet (`0.0.0.0/0` or `::/0`): single ports, ranges that reach
 * past the list, and all-traffic rules. Control EC2.18
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18), Config rule
 * `vpc-sg-open-only-to-authorized-ports`
 * (https://docs.aws.amazon.com/config/latest/developerguide/vpc-sg-open-only-to-authorized-ports.html):
 * a group open to the internet may allow inbound TCP or UDP only on the authorized ports. The list
 * is EC2.18's `authorizedTcpPorts` and `authorizedUdpPorts` as the finding carries them (Security
 * Hub's defaults: TCP 80 and 443, no UDP port), unless the policy's settings narrow it; verify
 * checks the same list, so it passes exactly when Security Hub's condition does. Leaves alone
 * world-open rules on authorized ports, every rule from a narrower source, rules of protocols
 * without ports (ICMP: the rule checks TCP and UDP connections), and all egress rules.
 *
 * Disruptive: a world-open port outside 80/443 is usually there on purpose (a public API on 8443,
 * a VPN on UDP 1194). A person should approve it. When a revoked rule also opens what EC2.18 does
 * not flag (TCP 80-443 closes the authorized 80 and 443; all traffic closes ICMP too), the plan's
 * impact and summary name it.
 */
export const revokeWorldOpenUnauthorizedPorts = definePlaybook<IngressSnapshot, RevokeChange, Settings, Parameters>({
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
  parameters: { control: 'EC2.18', schema: Parameters },

  snapshot: async (ctx) => ({ groupId: ctx.resource.name, ingress: await readRules(ctx, 'ingress') }),

  plan(ctx, current) {
    const authorized = authorizedPorts(ctx);
    const flagged = flaggedBy(authorized);
    const revoked = current.ingress.flatMap((rule) => {
      const ranges = unauthorizedRanges(rule, authorized);
      return ranges.length === 0 ? [] : [{ rule, ranges, closes: beyondFlagged(rule, flagged) }];
    });
    const changes = revoked.map(({ rule, ranges, closes }) => ({
      rule,
      description:
        `Revoke inbound ${describeRule(rule)} on ${current.groupId}: it opens ports to the internet that are not authorized ` +
        `(authorized: ${authorizedText(ranges, authorized)})` +
        (closes.length ? `. Revoking it also closes what EC2.18 does not flag: ${closes.join('; ')}` : ''),
    }));
    if (changes.length === 0) {
      return { summary: `${current.groupId} opens only authorized ports to the internet; authorized: ${sourcesText(authorized)}`, changes };
    }
    const impact = revokeImpact(revoked);
    const wider = revoked.some((entry) => entry.closes.length > 0);
    const summary =
      `Revoke ${changes.length} world-open ingress rule(s) to unauthorized ports on ${current.groupId}; authorized: ${sourcesText(authorized)}` +
      (wider ? `. Disruptive: ${impact.why}` : '');
    return { summary, changes, impact };
  },

  // Re-reads inside revokeRules: a rule someone already removed is skipped, so applying twice is a no-op.
  apply: (ctx, plan) => revokeRules(ctx, 'ingress', plan.changes.map((change) => change.rule)),

  async verify(ctx) {
    const authorized = authorizedPorts(ctx);
    const offending = (await readRules(ctx, 'ingress')).filter((rule) => unauthorizedRanges(rule, authorized).length > 0);
    return offending.length === 0
      ? { compliant: true, detail: `${ctx.resource.name} opens only authorized ports to the internet (${sourcesText(authorized)})` }
      : {
          compliant: false,
          detail: `${ctx.resource.name} still allows ${offending.map((rule) => describeRule(rule)).join('; ')} (authorized: ${sourcesText(authorized)})`,
        };
  },

  rollback: (ctx, snapshot) => restoreRules(ctx, 'ingress', snapshot.ingress),
});
