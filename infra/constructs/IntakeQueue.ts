import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface IntakeQueueProps {
  /** The customer-managed key both queues are encrypted with. */
  readonly encryptionKey: kms.IKey;
  /**
   * At least six times the consumer's timeout, as Lambda recommends for SQS event sources.
   * @default Duration.minutes(3)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Deliveries before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a dead letter is kept for inspection and redrive.
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;
}

/**
 * The buffer between Security Hub events and the intake function, with a dead-letter queue so
 * no finding is silently dropped. Both queues use the CMK and refuse plain HTTP.
 */
export class IntakeQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IntakeQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
      // Says this queue is a dead-letter queue (Control Tower CT.SQS.PR.1 asks each queue for a DLQ or this).
      // allowAll is what SQS does without the property; byQueue would name the queue below, which names this one: a cycle.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.minutes(3),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
  }
}
