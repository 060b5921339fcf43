import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import {
  ALL_TRAFFIC,
  deleteIngressEntry,
  describeEntry,
  NETWORK_ACL_PERMISSIONS,
  readIngressEntries,
  sameEntry,
  TCP,
  UDP,
  writeIngressEntry,
  type AclEntry,
} from './networkAclEntries.js';

/** The remote administration ports EC2.21 checks (SSH, RDP). */
const ADMIN_PORTS = [22, 3389] as const;
/** The unrestricted sources EC2.21 checks, IPv4 and IPv6. */
const WORLD = ['0.0.0.0/0', '::/0'];
/** The highest rule number a network ACL entry may have (32767 is the fixed catch-all deny). */
const MAX_RULE_NUMBER = 32766;

type Snapshot = { entries: AclEntry[] };

/** One step of the fix: delete an offending entry, narrow it in place, or add the rest of its range beside it. */
type Step = { kind: 'delete' | 'replace' | 'create'; ruleNumber: number; entry?: AclEntry; description: string };

const IMPACT = {
  level: 'disruptive',
  why: 'SSH (22) and RDP (3389) from anywhere stop passing this network ACL: administrators or tools that reach instances in its subnets from the internet lose that access',
} as const;

const aclIdOf = (ctx: PlaybookContext<unknown>) => ctx.resource.id.split('/').pop() ?? ctx.resource.id;
const isWorld = (e: AclEntry) => WORLD.includes(e.cidrBlock ?? e.ipv6CidrBlock ?? '');
const adminPortsIn = (e: AclEntry) => ADMIN_PORTS.filter((p) => e.from === undefined || (p >= e.from && p <= (e.to ?? e.from)));

/**
 * Whether an inbound entry fails EC2.21: it allows, from 0.0.0.0/0 or ::/0, TCP or UDP on a range
 * that includes 22 or 3389, or all traffic. The control page names TCP; its Config rule names TCP
 * or UDP: verify counts both (the stricter reading). Entry order is not credited: an allow entry
 * shadowed by a lower-numbered deny still counts, as the rule reads each entry.
 */
export function failsControl(e: AclEntry): boolean {
  if (e.action !== 'allow' || !isWorld(e)) return false;
  if (e.protocol === ALL_TRAFFIC) return true;
  return (e.protocol === TCP || e.protocol === UDP) && adminPortsIn(e).length > 0;
}

/** The entry's port range without 22 and 3389, as contiguous ranges. */
function rangesWithoutAdminPorts(e: AclEntry): [number, number][] {
  const from = e.from ?? 0;
  const to = e.to ?? 65535;
  const ranges: [number, number][] = [];
  let start = from;
  for (const port of ADMIN_PORTS) {
    if (port < start || port > to) continue;
    if (port > start) ranges.push([start, port - 1]);
    start = port + 1;
  }
  if (start <= to) ranges.push([start, to]);
  return ranges;
}

/**
 * The minimal fix, from the ACL's inbound entries: an offending entry covering only admin ports is
 * deleted; one whose range also covers other ports keeps them, narrowed in place and continued at
 * the next free rule numbers (so its place in the evaluation order, and every other port it
 * allowed, stay as they were). An all-traffic entry cannot be narrowed without listing every
 * protocol: refused, as is a split with no free rule number right after the entry.
 */
export function fixSteps(ctx: PlaybookContext<unknown>, entries: readonly AclEntry[]): Step[] {
  const taken = new Set(entries.map((e) => e.ruleNumber));
  return entries.filter(failsControl).flatMap((e): Step[] => {
    if (e.protocol === ALL_TRAFFIC) {
      throw new RemediationFailedError(
        `Network ACL ${ctx.resource.id} (finding ${ctx.request.findingId}) has entry ${describeEntry(e)}: narrowing it to spare 22 and 3389 would mean listing every other protocol, ` +
          'and deleting it would cut all other inbound traffic. Replace it by hand with entries for the protocols and ports the subnets need. Rectify changed nothing.',
      );
    }
    const ranges = rangesWithoutAdminPorts(e);
    if (ranges.length === 0) return [{ kind: 'delete', ruleNumber: e.ruleNumber, description: `Delete inbound entry ${describeEntry(e)}` }];
    const pieces = ranges.map(([from, to], i): AclEntry => ({ ...e, ruleNumber: e.ruleNumber + i, from, to }));
    const blocked = pieces.slice(1).find((p) => taken.has(p.ruleNumber) || p.ruleNumber > MAX_RULE_NUMBER);
    if (blocked) {
      throw new RemediationFailedError(
        `Network ACL ${ctx.resource.id} (finding ${ctx.request.findingId}): entry ${describeEntry(e)} also allows other ports, which Rectify would keep with entries at rule numbers ` +
          `${pieces.slice(1).map((p) => p.ruleNumber).join(', ')}, but #${blocked.ruleNumber} is taken or out of range. Renumber the entries after it or narrow it by hand. Rectify changed nothing.`,
      );
    }
    const [first, ...rest] = pieces;
    return [
      { kind: 'replace', ruleNumber: e.ruleNumber, entry: first, description: `Narrow inbound entry ${describeEntry(e)} to ${describeEntry(first!)} (without ${adminPortsIn(e).join(' and ')})` },
      ...rest.map((p): Step => ({ kind: 'create', ruleNumber: p.ruleNumber, entry: p, description: `Add inbound entry ${describeEntry(p)} to keep the rest of #${e.ruleNumber}'s range` })),
    ];
  });
}

/**
 * Stops a network ACL from allowing SSH and RDP from anywhere (EC2.21,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-21, severity medium;
 * AWS Config rule `nacl-no-unrestricted-ssh-rdp`,
 * https://docs.aws.amazon.com/config/latest/developerguide/nacl-no-unrestricted-ssh-rdp.html:
 * NON_COMPLIANT when an inbound entry allows a TCP or UDP source of 0.0.0.0/0 or ::/0 for port
 * 22 or 3389; no parameters; the control skips default network ACLs). Why remove or narrow rather
 * than insert a deny before the entry: the rule reads each allow entry, not the evaluation order,
 * so a shadowing deny leaves the control failing (see decision 028). Every other entry (egress,
 * denies, other sources, other ports of a narrowed entry) stays; rollback restores the entries it
 * changed, only while they still hold what Rectify wrote.
 */
export const restrictNetworkAclAdminPorts = definePlaybook<Snapshot, Step>({
  id: 'ec2-restrict-network-acl-admin-ports',
  title: 'Stop a network ACL from allowing SSH and RDP from anywhere',
  controls: [
    'EC2.21',
    'cis-aws-foundations-benchmark/v/1.4.0/5.1',
    'cis-aws-foundations-benchmark/v/3.0.0/5.1',
    'cis-aws-foundations-benchmark/v/5.0.0/5.2',
  ],
  resourceType: 'AwsEc2NetworkAcl',
  impact: IMPACT.level,
  permissions: [...NETWORK_ACL_PERMISSIONS],

  snapshot: async (ctx) => ({ entries: await readIngressEntries(ctx, aclIdOf(ctx)) }),

  plan(ctx, current) {
    const steps = fixSteps(ctx, current.entries);
    if (steps.length === 0) return { summary: `Network ACL ${aclIdOf(ctx)} allows neither SSH nor RDP from anywhere`, changes: [] };
    return { summary: `Stop network ACL ${aclIdOf(ctx)} allowing SSH and RDP from anywhere (${IMPACT.level}: ${IMPACT.why})`, impact: IMPACT, changes: steps };
  },

  async apply(ctx) {
    const aclId = aclIdOf(ctx);
    const live = await readIngressEntries(ctx, aclId);
    for (const step of fixSteps(ctx, live)) {
      if (step.kind === 'delete') await deleteIngressEntry(ctx, aclId, step.ruleNumber);
      else await writeIngressEntry(ctx, aclId, step.entry!, step.kind === 'replace');
    }
  },

  async verify(ctx) {
    const offending = (await readIngressEntries(ctx, aclIdOf(ctx))).filter(failsControl);
    return {
      compliant: offending.length === 0,
      detail:
        offending.length === 0
          ? `Network ACL ${aclIdOf(ctx)}: no inbound entry allows 22 or 3389 from 0.0.0.0/0 or ::/0`
          : `Network ACL ${aclIdOf(ctx)} allows admin ports from anywhere: ${offending.map(describeEntry).join('; ')}`,
    };
  },

  async rollback(ctx, snapshot) {
    const aclId = aclIdOf(ctx);
    const live = new Map((await readIngressEntries(ctx, aclId)).map((e) => [e.ruleNumber, e]));
    const before = new Map(snapshot.entries.map((e) => [e.ruleNumber, e]));
    // Only what the fix wrote is undone: an entry someone changed since is left as they made it.
    for (const step of fixSteps(ctx, snapshot.entries)) {
      const now = live.get(step.ruleNumber);
      if (step.kind === 'create' && sameEntry(now, step.entry)) await deleteIngressEntry(ctx, aclId, step.ruleNumber);
      if (step.kind === 'replace' && sameEntry(now, step.entry)) await writeIngressEntry(ctx, aclId, before.get(step.ruleNumber)!, true);
      if (step.kind === 'delete' && now === undefined) await writeIngressEntry(ctx, aclId, before.get(step.ruleNumber)!, false);
    }
  },
});
