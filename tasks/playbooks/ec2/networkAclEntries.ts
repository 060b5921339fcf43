import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  ReplaceNetworkAclEntryCommand,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import type { PlaybookContext } from '../definePlaybook.js';

/** One inbound entry of a network ACL, normalised so a snapshot compares equal after a restore. */
export type AclEntry = {
  readonly ruleNumber: number;
  /** IANA number as a string, as EC2 reports it: `6` TCP, `17` UDP, `-1` all traffic. */
  readonly protocol: string;
  readonly action: 'allow' | 'deny';
  /** `0.0.0.0/0`-style IPv4 block, or undefined for an IPv6 entry. */
  readonly cidrBlock?: string;
  readonly ipv6CidrBlock?: string;
  readonly from?: number;
  readonly to?: number;
};

/** EC2 answers protocol numbers; a name given at creation (the API accepts `tcp`) is read the same way. */
const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = { tcp: '6', udp: '17', all: '-1', icmp: '1' };
export const TCP = '6';
export const UDP = '17';
export const ALL_TRAFFIC = '-1';

function toEntry(e: NetworkAclEntry): AclEntry {
  const protocol = PROTOCOL_NUMBERS[String(e.Protocol).toLowerCase()] ?? String(e.Protocol);
  const hasPorts = protocol === TCP || protocol === UDP;
  return {
    ruleNumber: e.RuleNumber!,
    protocol,
    action: e.RuleAction === 'allow' ? 'allow' : 'deny',
    ...(e.CidrBlock ? { cidrBlock: e.CidrBlock } : {}),
    ...(e.Ipv6CidrBlock ? { ipv6CidrBlock: e.Ipv6CidrBlock } : {}),
    ...(hasPorts && e.PortRange ? { from: e.PortRange.From, to: e.PortRange.To } : {}),
  };
}

/** The network ACL's inbound entries, by rule number. Throws InvalidNetworkAclID.NotFound when it does not exist. */
export async function readIngressEntries(ctx: PlaybookContext<unknown>, aclId: string): Promise<AclEntry[]> {
  const { NetworkAcls = [] } = await ctx.aws.client(EC2Client).send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }));
  const acl = NetworkAcls[0];
  if (!acl) throw new Error(`Network ACL ${aclId} was not found`);
  return (acl.Entries ?? [])
    .filter((e) => !e.Egress)
    .map(toEntry)
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
}

function entryInput(aclId: string, entry: AclEntry) {
  return {
    NetworkAclId: aclId,
    RuleNumber: entry.ruleNumber,
    Egress: false,
    Protocol: entry.protocol,
    RuleAction: entry.action,
    ...(entry.cidrBlock ? { CidrBlock: entry.cidrBlock } : {}),
    ...(entry.ipv6CidrBlock ? { Ipv6CidrBlock: entry.ipv6CidrBlock } : {}),
    ...(entry.from !== undefined ? { PortRange: { From: entry.from, To: entry.to } } : {}),
  };
}

/** Put `entry` at its rule number: replace the entry there, or create it when the number is free. */
export async function writeIngressEntry(ctx: PlaybookContext<unknown>, aclId: string, entry: AclEntry, exists: boolean): Promise<void> {
  const ec2 = ctx.aws.client(EC2Client);
  if (exists) await ec2.send(new ReplaceNetworkAclEntryCommand(entryInput(aclId, entry)));
  else await ec2.send(new CreateNetworkAclEntryCommand(entryInput(aclId, entry)));
}

export async function deleteIngressEntry(ctx: PlaybookContext<unknown>, aclId: string, ruleNumber: number): Promise<void> {
  await ctx.aws.client(EC2Client).send(new DeleteNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: ruleNumber, Egress: false }));
}

/** Two entries say the same thing (rule number included). */
export const sameEntry = (a: AclEntry | undefined, b: AclEntry | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** How a reviewer reads an entry: `#100 allow TCP 0-65535 from 0.0.0.0/0`. */
export function describeEntry(e: AclEntry): string {
  const protocol = e.protocol === TCP ? 'TCP' : e.protocol === UDP ? 'UDP' : e.protocol === ALL_TRAFFIC ? 'all traffic' : `protocol ${e.protocol}`;
  const ports = e.from === undefined ? '' : e.from === e.to ? ` port ${e.from}` : ` ${e.from}-${e.to}`;
  return `#${e.ruleNumber} ${e.action} ${protocol}${ports} from ${e.cidrBlock ?? e.ipv6CidrBlock}`;
}

/** The IAM actions of this module. */
export const NETWORK_ACL_PERMISSIONS = [
  'ec2:CreateNetworkAclEntry',
  'ec2:DeleteNetworkAclEntry',
  'ec2:DescribeNetworkAcls',
  'ec2:ReplaceNetworkAclEntry',
] as const;
