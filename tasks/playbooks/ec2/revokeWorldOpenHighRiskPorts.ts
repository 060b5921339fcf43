import * as z from 'zod';
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

type Control = 'EC2.19' | 'EC2.13' | 'EC2.14' | 'EC2.53' | 'EC2.54';
type Protocol = PortRange['protocol'];

/**
 * The ports each control checks. EC2.19's list is the high-risk list of its control page
 * ("[EC2.19] Security groups should not allow unrestricted access to ports with high risk");
 * EC2.53 and EC2.54 check the remote administration ports 22 and 3389 (their `restrictPorts`,
 * not customizable).
 */
const CONTROL_PORTS: Record<Control, readonly number[]> = {
  'EC2.19': [
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888,
    9200, 9300,
  ],
  'EC2.13': [22],
  'EC2.14': [3389],
  'EC2.53': [22, 3389],
  'EC2.54': [22, 3389],
};

/**
 * The protocols and the world-open sources each control checks. EC2.19/13/14 check TCP from
 * 0.0.0.0/0 and ::/0; `vpc-sg-port-restriction-check` behind EC2.53 and EC2.54 checks TCP, UDP
 * and all traffic (its `protocolType` ALL) from IPv4 only (EC2.53, `ipType` IPv4) or IPv6 only
 * (EC2.54, `ipType` IPv6).
 */
const CONTROL_SCOPE: Record<Control, { protocols: readonly Protocol[]; sources: readonly ('0.0.0.0/0' | '::/0')[] }> = {
  'EC2.19': { protocols: ['tcp'], sources: ['0.0.0.0/0', '::/0'] },
  'EC2.13': { protocols: ['tcp'], sources: ['0.0.0.0/0', '::/0'] },
  'EC2.14': { protocols: ['tcp'], sources: ['0.0.0.0/0', '::/0'] },
  'EC2.53': { protocols: ['tcp', 'udp'], sources: ['0.0.0.0/0'] },
  'EC2.54': { protocols: ['tcp', 'udp'], sources: ['::/0'] },
};

/**
 * The consolidated control each accepted id stands for. CIS v1.2.0 4.1 and PCI DSS v3.2.1 PCI.EC2.5
 * became EC2.13, CIS v1.2.0 4.2 became EC2.14 (Security Hub user guide, "How consolidation impacts
 * control IDs and titles"); CIS v3.0.0 5.2 and v5.0.0 5.3 are EC2.53, CIS v3.0.0 5.3 and v5.0.0 5.4
 * EC2.54 ("Related requirements" of each control).
 */
const CONTROL_OF: Record<string, Control> = {
  'EC2.19': 'EC2.19',
  'EC2.13': 'EC2.13',
  'EC2.14': 'EC2.14',
  'cis-aws-foundations-benchmark/v/1.2.0/4.1': 'EC2.13',
  'pci-dss/v/3.2.1/PCI.EC2.5': 'EC2.13',
  'cis-aws-foundations-benchmark/v/1.2.0/4.2': 'EC2.14',
  'EC2.53': 'EC2.53',
  'EC2.54': 'EC2.54',
  'cis-aws-foundations-benchmark/v/3.0.0/5.2': 'EC2.53',
  'cis-aws-foundations-benchmark/v/5.0.0/5.3': 'EC2.53',
  'cis-aws-foundations-benchmark/v/3.0.0/5.3': 'EC2.54',
  'cis-aws-foundations-benchmark/v/5.0.0/5.4': 'EC2.54',
};

/** `TCP`, `TCP or UDP`: the protocols a control checks, in words. */
const protocolWords = (control: Control) => CONTROL_SCOPE[control].protocols.map((p) => p.toUpperCase()).join(' or ');

/**
 * A control's port list as a setting: it may add ports, never drop one the control checks, or
 * verify would pass a group Security Hub still fails. Refused when the policy's settings are parsed.
 */
function portListFor(control: Control) {
  const checked = CONTROL_PORTS[control];
  return z
    .array(z.number().int().min(0).max(65535))
    .superRefine((ports, issues) => {
      const missing = checked.filter((port) => !ports.includes(port));
      if (missing.length === 0) return;
      issues.addIssue({
        code: 'custom',
        message: `${control} checks ${protocolWords(control)} ${checked.join(', ')}; a setting may add ports, not remove them (missing: ${missing.join(', ')})`,
      });
    })
    .default([...checked]);
}

const Settings = z.object({
  /** The TCP ports each control forbids opening to the internet; the finding's control picks its list. */
  ports: z
    .object({
      /** @default the EC2.19 high-risk list; a setting may add ports */
      'EC2.19': portListFor('EC2.19'),
      /** @default [22] (SSH); a setting may add ports */
      'EC2.13': portListFor('EC2.13'),
      /** @default [3389] (RDP); a setting may add ports */
      'EC2.14': portListFor('EC2.14'),
      /** @default [22, 3389] over TCP and UDP from 0.0.0.0/0; a setting may add ports */
      'EC2.53': portListFor('EC2.53'),
      /** @default [22, 3389] over TCP and UDP from ::/0; a setting may add ports */
      'EC2.54': portListFor('EC2.54'),
    })
    // prefault, not default: an omitted `ports` still goes through the per-control defaults.
    .prefault({}),
});
type Settings = z.infer<typeof Settings>;

type IngressSnapshot = { groupId: string; ingress: Rule[] };
type RevokeChange = { description: string; rule: Rule };

/** The control this finding is about and the ports it checks: EC2.13 checks 22 only, so a world-open 3389 stays. */
function checkedPorts(ctx: PlaybookContext<Settings>): { control: Control; ports: number[] } {
  const control = CONTROL_OF[ctx.controlId];
  if (!control) throw new Error(`playbook ec2-revoke-world-open-high-risk-ports has no port list for control ${ctx.controlId}`);
  return { control, ports: ctx.settings.ports[control] };
}

/**
 * The checked ports a rule open to the control's sources opens over the control's protocols: a rule
 * whose range covers one, or all traffic. UDP counts only for EC2.53/EC2.54, ::/0 not for EC2.53.
 */
function exposedPorts(rule: Rule, control: Control, ports: readonly number[]): number[] {
  const { protocols, sources } = CONTROL_SCOPE[control];
  if (!isWorldOpen(rule) || !sources.some((source) => rule.cidrIpv4 === source || rule.cidrIpv6 === source)) return [];
  const ranges = portRangesOf(rule).filter((range) => protocols.includes(range.protocol));
  return ports.filter((port) => ranges.some((range) => range.fromPort <= port && port <= range.toPort));
}

/** Who asks for these ports closed: the control, or the policy's settings for ports they add to its list. */
function flaggedBy(control: Control, ports: readonly number[]): string {
  const added = ports.filter((port) => !CONTROL_PORTS[control].includes(port));
  if (added.length === 0) return control;
  return `${control} with ${protocolWords(control)} ${added.join(', ')} added by the policy's playbook settings`;
}

function portsText(control: Control, ports: readonly number[]): string {
  const shown = ports.slice(0, 5).join(', ');
  const protocols = protocolWords(control);
  return ports.length === 1 ? `${protocols} port ${shown}` : `${protocols} ports ${shown}${ports.length > 5 ? ` and ${ports.length - 5} more` : ''}`;
}

/** Disruptive when a revoked rule also opens what the control does not flag (a wider TCP range, or all traffic), naming it. */
function revokeImpact(control: Control, ports: readonly number[], beyond: readonly { rule: Rule; closes: string[] }[]): PlanImpact {
  const wider = beyond.filter((entry) => entry.closes.length > 0);
  if (wider.length === 0) return { level: 'non-disruptive', why: `every revoked rule opens only ${protocolWords(control)} ports flagged by ${flaggedBy(control, ports)}` };
  const why = wider.map((entry) => `revoking ${describeRule(entry.rule)} also closes what ${control} does not flag: ${entry.closes.join('; ')}`);
  return { level: 'disruptive', why: sentences(why) };
}

/**
 * Revokes the ingress rules of a security group that open the finding's ports to the whole
 * internet (`0.0.0.0/0` or `::/0`, as the control checks): rules of the control's protocols whose
 * range covers one, and all-traffic (`-1`) rules, which allow every protocol. The controls and the
 * AWS Config rules they run:
 * - EC2.19, the high-risk TCP ports (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19),
 *   Config rule `restricted-common-ports` (https://docs.aws.amazon.com/config/latest/developerguide/restricted-common-ports.html);
 * - EC2.13, TCP 22 (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13; CIS 1.2.0 4.1, PCI.EC2.5),
 *   Config rule `restricted-ssh` (https://docs.aws.amazon.com/config/latest/developerguide/restricted-ssh.html);
 * - EC2.14, TCP 3389 (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-14; CIS 1.2.0 4.2),
 *   Config rule `restricted-common-ports`, created as `restricted-rdp`.
 * `restricted-common-ports` checks TCP only. `restricted-ssh` checks "incoming SSH traffic" and
 * names no protocol; SSH runs over TCP, so it is read as TCP 22, all traffic included. So UDP
 * rules stay, as do world-open rules on other ports (443, or 3389 for an EC2.13 finding), the same
 * ports from narrower sources (22 from 10.0.0.0/8), and all egress.
 * - EC2.53, TCP and UDP 22 and 3389 from 0.0.0.0/0 (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-53;
 *   CIS v3.0.0 5.2, v5.0.0 5.3), and EC2.54, the same from ::/0 (…/ec2-controls.html#ec2-54; CIS v3.0.0 5.3,
 *   v5.0.0 5.4): Config rule `vpc-sg-port-restriction-check`
 *   (https://docs.aws.amazon.com/config/latest/developerguide/vpc-sg-port-restriction-check.html) with
 *   `ipType` IPv4 resp. IPv6 and `protocolType` ALL, so UDP rules and all traffic count, and each
 *   control leaves the other IP version's rules alone.
 *
 * Non-disruptive when every revoked rule opens only checked ports. A rule that opens more (TCP
 * 0-65535, or all traffic, which also allows UDP and ICMP) closes that too: such a plan is
 * disruptive, names what else closes, and waits for a person under the default policy.
 */
export const revokeWorldOpenHighRiskPorts = definePlaybook<IngressSnapshot, RevokeChange, Settings>({
  id: 'ec2-revoke-world-open-high-risk-ports',
  title: 'Revoke security group rules that open SSH, RDP or other high-risk ports to the internet',
  controls: [
    'EC2.19',
    'EC2.13',
    'EC2.14',
    // CIS v1.2.0 4.1 and PCI DSS v3.2.1 PCI.EC2.5 are EC2.13 (SSH); CIS v1.2.0 4.2 is EC2.14 (RDP).
    'cis-aws-foundations-benchmark/v/1.2.0/4.1',
    'pci-dss/v/3.2.1/PCI.EC2.5',
    'cis-aws-foundations-benchmark/v/1.2.0/4.2',
    'EC2.53',
    'EC2.54',
    'cis-aws-foundations-benchmark/v/3.0.0/5.2',
    'cis-aws-foundations-benchmark/v/5.0.0/5.3',
    'cis-aws-foundations-benchmark/v/3.0.0/5.3',
    'cis-aws-foundations-benchmark/v/5.0.0/5.4',
  ],
  resourceType: 'AwsEc2SecurityGroup',
  impact: 'non-disruptive',
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
    const { control, ports } = checkedPorts(ctx);
    const flagged: FlaggedPort = (protocol, port) => CONTROL_SCOPE[control].protocols.includes(protocol) && ports.includes(port);
    const revoked = current.ingress.flatMap((rule) => {
      const exposed = exposedPorts(rule, control, ports);
      return exposed.length === 0 ? [] : [{ rule, exposed, closes: beyondFlagged(rule, flagged) }];
    });
    const changes = revoked.map(({ rule, exposed, closes }) => ({
      rule,
      description:
        `Revoke inbound ${describeRule(rule)} on ${current.groupId}: it opens ${portsText(control, exposed)} to the internet, flagged by ${flaggedBy(control, exposed)}` +
        (closes.length ? `. Revoking it also closes what ${control} does not flag: ${closes.join('; ')}` : ''),
    }));
    if (changes.length === 0) return { summary: `${current.groupId} opens none of the ${protocolWords(control)} ports ${control} checks to the internet`, changes };
    const impact = revokeImpact(control, ports, revoked);
    const summary =
      `Revoke ${changes.length} world-open ingress rule(s) to ${protocolWords(control)} ports flagged by ${flaggedBy(control, ports)} on ${current.groupId}` +
      (impact.level === 'disruptive' ? `. Disruptive: ${impact.why}` : '');
    return { summary, changes, impact };
  },

  // Re-reads inside revokeRules: a rule someone already removed is skipped, so applying twice is a no-op.
  apply: (ctx, plan) => revokeRules(ctx, 'ingress', plan.changes.map((change) => change.rule)),

  async verify(ctx) {
    const { control, ports } = checkedPorts(ctx);
    const offending = (await readRules(ctx, 'ingress')).filter((rule) => exposedPorts(rule, control, ports).length > 0);
    const sources = CONTROL_SCOPE[control].sources.join(' or ');
    return offending.length === 0
      ? { compliant: true, detail: `${ctx.resource.name} opens none of ${protocolWords(control)} ports ${ports.join(', ')} to ${sources} (${control})` }
      : { compliant: false, detail: `${ctx.resource.name} still allows ${offending.map((rule) => describeRule(rule)).join('; ')} (${control})` };
  },

  rollback: (ctx, snapshot) => restoreRules(ctx, 'ingress', snapshot.ingress),
});
