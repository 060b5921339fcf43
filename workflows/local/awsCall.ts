import { clientsFor } from '../../tasks/aws/clientFactory.js';
import { LOCAL_ADMIN_ACCOUNT } from './awsEnv.js';
import { runAs } from './callerContext.js';

/**
 * AWS SDK v3 packages a scenario step may name, by client name without `Client`.
 * Listed explicitly so a typo fails with the list of valid names, and bundlers see the imports.
 */
const SERVICES: Record<string, () => Promise<Record<string, unknown>>> = {
  AccessAnalyzer: () => import('@aws-sdk/client-accessanalyzer'),
  Account: () => import('@aws-sdk/client-account'),
  APIGateway: () => import('@aws-sdk/client-api-gateway'),
  AutoScaling: () => import('@aws-sdk/client-auto-scaling'),
  CloudFormation: () => import('@aws-sdk/client-cloudformation'),
  CloudTrail: () => import('@aws-sdk/client-cloudtrail'),
  CloudWatch: () => import('@aws-sdk/client-cloudwatch'),
  CloudWatchLogs: () => import('@aws-sdk/client-cloudwatch-logs'),
  ConfigService: () => import('@aws-sdk/client-config-service'),
  DynamoDB: () => import('@aws-sdk/client-dynamodb'),
  EC2: () => import('@aws-sdk/client-ec2'),
  ECR: () => import('@aws-sdk/client-ecr'),
  ECS: () => import('@aws-sdk/client-ecs'),
  EKS: () => import('@aws-sdk/client-eks'),
  ElasticLoadBalancingV2: () => import('@aws-sdk/client-elastic-load-balancing-v2'),
  EMR: () => import('@aws-sdk/client-emr'),
  EventBridge: () => import('@aws-sdk/client-eventbridge'),
  GuardDuty: () => import('@aws-sdk/client-guardduty'),
  IAM: () => import('@aws-sdk/client-iam'),
  Kinesis: () => import('@aws-sdk/client-kinesis'),
  KMS: () => import('@aws-sdk/client-kms'),
  Lambda: () => import('@aws-sdk/client-lambda'),
  Macie2: () => import('@aws-sdk/client-macie2'),
  RDS: () => import('@aws-sdk/client-rds'),
  Redshift: () => import('@aws-sdk/client-redshift'),
  ResourceGroupsTaggingAPI: () => import('@aws-sdk/client-resource-groups-tagging-api'),
  S3: () => import('@aws-sdk/client-s3'),
  S3Control: () => import('@aws-sdk/client-s3-control'),
  SecretsManager: () => import('@aws-sdk/client-secrets-manager'),
  SecurityHub: () => import('@aws-sdk/client-securityhub'),
  SFN: () => import('@aws-sdk/client-sfn'),
  SNS: () => import('@aws-sdk/client-sns'),
  SQS: () => import('@aws-sdk/client-sqs'),
  SSM: () => import('@aws-sdk/client-ssm'),
  STS: () => import('@aws-sdk/client-sts'),
};

export const SCENARIO_SERVICES = Object.keys(SERVICES);

/** The role a scenario assumes to set up resources in another account of the emulator. */
const SETUP_ROLE = 'OrganizationAccountAccessRole';

export interface AwsCall {
  readonly service: string;
  readonly command: string;
  readonly params?: Record<string, unknown>;
  readonly account?: string;
  readonly region?: string;
}

/** Run one generic SDK call (`EC2` / `AuthorizeSecurityGroupIngress` / params) in an account. */
export async function callAws(call: AwsCall, defaults: { account?: string; region?: string } = {}): Promise<Record<string, unknown>> {
  const load = SERVICES[call.service];
  if (!load) throw new Error(`unknown service "${call.service}"; use one of: ${SCENARIO_SERVICES.join(', ')}`);
  const module = await load();
  const Client = module[`${call.service}Client`] as (new (config: Record<string, unknown>) => { send(c: unknown): Promise<unknown> }) | undefined;
  const Command = module[`${call.command}Command`] as (new (input: unknown) => unknown) | undefined;
  if (!Client) throw new Error(`@aws-sdk package for ${call.service} has no ${call.service}Client`);
  if (!Command) throw new Error(`${call.service} has no command "${call.command}" (use the SDK command name without "Command")`);
  const account = call.account ?? defaults.account ?? LOCAL_ADMIN_ACCOUNT;
  const region = call.region ?? defaults.region ?? 'us-east-1';
  const client = clientsFor(account, region, {
    adminAccount: LOCAL_ADMIN_ACCOUNT,
    memberRoleName: SETUP_ROLE,
    sameAccountShortcut: true,
    sessionName: 'rectify-scenario',
  }).client(Client);
  // A person or another tool, even when a fault makes the call from inside a task.
  const response = (await runAs('harness', () => client.send(new Command(call.params ?? {})))) as Record<string, unknown>;
  const { $metadata: _metadata, ...rest } = response;
  return rest;
}

/** Value at a dotted path (`SecurityGroupRules.0.SecurityGroupRuleId`). */
export function valueAt(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((current, key) => (current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined), value);
}

/** Replace `${name}` in every string of a JSON value with saved values. */
export function substitute<T>(value: T, saved: Record<string, unknown>): T {
  if (typeof value === 'string') {
    const whole = /^\$\{(\w+)\}$/.exec(value);
    if (whole && whole[1]! in saved) return saved[whole[1]!] as T;
    return value.replace(/\$\{(\w+)\}/g, (match, name: string) => (name in saved ? String(saved[name]) : match)) as T;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, saved)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, saved)])) as T;
  }
  return value;
}

/**
 * Whether a response shows what a scenario's `match` expects (docs/scenarios.md). An expected
 * object needs each of its keys, with a matching value, in the actual object; keys it does not
 * name are free. An expected array names the whole list: the actual array has the same length and
 * its elements pair one-to-one with the expected ones, in any order, each pair matching. Anything
 * else must be equal (`===`).
 *
 * @example
 * matchesExpectation({ Rules: [{ Port: 22, Cidr: '10.0.0.0/8' }, { Port: 443 }] }, { Rules: [{ Port: 443 }, { Port: 22 }] }); // true
 * matchesExpectation({ Rules: [{ Port: 22 }, { Port: 443 }] }, { Rules: [{ Port: 443 }] }); // false: an unexpected rule remains
 */
export function matchesExpectation(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && pairsOneToOne(actual, expected);
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => matchesExpectation((actual as Record<string, unknown>)[k], v));
  }
  return actual === expected;
}

/**
 * Whether the elements of two arrays of the same length pair one-to-one so that each actual
 * element matches its expected one. A maximum bipartite matching (augmenting paths), not a greedy
 * pass: `[{a:1}, {a:1,b:2}]` expected of `[{a:1,b:2}, {a:1}]` pairs, though the first expected
 * element also fits the first actual one.
 */
function pairsOneToOne(actual: readonly unknown[], expected: readonly unknown[]): boolean {
  if (actual.length !== expected.length) return false;
  const fits = expected.map((e) => actual.map((a) => matchesExpectation(a, e)));
  const pairedWith: (number | undefined)[] = actual.map(() => undefined); // actual index → expected index
  const place = (e: number, tried: Set<number>): boolean => {
    for (let a = 0; a < actual.length; a++) {
      if (!fits[e]![a] || tried.has(a)) continue;
      tried.add(a);
      const holder = pairedWith[a];
      if (holder === undefined || place(holder, tried)) {
        pairedWith[a] = e;
        return true;
      }
    }
    return false;
  };
  return expected.every((_, e) => place(e, new Set()));
}

/**
 * Whether a response still shows anything a scenario's `absent` forbids (docs/scenarios.md). An
 * object describes one thing: all its keys must be shown. An array lists several forbidden things:
 * it is shown when any one of them is shown by any element of the actual array (`[{}]` forbids
 * every element: the list must be empty). Anything else is shown when equal.
 *
 * @example
 * showsAny({ Rules: [{ Port: 22 }, { Port: 443 }] }, { Rules: [{ Port: 22 }, { Port: 3389 }] }); // true: port 22 is still open
 */
export function showsAny(actual: unknown, forbidden: unknown): boolean {
  if (Array.isArray(forbidden)) return Array.isArray(actual) && forbidden.some((f) => actual.some((a) => showsAny(a, f)));
  if (forbidden !== null && typeof forbidden === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(forbidden).every(([k, v]) => showsAny((actual as Record<string, unknown>)[k], v));
  }
  return actual === forbidden;
}
