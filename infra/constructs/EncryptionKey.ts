import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface EncryptionKeyProps {
  /**
   * Shown in the KMS console.
   * @default 'Rectify: audit table, topics, queues and log groups'
   */
  readonly description?: string;
  /**
   * What happens to the key when the stack is deleted. Retained by default: the audit
   * table and log groups it encrypts are retained too and stay readable.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The customer-managed key for everything Rectify stores or sends (rotation on). CloudWatch
 * Logs may use it only for log groups of this account and region, and only AWS services may
 * create grants on it.
 *
 * @example
 * const key = new EncryptionKey(this, 'Key');
 * new logs.LogGroup(this, 'Logs', { encryptionKey: key });
 */
export class EncryptionKey extends kms.Key {
  constructor(scope: Construct, id: string, props: EncryptionKeyProps = {}) {
    super(scope, id, {
      description: props.description ?? 'Rectify: audit table, topics, queues and log groups',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const { partition, region, account } = Stack.of(this);
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsRectifyLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
        },
      }),
    );
    // Control Tower CT.KMS.PR.3: grants only for AWS services (DynamoDB creates them for the table); a
    // principal that may use the key cannot hand that use on to another through a grant.
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
  }
}
