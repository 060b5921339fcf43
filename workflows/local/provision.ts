import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateSecretCommand, DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { randomBytes } from 'node:crypto';
import { memberFacingRoleNames } from '../../infra/taskAccess.js';
import { adminClient, clientsFor } from '../../tasks/aws/clientFactory.js';
import { MemberRole } from '../../tasks/aws/memberRole.js';
import type { Policy } from '../../tasks/domain/policy.js';
import { tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { allPlaybooks, changeRoleActions, readRoleActions } from '../../tasks/playbooks/registry.js';
import { BY_KIND_INDEX } from '../../tasks/store/table.js';

export const LOCAL_NAMES = {
  table: 'rectify-local',
  approvalsTopic: 'rectify-approvals',
  escalationsTopic: 'rectify-escalations',
  notificationsQueue: 'rectify-local-notifications',
  policyParameter: '/rectify/policy',
  /** The member roles, by what a task does with the resource (docs/decisions/010). */
  memberRoles: { read: 'RectifyReadRole', change: 'RectifyRemediationRole' } satisfies Record<MemberRole, string>,
  approvalSecret: 'rectify/approval-signing-key',
  /** The workflow the local control plane runs (runtime.ts). */
  stateMachine: 'rectify-local',
} as const;

export interface LocalResources {
  readonly tableName: string;
  readonly approvalsTopicArn: string;
  readonly escalationsTopicArn: string;
  readonly notificationsQueueUrl: string;
  readonly approvalSecretArn: string;
}

/**
 * Create in the emulator what the admin stack deploys and the tasks use: the table, the two
 * topics (with a queue subscribed so the runner can show what was sent), the policy parameter,
 * and the two member roles (read and change) in each member account, each trusting the admin task
 * roles that act through it. Safe to run twice.
 */
export async function provisionLocal(
  adminAccount: string,
  memberAccounts: readonly string[],
  policy: Policy,
  region: string,
): Promise<LocalResources> {
  const ddb = adminClient(DynamoDBClient, region);
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: LOCAL_NAMES.table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'kind', AttributeType: 'S' },
          { AttributeName: 'at', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: BY_KIND_INDEX,
            KeySchema: [
              { AttributeName: 'kind', KeyType: 'HASH' },
              { AttributeName: 'at', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const sns = adminClient(SNSClient, region);
  const sqs = adminClient(SQSClient, region);
  const approvals = await sns.send(new CreateTopicCommand({ Name: LOCAL_NAMES.approvalsTopic }));
  const escalations = await sns.send(new CreateTopicCommand({ Name: LOCAL_NAMES.escalationsTopic }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: LOCAL_NAMES.notificationsQueue }));
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }));
  for (const topic of [approvals.TopicArn, escalations.TopicArn]) {
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: attributes.Attributes?.QueueArn }));
  }
  await adminClient(SSMClient, region).send(
    new PutParameterCommand({ Name: LOCAL_NAMES.policyParameter, Type: 'String', Value: JSON.stringify(policy), Overwrite: true }),
  );
  const tagReads = tagReadPermissionsFor(allPlaybooks());
  const actions: Record<MemberRole, string[]> = { read: readRoleActions(undefined, tagReads), change: changeRoleActions(undefined, tagReads) };
  const document = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
  for (const account of memberAccounts) {
    // The emulator needs a way into a fresh account; a real one has the member stack deployed.
    const iam = clientsFor(account, region, { memberRoleName: 'OrganizationAccountAccessRole', sameAccountShortcut: false, sessionName: 'rectify-provision' }).client(IAMClient);
    for (const role of Object.values(MemberRole)) {
      const roleName = LOCAL_NAMES.memberRoles[role];
      const trusted = memberFacingRoleNames(role).map((name) => `arn:aws:iam::${adminAccount}:role/${name}`);
      try {
        await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: document({ Principal: { AWS: trusted }, Action: 'sts:AssumeRole' }) }));
      } catch (error) {
        if ((error as Error).name !== 'EntityAlreadyExists' && (error as Error).name !== 'EntityAlreadyExistsException') throw error;
      }
      await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'rectify-playbooks', PolicyDocument: document({ Action: actions[role], Resource: '*' }) }));
    }
  }
  const secrets = adminClient(SecretsManagerClient, region);
  let approvalSecretArn: string;
  try {
    approvalSecretArn = (await secrets.send(new DescribeSecretCommand({ SecretId: LOCAL_NAMES.approvalSecret }))).ARN!;
  } catch {
    const created = await secrets.send(
      new CreateSecretCommand({ Name: LOCAL_NAMES.approvalSecret, SecretString: randomBytes(32).toString('base64url') }),
    );
    approvalSecretArn = created.ARN!;
  }
  return {
    approvalSecretArn,
    tableName: LOCAL_NAMES.table,
    approvalsTopicArn: approvals.TopicArn!,
    escalationsTopicArn: escalations.TopicArn!,
    notificationsQueueUrl: queue.QueueUrl!,
  };
}
