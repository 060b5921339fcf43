import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface NotificationTopicProps {
  /** The customer-managed key messages are encrypted with at rest. */
  readonly masterKey: kms.IKey;
  /** Shown as the sender name of emails. */
  readonly displayName: string;
  /**
   * Email addresses to subscribe (each must confirm once).
   * @default []
   */
  readonly emails?: readonly string[];
}

/**
 * An SNS topic that people are told through: KMS-encrypted, HTTPS-only publishing, optional
 * email subscriptions.
 */
export class NotificationTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: props.masterKey,
      enforceSSL: true,
    });
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }
}
