import { z } from 'zod';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeRule, isWorldOpen, portRangesOf, readRules, restoreRules, revokeRules, type Rule } from './securityGroupRules.js';

/**
 * The ports Security Hub EC2.19 treats as high risk (Security Hub user guide, "[EC2.19] Security
 * groups should not allow unrestricted access to ports with high risk").
 */
const EC2_19_HIGH_RISK_PORTS = [
  20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888,
  9200, 9300,
];

/**
 * The consolidated control each accepted id stands for. CIS v1.2.0 4.1 and PCI DSS v3.2.1 PCI.EC2.5
 * became EC2.13, CIS v1.2.0 4.2 became EC2.14 (Security Hub user guide, "How consolidation impacts
 * control IDs and titles").
 */
const CONTROL_OF: Record<string, 'EC2.19' | 'EC2.13' | 'EC2.14'> = {
  'EC2.19': 'EC2.19',
  'EC2.13': 'EC2.13',
  'EC2.14': 'EC2.14',
  'cis-aws-foundations-benchmark/v/1.2.0/4.1': 'EC2.13',
  'pci-dss/v/3.2.1/PCI.EC2.5': 'EC2.13',
  'cis-aws-foundations-benchmark/v/1.2.0/4.2': 'EC2.14',
};

const PortList = z.array(z.number().int().min(0).max(65535)).min(1);
const Settings = z.object({
  /** The ports each control forbids opening to the internet; the finding's control picks its list. */
  ports: z
    .object({
      /** @default the EC2.19 high-risk list */
      'EC2.19': PortList.default(EC2_19_HIGH_RISK_PORTS),
      /** @default [22] (SSH) */
      'EC2.13': PortList.default([22]),
      /** @default [3389] (RDP) */
      'EC2.14': PortList.default([3389]),
    })
    // prefault, not default: an omitted `ports` still goes through the per-control defaults.
    .prefault({}),
});
type Settings = z.infer<typeof Settings>;

type IngressSnapshot = { groupId: string; ingress: Rule[] };
type RevokeChange = { description: string; rule: Rule };

/** The ports this finding is about: an EC2.13 finding concerns port 22 only, so a world-open 3389 stays. */
function portsFor(ctx: PlaybookContext<Settings>): number[] {
  const control = CONTROL_OF[ctx.controlId];
  if (!control) throw new Error(`playbook ec2-revoke-world-open-high-risk-ports has no port list for control ${ctx.controlId}`);
  return ctx.settings.ports[control];
}

function exposedPorts(rule: Rule, ports: readonly number[]): number[] {
  if (!isWorldOpen(rule)) return [];
  const ranges = portRangesOf(rule);
  return ports.filter((port) => ranges.some((range) => range.fromPort <= port && port <= range.toPort));
}

/**
 * Revokes the ingress rules of a security group that open the finding's ports to the whole
 * internet (`0.0.0.0/0` or `::/0`), including all-traffic rules and port ranges that cover one:
 * port 22 for EC2.13 (CIS 1.2.0 4.1, PCI.EC2.5), 3389 for EC2.14 (CIS 1.2.0 4.2), the high-risk list for
 * EC2.19. Leaves every other rule alone: world-open rules on other ports (e.g. 443, or 3389 for an
 * EC2.13 finding), the same ports from narrower sources (e.g. 22 from 10.0.0.0/8), and all egress.
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
    const ports = portsFor(ctx);
    const changes = current.ingress.flatMap((rule) => {
      const exposed = exposedPorts(rule, ports);
      if (exposed.length === 0) return [];
      const list = exposed.length === 1 ? `port ${exposed[0]}` : `ports ${exposed.slice(0, 5).join(', ')}`;
      const more = exposed.length > 5 ? ` and ${exposed.length - 5} more` : '';
      return [{ rule, description: `Revoke inbound ${describeRule(rule)} on ${current.groupId}: it exposes high-risk ${list}${more}` }];
    });
    const summary = changes.length
      ? `Revoke ${changes.length} world-open ingress rule(s) to high-risk ports on ${current.groupId}`
      : `${current.groupId} opens no high-risk port to the internet`;
    return { summary, changes };
  },

  // Re-reads inside revokeRules: a rule someone already removed is skipped, so applying twice is a no-op.
  apply: (ctx, plan) => revokeRules(ctx, 'ingress', plan.changes.map((change) => change.rule)),

  async verify(ctx) {
    const ports = portsFor(ctx);
    const offending = (await readRules(ctx, 'ingress')).filter((rule) => exposedPorts(rule, ports).length > 0);
    return offending.length === 0
      ? { compliant: true, detail: `${ctx.resource.name} opens none of ports ${ports.join(', ')} to the internet` }
      : { compliant: false, detail: `${ctx.resource.name} still allows ${offending.map((rule) => describeRule(rule)).join('; ')}` };
  },

  rollback: (ctx, snapshot) => restoreRules(ctx, 'ingress', snapshot.ingress),
});
