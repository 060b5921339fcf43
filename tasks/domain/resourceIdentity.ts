/**
 * One canonical identity per resource (DESIGN §2, trust rules). ValidateFinding turns the
 * finding's `Resources[0].Id` into the canonical ARN of its ASFF type, in the finding's own
 * partition, region and account; that identity alone keys tag reads, the exemption register,
 * the lock, the flap guard, the audit and the playbook. An id that cannot be resolved to exactly
 * one resource is refused: a check that looked at one name must not approve a change to another.
 */

/** Where a finding says its resource is. */
export interface ResourceScope {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

interface IdentityRule {
  /** The ARN's service. */
  readonly service: string;
  /** Regional ARNs carry the region; global ones (IAM, S3) leave it empty. */
  readonly regional: boolean;
  /** S3 bucket ARNs carry no account. */
  readonly accountInArn: boolean;
  /** The ARN's resource part (after `account:`). */
  readonly resource: RegExp;
  /** How a bare id becomes the resource part; absent when a bare id is ambiguous (IAM users: the ARN holds the path). */
  readonly fromBare?: (bare: string) => string;
  /** One resource part where a type's ARN has two accepted forms (a log group with and without AWS Config's `:*`). */
  readonly canonicalResource?: (resource: string) => string;
}

const hex = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{8}(?:[0-9a-f]{9})?$`);
const ec2 = (kind: string, prefix: string): IdentityRule => ({
  service: 'ec2',
  regional: true,
  accountInArn: true,
  resource: new RegExp(`^${kind}/${hex(prefix).source.slice(1)}`),
  fromBare: (bare) => `${kind}/${bare}`,
});
const KMS_KEY_ID = '(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})';
const named = (service: string, prefix: string, name: string): IdentityRule => ({
  service,
  regional: true,
  accountInArn: true,
  resource: new RegExp(`^${prefix}${name}$`),
  fromBare: (bare) => `${prefix}${bare}`,
});

/** The rules once built (identityRules). */
let rules: Readonly<Record<string, IdentityRule>> | undefined;

/**
 * The identity rule of every resource type a playbook acts on (a test keeps this complete). Built on
 * first use, not at import: the functions that never canonicalise an id (RecordOutcome, Escalate, which
 * import the request's schema) then bundle none of the rules, and do not grow with the catalog.
 */
function identityRules(): Readonly<Record<string, IdentityRule>> {
  return (rules ??= {
    AwsEc2SecurityGroup: ec2('security-group', 'sg'),
    AwsEc2Instance: ec2('instance', 'i'),
    AwsEc2Subnet: ec2('subnet', 'subnet'),
    AwsEc2Vpc: ec2('vpc', 'vpc'),
    AwsEc2Volume: ec2('volume', 'vol'),
    AwsEc2TransitGateway: ec2('transit-gateway', 'tgw'),
    AwsEc2NetworkAcl: ec2('network-acl', 'acl'),
    AwsKmsKey: named('kms', 'key/', KMS_KEY_ID),
    AwsSqsQueue: named('sqs', '', '[A-Za-z0-9_-]{1,75}(?:\\.fifo)?'),
    AwsSnsTopic: named('sns', '', '[A-Za-z0-9_-]{1,251}(?:\\.fifo)?'),
    AwsDynamoDbTable: named('dynamodb', 'table/', '[A-Za-z0-9_.-]{3,255}'),
    AwsCloudTrailTrail: named('cloudtrail', 'trail/', '[A-Za-z0-9][A-Za-z0-9._-]{2,127}'),
    // RDS identifiers are case-insensitive and stored (and put in ARNs) in lower case.
    AwsRdsDbInstance: named('rds', 'db:', '[a-z][a-z0-9-]{0,62}'),
    AwsRdsDbSnapshot: named('rds', 'snapshot:', '[a-z][a-z0-9:-]{0,254}'),
    AwsRdsDbClusterSnapshot: named('rds', 'cluster-snapshot:', '[a-z][a-z0-9:-]{0,254}'),
    AwsRdsDbCluster: named('rds', 'cluster:', '[a-z][a-z0-9-]{0,62}'),
    // Redshift cluster identifiers are stored in lower case, as in their ARNs.
    AwsRedshiftCluster: named('redshift', 'cluster:', '[a-z][a-z0-9-]{0,62}'),
    AwsLambdaFunction: named('lambda', 'function:', '[A-Za-z0-9_-]{1,64}'),
    // A document of the account (an AWS-owned document has no account and is never a finding's resource).
    AwsSsmDocument: named('ssm', 'document/', '[A-Za-z0-9_.-]{3,128}'),
    // REST API stages: API Gateway ARNs carry no account.
    AwsApiGatewayStage: { service: 'apigateway', regional: true, accountInArn: false, resource: /^\/restapis\/[A-Za-z0-9]{1,64}\/stages\/[A-Za-z0-9_-]{1,128}$/ },
    // A stack ARN ends with its unique id: the name alone may also name deleted stacks.
    AwsCloudFormationStack: { service: 'cloudformation', regional: true, accountInArn: true, resource: /^stack\/[A-Za-z][A-Za-z0-9-]{0,127}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
    AwsEcsCluster: named('ecs', 'cluster/', '[A-Za-z0-9_-]{1,255}'),
    AwsEksCluster: named('eks', 'cluster/', '[A-Za-z0-9][A-Za-z0-9_-]{0,99}'),
    AwsKinesisStream: named('kinesis', 'stream/', '[A-Za-z0-9_.-]{1,128}'),
    // Alarm names may hold any printable character, colons included.
    AwsCloudWatchAlarm: named('cloudwatch', 'alarm:', '[^\\x00-\\x1f]{1,255}'),
    // Log group names allow `/`, `#`, `.`, `-`, `_`; AWS Config's ARN of a group may end with `:*`.
    // Config and some findings name a log group `…:log-group:<name>:*`, others without the `:*`: one group, one identity (one lock, one record).
    AwsLogsLogGroup: { ...named('logs', 'log-group:', '[A-Za-z0-9_/#.-]{1,512}(?::\\*)?'), canonicalResource: (resource) => resource.replace(/:\*$/, '') },
    AwsStepFunctionStateMachine: named('states', 'stateMachine:', '[A-Za-z0-9_-]{1,80}'),
    // Repository names may hold namespaces (`team/app`).
    AwsEcrRepository: named('ecr', 'repository/', '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'),
    // Application, Network and Gateway Load Balancers: the name alone is ambiguous (the ARN ends with an id).
    AwsElbv2LoadBalancer: { service: 'elasticloadbalancing', regional: true, accountInArn: true, resource: /^loadbalancer\/(?:app|net|gwy)\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/ },
    // A secret's ARN ends with six random characters after its name: the name alone may also name a deleted secret's successor.
    AwsSecretsManagerSecret: { service: 'secretsmanager', regional: true, accountInArn: true, resource: /^secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$/ },
    AwsEc2LaunchTemplate: ec2('launch-template', 'lt'),
    // A group's ARN holds a generated id before its name, so only the ARN names it.
    AwsAutoScalingAutoScalingGroup: {
      service: 'autoscaling',
      regional: true,
      accountInArn: true,
      resource: /^autoScalingGroup:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:autoScalingGroupName\/[^:]{1,255}$/,
    },
    AwsAutoScalingLaunchConfiguration: {
      service: 'autoscaling',
      regional: true,
      accountInArn: true,
      resource: /^launchConfiguration:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:launchConfigurationName\/[^:]{1,255}$/,
    },
    AwsIamUser: { service: 'iam', regional: false, accountInArn: true, resource: /^user\/(?:[\x21-\x2e\x30-\x7e]+\/)*[\w+=,.@-]{1,64}$/ },
    // GuardDuty.5/6/9/10 name the region's detector (its id: 32 lowercase hex characters).
    AwsGuardDutyDetector: { service: 'guardduty', regional: true, accountInArn: true, resource: /^detector\/[0-9a-f]{32}$/ },
    // A customer managed policy: the account's own (an AWS managed policy's ARN names the account "aws" and is refused).
    AwsIamPolicy: { service: 'iam', regional: false, accountInArn: true, resource: /^policy\/(?:[\x21-\x2e\x30-\x7e]+\/)*[\w+=,.@-]{1,128}$/ },
    AwsS3Bucket: {
      service: 's3',
      regional: false,
      accountInArn: false,
      resource: /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      fromBare: (bare) => bare,
    },
  });
}

const ACCOUNT_PREFIX = 'AWS::::Account:';
const PARTITIONS = /^aws(?:-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?$/;

/** Resource types with a canonical identity (AwsAccount has its own form, `AWS::::Account:<id>`). */
export const IDENTIFIED_TYPES: readonly string[] = /* @__PURE__ */ identifiedTypes();

function identifiedTypes(): readonly string[] {
  return ['AwsAccount', ...Object.keys(identityRules())];
}

/** Why an id cannot be made canonical; thrown by {@link canonicalResourceId}. */
export class UnresolvableResourceIdError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnresolvableResourceIdError';
  }
}

/**
 * The canonical id of a finding's resource: its ARN (or `AWS::::Account:<id>`), in the scope's
 * partition, region and account. A bare id (`sg-0abc…`, a bucket or table name, a key id, an
 * account id) is resolved in the finding's scope when that names exactly one resource; any id
 * that disagrees with the scope, has the wrong shape for its type, or cannot be resolved throws
 * {@link UnresolvableResourceIdError}. Types without a rule keep an ARN in the finding's account
 * (no playbook acts on them: the finding ends NO_PLAYBOOK).
 *
 * @example
 * canonicalResourceId('AwsEc2SecurityGroup', 'sg-0123456789abcdef0', { account: '111122223333', region: 'eu-west-1', partition: 'aws' });
 * // 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0'
 */
export function canonicalResourceId(type: string, id: string, scope: ResourceScope): string {
  if (!PARTITIONS.test(scope.partition)) throw new UnresolvableResourceIdError(`partition "${scope.partition}" is not an AWS partition`);
  if (type === 'AwsAccount') {
    const account = id.startsWith(ACCOUNT_PREFIX) ? id.slice(ACCOUNT_PREFIX.length) : id;
    if (account !== scope.account) throw new UnresolvableResourceIdError(`an AwsAccount id must be ${ACCOUNT_PREFIX}${scope.account} (the finding's account)`);
    return `${ACCOUNT_PREFIX}${account}`;
  }
  const rule = identityRules()[type];
  if (rule?.regional && !scope.region) throw new UnresolvableResourceIdError(`a ${type} is regional, and no region is named`);
  if (rule?.accountInArn && !/^\d{12}$/.test(scope.account)) throw new UnresolvableResourceIdError(`a ${type} ARN names its 12-digit account`);
  if (!id.startsWith('arn:')) {
    if (!rule) throw new UnresolvableResourceIdError(`it is not an ARN, and a bare id of a ${type} cannot be resolved`);
    if (!rule.fromBare) throw new UnresolvableResourceIdError(`it is not an ARN, and a bare ${type} id is ambiguous: the finding must carry the ARN`);
    const resource = rule.fromBare(id);
    if (!rule.resource.test(resource)) throw new UnresolvableResourceIdError(`"${id}" is not the id of a ${type}`);
    return arnOf(rule, scope, rule.canonicalResource?.(resource) ?? resource);
  }
  const [prefix, partition, service, region, account, ...rest] = id.split(':');
  const resource = rest.join(':');
  if (prefix !== 'arn' || partition === undefined || service === undefined || region === undefined || account === undefined || rest.length === 0) {
    throw new UnresolvableResourceIdError('it is not a well-formed ARN');
  }
  if (partition !== scope.partition) throw new UnresolvableResourceIdError(`it is in partition ${partition}, not the finding's ${scope.partition}`);
  if (!rule) {
    if (account !== scope.account) throw new UnresolvableResourceIdError(`it is in account ${account}, not the finding's account ${scope.account}`);
    return id;
  }
  if (service !== rule.service) throw new UnresolvableResourceIdError(`a ${type} must be an ${rule.service} ARN, not ${service}`);
  const expectedRegion = rule.regional ? scope.region : '';
  if (region !== expectedRegion) {
    throw new UnresolvableResourceIdError(rule.regional ? `it is in region ${region || '(none)'}, not the finding's region ${scope.region}` : `a ${type} ARN has no region, but this one says ${region}`);
  }
  const expectedAccount = rule.accountInArn ? scope.account : '';
  if (account !== expectedAccount) {
    throw new UnresolvableResourceIdError(rule.accountInArn ? `it is in account ${account || '(none)'}, not the finding's account ${scope.account}` : `a ${type} ARN has no account, but this one says ${account}`);
  }
  if (!rule.resource.test(resource)) throw new UnresolvableResourceIdError(`"${resource}" is not the resource part of a ${type} ARN`);
  return rule.canonicalResource ? arnOf(rule, scope, rule.canonicalResource(resource)) : id;
}

function arnOf(rule: IdentityRule, scope: ResourceScope, resource: string): string {
  return `arn:${scope.partition}:${rule.service}:${rule.regional ? scope.region : ''}:${rule.accountInArn ? scope.account : ''}:${resource}`;
}

/**
 * The canonical form of an ARN an operator types for the exemption register (no resource type
 * given): the type is found from the ARN's service and resource part, and the ARN must be that
 * type's canonical form in its own partition, region and account.
 *
 * @example
 * canonicalArn('arn:aws:s3:::my-bucket'); // 'arn:aws:s3:::my-bucket'
 */
export function canonicalArn(arn: string): string {
  const [prefix, partition, service, region, account] = arn.split(':');
  if (prefix !== 'arn' || !partition || !service || region === undefined || account === undefined) {
    throw new UnresolvableResourceIdError(`"${arn}" is not an ARN (arn:partition:service:region:account:resource)`);
  }
  const reasons: string[] = [];
  for (const [type, rule] of Object.entries(identityRules())) {
    if (rule.service !== service) continue;
    try {
      return canonicalResourceId(type, arn, { partition, region: rule.regional ? region : '', account: rule.accountInArn ? account : '' });
    } catch (error) {
      reasons.push(`${type}: ${(error as Error).message}`);
    }
  }
  throw new UnresolvableResourceIdError(
    reasons.length ? `"${arn}" is not a resource ARN Rectify acts on (${reasons.join('; ')})` : `"${arn}" is not a resource ARN Rectify acts on (service ${service})`,
  );
}
