import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BY_KIND_INDEX } from '../../tasks/store/table.js';

export interface AuditTableProps {
  /** The customer-managed key the table is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /**
   * Retained by default: the audit trail outlives the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * Rectify's one table (tasks/store/table.ts): audit events, snapshots, approvals. `pk`/`sk`
 * strings, on-demand, point-in-time recovery, the CMK, a `ttl` attribute that expires decided
 * approvals, and the `byKind` index (`kind`/`at`, all attributes) over outcomes and approval
 * decisions, which `rectify report` queries instead of scanning the table.
 */
export class AuditTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: AuditTableProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey),
      // cdk-nag DDB3 inspects only dynamodb.Table, so nothing else would catch this being off.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      // Only outcome and decision events carry `kind` (appendAudit), so the index stays small.
      globalSecondaryIndexes: [
        {
          indexName: BY_KIND_INDEX,
          partitionKey: { name: 'kind', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'at', type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
