import { Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { TaskAccess, TopicName } from './taskAccess.js';

/** What a handler's {@link TaskAccess} may name; only the table and the key are always there. */
export interface AccessTargets {
  /** Encrypts the table, the topics and the secret. */
  readonly key: kms.IKey;
  readonly table: dynamodb.ITableV2;
  readonly policyParameter?: ssm.IStringParameter;
  readonly topics?: Readonly<Partial<Record<TopicName, sns.ITopic>>>;
  readonly signingSecret?: secretsmanager.ISecret;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`grantTaskAccess: the handler needs ${what}, but none was given`);
  return value;
}

/** An ARN as cdk-nag shows it in an IAM5 finding id: unresolved pseudo parameters by name. */
function shownByNag(arn: string, role: iam.IRole): string {
  const { partition, region, account } = Stack.of(role);
  const pseudo: [string, string][] = [[partition, '<AWS::Partition>'], [region, '<AWS::Region>'], [account, '<AWS::AccountId>']];
  return pseudo.reduce((shown, [value, name]) => (Token.isUnresolved(value) ? shown.split(value).join(name) : shown), arn);
}

/** The new Security Hub's hub and connectors carry ids AWS assigns: their ARNs end in a wildcard, said why once per role. */
function acknowledgeWildcard(role: iam.IRole, arn: string, reason: string): void {
  Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${shownByNag(arn, role)}]`, reason });
}

const HUBV2_REASON =
  "The new Security Hub's hub ARN ends in an id AWS assigns when it is enabled (hubv2/<id>), unknown at deploy time; " +
  'the statement is limited to this account and region, and to the one action the task needs.';

/**
 * Grant a function's role exactly what its handler touches, each statement on its resource,
 * and only the KMS actions those calls need on the customer-managed key.
 *
 * @example
 * grantTaskAccess(role, TASK_ACCESS.escalate, { key, table, topics: { escalations } });
 */
export function grantTaskAccess(role: iam.IRole, needs: TaskAccess, targets: AccessTargets): void {
  const { partition, region, account } = Stack.of(role);
  // Exact KMS actions (no GenerateDataKey*): reading the CMK-encrypted table needs Decrypt, writing also Encrypt.
  const keyActions = new Set<string>(['kms:Decrypt', 'kms:DescribeKey']);
  // On the table itself only: table.grant() would add "<table>/index/*" now that the table has an
  // index, and no task queries it (`rectify report` does, with the operator's credentials).
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...needs.table], resources: [targets.table.tableArn] }));
  const writes = needs.table.some((a) => !/^dynamodb:(Get|BatchGet|Query|Scan|Describe)/.test(a));
  if (writes) keyActions.add('kms:Encrypt').add('kms:GenerateDataKey');
  if (needs.readsPolicy) {
    const parameter = required(targets.policyParameter, 'the policy parameter');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameter.parameterArn] }));
  }
  if (needs.readsSigningKey) {
    // The secret is encrypted with the key: reading it also takes kms:Decrypt, which every role has.
    const secret = required(targets.signingSecret, 'the signing secret');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
  }
  if (needs.publishesTo) {
    const topic = required(targets.topics?.[needs.publishesTo], `the ${needs.publishesTo} topic`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    keyActions.add('kms:GenerateDataKey').add('kms:Decrypt');
  }
  // Security Hub CSPM's hub, and the new Security Hub's (its id is AWS's, not ours: hubv2/*). The V2
  // calls are authorised by the V1 actions (Service Authorization Reference; docs/decisions/020).
  const hubArns = [`arn:${partition}:securityhub:${region}:${account}:hub/default`, `arn:${partition}:securityhub:${region}:${account}:hubv2/*`];
  if (needs.updatesFindings || needs.readsFindings) acknowledgeWildcard(role, hubArns[1]!, HUBV2_REASON);
  if (needs.updatesFindings) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['securityhub:BatchUpdateFindings'], resources: hubArns }));
    // Rectify's outcome findings are imported as the account's own default product.
    const productArn = `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['securityhub:BatchImportFindings'], resources: [productArn] }));
  }
  if (needs.readsFindings) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['securityhub:GetFindings'], resources: hubArns }));
  }
  if (needs.opensTickets) {
    // The connector is chosen in the policy (changed without a deploy): any connector of this account and region.
    const connectors = `arn:${partition}:securityhub:${region}:${account}:connectorv2/*`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['securityhub:CreateTicketV2'], resources: [connectors] }));
    acknowledgeWildcard(
      role,
      connectors,
      'The ticketing connector is chosen in the policy parameter (changed without a deploy), and its id is assigned by Security Hub; ' +
        'the statement allows only CreateTicketV2 on connectors of this account and region.',
    );
  }
  targets.key.grant(role, ...[...keyActions].sort());
}
