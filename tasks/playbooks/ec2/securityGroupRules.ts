import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeSecurityGroupRules,
  type IpPermission,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

/*
 * Reading, revoking and restoring the rules of the security group a finding names
 * (`ctx.resource.name`), and saying what revoking one closes, shared by the EC2 security group
 * playbooks. Not a playbook itself.
 */

/** One security group rule without its id: ids change when a rule is re-created, the rule itself does not. */
export type Rule = {
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
export type Direction = 'ingress' | 'egress';

/** A port range a rule opens, per protocol that has ports. */
export type PortRange = { protocol: 'tcp' | 'udp'; fromPort: number; toPort: number };

function normalise(rule: SecurityGroupRule): Rule {
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
function identity(rule: Rule): string {
  const { protocol, fromPort, toPort, cidrIpv4, cidrIpv6, prefixListId, referencedGroupId, referencedUserId } = rule;
  return [protocol, fromPort, toPort, cidrIpv4, cidrIpv6, prefixListId, referencedGroupId, referencedUserId].join('|');
}

/** The security group the finding names; a clear refusal when EC2 does not know it. */
export async function describeSecurityGroup(ctx: PlaybookContext<unknown>): Promise<SecurityGroup> {
  const gone = (cause?: unknown) =>
    new RemediationFailedError(
      `security group ${ctx.resource.id} does not exist (finding ${ctx.request.findingId}): Rectify changed nothing; ` +
        'if the group was deleted, Security Hub archives the finding at its next check',
      { cause },
    );
  let groups: SecurityGroup[];
  try {
    groups = (await ctx.aws.client(EC2Client).send(new DescribeSecurityGroupsCommand({ GroupIds: [ctx.resource.name] }))).SecurityGroups ?? [];
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidGroup.NotFound') throw gone(error);
    throw error;
  }
  if (!groups[0]) throw gone();
  return groups[0];
}

/** The group's rules of one direction as EC2 reports them, ids included. */
async function readRaw(ctx: PlaybookContext<unknown>, direction: Direction): Promise<SecurityGroupRule[]> {
  const pages = paginateDescribeSecurityGroupRules(
    { client: ctx.aws.client(EC2Client) },
    { Filters: [{ Name: 'group-id', Values: [ctx.resource.name] }] },
  );
  const rules: SecurityGroupRule[] = [];
  for await (const page of pages) {
    rules.push(...(page.SecurityGroupRules ?? []).filter((rule) => rule.IsEgress === (direction === 'egress')));
  }
  return rules;
}

/**
 * The group's rules of one direction, normalised and in a stable order (snapshots compare equal).
 * Throws when the group does not exist: EC2 lists no rules for an unknown group id, which would
 * otherwise read as a compliant group and end "remediated".
 */
export async function readRules(ctx: PlaybookContext<unknown>, direction: Direction): Promise<Rule[]> {
  const raw = await readRaw(ctx, direction);
  if (raw.length === 0) await describeSecurityGroup(ctx);
  const rules = raw.map(normalise);
  // Port order reads best in a plan; a group cannot hold the same rule twice, so identities break ties totally.
  // Code-point order, not localeCompare: the order must not depend on the runtime's locale data.
  const byIdentity = (a: Rule, b: Rule) => (identity(a) < identity(b) ? -1 : identity(a) > identity(b) ? 1 : 0);
  return rules.sort((a, b) => a.fromPort - b.fromPort || a.toPort - b.toPort || byIdentity(a, b));
}

/** Revokes these rules where they still exist; rules already gone are skipped, so revoking twice is a no-op. */
export async function revokeRules(ctx: PlaybookContext<unknown>, direction: Direction, rules: readonly Rule[]): Promise<void> {
  const planned = new Set(rules.map(identity));
  const ids = (await readRaw(ctx, direction))
    .filter((rule) => planned.has(identity(normalise(rule))))
    .map((rule) => rule.SecurityGroupRuleId)
    .filter((id): id is string => id !== undefined);
  if (ids.length === 0) return;
  const input = { GroupId: ctx.resource.name, SecurityGroupRuleIds: ids };
  const ec2 = ctx.aws.client(EC2Client);
  if (direction === 'ingress') await ec2.send(new RevokeSecurityGroupIngressCommand(input));
  else await ec2.send(new RevokeSecurityGroupEgressCommand(input));
}

function toPermission(rule: Rule): IpPermission {
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

/** Re-creates the snapshot's rules that are missing now (with their descriptions); present ones stay as they are. */
export async function restoreRules(ctx: PlaybookContext<unknown>, direction: Direction, rules: readonly Rule[]): Promise<void> {
  const present = new Set((await readRaw(ctx, direction)).map((rule) => identity(normalise(rule))));
  const missing = rules.filter((rule) => !present.has(identity(rule)));
  if (missing.length === 0) return;
  const input = { GroupId: ctx.resource.name, IpPermissions: missing.map(toPermission) };
  const ec2 = ctx.aws.client(EC2Client);
  if (direction === 'ingress') await ec2.send(new AuthorizeSecurityGroupIngressCommand(input));
  else await ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
}

/** Open to the whole internet: IPv4 `0.0.0.0/0` or IPv6 `::/0`. */
export function isWorldOpen(rule: Rule): boolean {
  return rule.cidrIpv4 === '0.0.0.0/0' || rule.cidrIpv6 === '::/0';
}

/**
 * The TCP and UDP port ranges a rule opens: all of both for `-1` (all traffic). Other protocols
 * have no ports (ICMP puts type and code in the same fields), so they open no range.
 */
export function portRangesOf(rule: Rule): PortRange[] {
  if (rule.protocol === '-1') {
    return [{ protocol: 'tcp', fromPort: 0, toPort: 65535 }, { protocol: 'udp', fromPort: 0, toPort: 65535 }];
  }
  if (rule.protocol === 'tcp' || rule.protocol === '6') return [{ protocol: 'tcp', fromPort: rule.fromPort, toPort: rule.toPort }];
  if (rule.protocol === 'udp' || rule.protocol === '17') return [{ protocol: 'udp', fromPort: rule.fromPort, toPort: rule.toPort }];
  return [];
}

/** Whether the finding's control flags a protocol's port, e.g. EC2.13 flags TCP 22, EC2.18 every port it does not authorise. */
export type FlaggedPort = (protocol: PortRange['protocol'], port: number) => boolean;

/**
 * What revoking a world-open rule closes that the control does not flag, in words: the ports of
 * its ranges the control leaves alone (`TCP 20-21, 23-30`), and for all traffic (`-1`) every
 * protocol without ports too. Empty when the rule opens only flagged ports: revoking it closes
 * nothing beyond what the finding is about.
 */
export function beyondFlagged(rule: Rule, flagged: FlaggedPort): string[] {
  const ports = portRangesOf(rule).flatMap((range) => {
    const text = unflaggedPorts(range, flagged);
    return text ? [text] : [];
  });
  return rule.protocol === '-1' ? [...ports, 'every protocol other than TCP and UDP (ICMP among them)'] : ports;
}

/** The ports of a range the control does not flag, in the shorter of two spellings: the ports, or the range except the flagged ones. */
function unflaggedPorts(range: PortRange, flagged: FlaggedPort): string {
  const segments: { from: number; to: number }[] = [];
  const flaggedInside: number[] = [];
  for (let port = range.fromPort; port <= range.toPort; port++) {
    if (flagged(range.protocol, port)) {
      flaggedInside.push(port);
      continue;
    }
    const last = segments.at(-1);
    if (last && last.to === port - 1) last.to = port;
    else segments.push({ from: port, to: port });
  }
  if (segments.length === 0) return '';
  const name = range.protocol.toUpperCase();
  const span = (from: number, to: number) => (from === to ? `${from}` : `${from}-${to}`);
  if (flaggedInside.length === 0 && range.fromPort === 0 && range.toPort === 65535) return `all ${name} ports`;
  const listed = `${name} ${segments.map((segment) => span(segment.from, segment.to)).join(', ')}`;
  // Thousands of flagged ports (EC2.18 on a wide range) never make the shorter spelling.
  if (flaggedInside.length === 0 || flaggedInside.length > 2 * segments.length) return listed;
  const excepted = `${name} ${span(range.fromPort, range.toPort)} except ${flaggedInside.join(', ')}`;
  return listed.length <= excepted.length ? listed : excepted;
}

/** Sentences for a plan's impact, the first left as it is (it follows "disruptive —" or "Disruptive:"). */
export function sentences(parts: readonly string[]): string {
  return parts.map((part, index) => (index === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('. ');
}

/** A rule in words: `TCP port 22 from 0.0.0.0/0 ("ssh")`, `all traffic to ::/0`. */
export function describeRule(rule: Rule, direction: Direction = 'ingress'): string {
  const peer = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? rule.referencedGroupId;
  const where = `${direction === 'ingress' ? 'from' : 'to'} ${peer}`;
  const label = rule.description ? ` ("${rule.description}")` : '';
  if (rule.protocol === '-1') return `all traffic ${where}${label}`;
  if (portRangesOf(rule).length === 0) return `protocol ${rule.protocol.toUpperCase()} ${where}${label}`;
  const ports = rule.fromPort === rule.toPort ? `port ${rule.fromPort}` : `ports ${rule.fromPort}-${rule.toPort}`;
  return `${rule.protocol.toUpperCase()} ${ports} ${where}${label}`;
}
