import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOM_ACTION, Mode } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { BY_KIND_INDEX } from '../../tasks/store/table.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { APPROVAL_REQUEST_ROLE_NAME, CHANGE_TASK_ROLE_NAME, CLASSIFY_TASK_ROLE_NAME, REMEDIATION_TASK_ROLE_NAME } from '../../infra/names.js';
import { tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { isReadAction } from '../../tasks/playbooks/readActions.js';
import { allPlaybooks, changeRoleActions } from '../../tasks/playbooks/registry.js';
import { passedRoles } from '../../infra/passedRoles.js';
import { EXECUTION_STATUS_ACCESS, TASK_ACCESS } from '../../infra/taskAccess.js';
import { TASK_HANDLERS } from '../../workflows/remediationWorkflow.js';
import { removeOutdirs, templatesFor } from './testApp.js';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('RectifyAdminStack', () => {
  let template: Template;
  let resources: Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const keyArn = () => ({ 'Fn::GetAtt': [ofType('AWS::KMS::Key')[0]![0], 'Arn'] });
  /** Lambda functions by their RECTIFY_HANDLER. */
  const functions = () =>
    new Map(ofType('AWS::Lambda::Function').map(([id, r]) => [r.Properties.Environment.Variables[TaskEnv.handler] as string, { id, ...r }]));
  /** Every statement of every policy attached to a role (by logical id). */
  const statementsOfRole = (roleId: string): Statement[] =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
  const roleOf = (handler: string) => (functions().get(handler)!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const actionsOfRole = (roleId: string) => [...new Set(statementsOfRole(roleId).flatMap(actionsOf))].sort();

  beforeAll(() => {
    template = templatesFor({ approvalEmails: ['secops@example.com'], escalationEmails: ['oncall@example.com'] }).admin;
    resources = template.toJSON().Resources as Resources;
  });
  afterAll(removeOutdirs);

  describe('data at rest and in transit', () => {
    it('generates the approval-link signing key in Secrets Manager, encrypted with the CMK', () => {
      // Assess
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        KmsKeyId: keyArn(),
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      });
    });

    it('uses one customer-managed key with rotation, on which only AWS services create grants', () => {
      // Assess
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'GrantsOnlyForAwsServices',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:CreateGrant',
              Resource: '*',
              Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
            },
          ]),
        },
      });
    });

    it('keeps the table with PITR, the CMK, a ttl attribute, pk/sk keys and the byKind index, and retains it', () => {
      // Assess
      template.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
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
          Replicas: [
            Match.objectLike({
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
              SSESpecification: { KMSMasterKeyId: keyArn() },
            }),
          ],
        }),
      });
    });

    it('encrypts both topics with the CMK and denies publishing without TLS', () => {
      // Prepare
      const topics = ofType('AWS::SNS::Topic');

      // Assess
      expect(topics).toHaveLength(2);
      for (const [id, topic] of topics) {
        expect(topic.Properties.KmsMasterKeyId).toEqual(keyArn());
        template.hasResourceProperties('AWS::SNS::TopicPolicy', {
          Topics: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com' });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    });

    it('encrypts the intake queue, its DLQ and the execution-status DLQ with the CMK, TLS only; intake redrives after 5 receives, the others are marked dead-letter queues', () => {
      // Prepare
      const queues = ofType('AWS::SQS::Queue');
      const intake = queues.find(([, q]) => q.Properties.RedrivePolicy)!;
      const intakeTimeout = functions().get('intake')!.Properties.Timeout as number;

      // Assess
      expect(queues).toHaveLength(3);
      for (const [id, queue] of queues) {
        expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn());
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
      expect(intake[1].Properties.RedrivePolicy.maxReceiveCount).toBe(5);
      // The two others are dead-letter queues, and say so.
      expect(queues.filter(([, q]) => q !== intake[1]).map(([, q]) => q.Properties.RedriveAllowPolicy)).toEqual([
        { redrivePermission: 'allowAll' },
        { redrivePermission: 'allowAll' },
      ]);
      expect(intake[1].Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * intakeTimeout);
    });

    it('logs every execution event, without its data (the task token), to a CMK-encrypted log group, with tracing', () => {
      // Prepare
      const [, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;
      const logGroupId = machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];

      // Assess
      expect(machine.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
        TracingConfiguration: { Enabled: true },
      });
      expect(resources[logGroupId]!.Properties).toMatchObject({ KmsKeyId: keyArn(), RetentionInDays: 365 });
    });
  });

  describe('functions', () => {
    it('builds the ten tasks, the execution-status function, intake and the approval endpoint for Node 22 on ARM, traced, with their own encrypted log groups', () => {
      // Prepare
      const byHandler = functions();

      // Assess
      expect([...byHandler.keys()].sort()).toEqual([...TASK_HANDLERS, 'executionStatus', 'intake', 'approval'].sort());
      for (const [, fn] of byHandler) {
        expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
        expect(resources[logGroupId]!.Properties).toMatchObject({ KmsKeyId: keyArn(), RetentionInDays: 365 });
      }
    });

    it('gives every task, the execution-status and the approval function the environment its configuration needs', () => {
      // Prepare
      const perFunction: string[] = [TaskEnv.stateMachineArn, TaskEnv.approvalSecretArn];
      const required = Object.values(TaskEnv).filter((name) => !perFunction.includes(name));
      const [secretId] = ofType('AWS::SecretsManager::Secret')[0]!;

      // Assess
      for (const handler of [...TASK_HANDLERS, 'executionStatus', 'approval']) {
        const env = functions().get(handler)!.Properties.Environment.Variables as Record<string, unknown>;
        expect(Object.keys(env)).toEqual(expect.arrayContaining(required));
        expect(env[TaskEnv.handler]).toBe(handler);
        expect(env[TaskEnv.sameAccountShortcut]).toBe('false');
        expect(env[TaskEnv.approvalTimeoutSeconds]).toBe('86400');
        // Only the functions that sign and verify approval links learn where the key is.
        const signsOrVerifies = handler === 'requestApproval' || handler === 'approval';
        expect(env[TaskEnv.approvalSecretArn]).toEqual(signsOrVerifies ? { Ref: secretId } : undefined);
      }
      const intakeEnv = functions().get('intake')!.Properties.Environment.Variables as Record<string, unknown>;
      expect(intakeEnv[TaskEnv.stateMachineArn]).toEqual({ Ref: ofType('AWS::StepFunctions::StateMachine')[0]![0] });
    });

    it('consumes the intake queue in batches of 10, reporting failed messages alone', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FunctionName: { Ref: functions().get('intake')!.id },
      });
    });
  });

  describe('least privilege', () => {
    it('lets intake start executions of this state machine and nothing else', () => {
      // Prepare
      const statements = statementsOfRole(roleOf('intake'));
      const machineId = ofType('AWS::StepFunctions::StateMachine')[0]![0];

      // Assess
      expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('states:')))).toEqual([
        expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: machineId } }),
      ]);
      expect(actionsOfRole(roleOf('intake'))).toEqual([
        'kms:Decrypt',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'states:StartExecution',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });

    it('runs checkExemption and verify under the shared fixed-name role, remediate and rollback under the change task role, requestApproval and classifySeverity under their own, the rest under a role each', () => {
      // Prepare
      const memberFacing = TASK_HANDLERS.filter((h) => TASK_ACCESS[h].actsOnMembers);
      const others = TASK_HANDLERS.filter((h) => !TASK_ACCESS[h].actsOnMembers);
      const nameOf = (handler: string) => resources[roleOf(handler)]!.Properties.RoleName as string | undefined;

      // Act
      const fixedRoles = new Set(memberFacing.map(roleOf));
      const otherRoles = new Set([...others, 'intake', 'approval'].map(roleOf));

      // Assess
      expect([...memberFacing].sort()).toEqual(['checkExemption', 'classifySeverity', 'remediate', 'requestApproval', 'rollback', 'verify']);
      expect(Object.fromEntries(memberFacing.map((h) => [h, nameOf(h)]))).toEqual({
        checkExemption: REMEDIATION_TASK_ROLE_NAME,
        verify: REMEDIATION_TASK_ROLE_NAME,
        classifySeverity: CLASSIFY_TASK_ROLE_NAME,
        requestApproval: APPROVAL_REQUEST_ROLE_NAME,
        remediate: CHANGE_TASK_ROLE_NAME,
        rollback: CHANGE_TASK_ROLE_NAME,
      });
      expect(fixedRoles.size).toBe(4);
      expect(otherRoles.size).toBe(others.length + 2);
      expect([...otherRoles].some((r) => fixedRoles.has(r))).toBe(false);
    });

    it('lets only the change task role assume the member change role, the three read-side roles only the member read role', () => {
      // Prepare
      const assume = (roleId: string) => statementsOfRole(roleId).filter((s) => actionsOf(s).includes('sts:AssumeRole'));

      // Assess
      for (const handler of ['remediate', 'rollback']) {
        expect(assume(roleOf(handler)).map((s) => s.Resource)).toEqual(['arn:aws:iam::*:role/RectifyRemediationRole']);
      }
      for (const handler of ['checkExemption', 'verify', 'requestApproval', 'classifySeverity']) {
        expect(assume(roleOf(handler)).map((s) => s.Resource), handler).toEqual(['arn:aws:iam::*:role/RectifyReadRole']);
      }
      for (const handler of ['validateFinding', 'loadPolicy', 'recordOutcome', 'escalate', 'intake', 'approval']) {
        expect(assume(roleOf(handler))).toEqual([]);
      }
    });

    it('grants each task role exactly the actions its handlers call', () => {
      // Prepare
      const base = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
      const settle = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
      const expected: Record<string, string[]> = {
        // Re-reads the finding from Security Hub: the event is a pointer (docs/decisions/008).
        validateFinding: [...base, 'dynamodb:PutItem', 'securityhub:GetFindings'],
        loadPolicy: [...base, 'dynamodb:PutItem', 'ssm:GetParameter'],
        // Reads the finding again before a write that does not resolve it (its twin may have resolved it: docs/decisions/020).
        recordOutcome: [...base, ...settle, 'securityhub:BatchImportFindings', 'securityhub:BatchUpdateFindings', 'securityhub:GetFindings'],
        // Reads the policy for its ticketing connector and opens tickets in the new Security Hub (docs/decisions/020).
        escalate: [...base, ...settle, 'securityhub:BatchImportFindings', 'securityhub:BatchUpdateFindings', 'securityhub:CreateTicketV2', 'securityhub:GetFindings', 'sns:Publish'],
        // Its own role: tags through the member read role, then the guardrails' items and the budget alert.
        classifySeverity: [...base, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sns:Publish', 'sts:AssumeRole'],
        // The shared role of checkExemption and verify (the member read role): the register and the audit, no signing key, no topic.
        checkExemption: [...base, 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'sts:AssumeRole'],
        // The change task role of remediate and rollback (the member change role): no signing key, no topic.
        // Remediate re-reads the finding and the policy at the moment of change (docs/decisions/009).
        remediate: [...base, 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'securityhub:GetFindings', 'ssm:GetParameter', 'sts:AssumeRole'],
        requestApproval: [...base, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue', 'sns:Publish', 'sts:AssumeRole'],
        approval: [
          ...base,
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'secretsmanager:GetSecretValue',
          // mode off cancels waiting approvals.
          'ssm:GetParameter',
          'states:SendTaskFailure',
          'states:SendTaskSuccess',
        ],
        // Reads the audit trail, records the stop, releases the lock, tells people; dead-letters failed invocations.
        executionStatus: [...base, 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Query', 'sns:Publish', 'sqs:SendMessage'],
      };

      // Act
      const actual = Object.fromEntries(Object.keys(expected).map((h) => [h, actionsOfRole(roleOf(h))]));

      // Assess
      expect(actual).toEqual(Object.fromEntries(Object.entries(expected).map(([h, a]) => [h, [...a].sort()])));
      expect(roleOf('verify')).toBe(roleOf('checkExemption'));
      expect(roleOf('rollback')).toBe(roleOf('remediate'));
    });

    it('scopes the Security Hub actions to the two hubs of this account and region, and tickets to its connectors', () => {
      // Prepare
      const resourcesOf = (handler: string, action: string) =>
        statementsOfRole(roleOf(handler))
          .filter((s) => actionsOf(s).includes(action))
          .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
          .map((r) => JSON.stringify(r));
      const hubs = [':hub/default', ':hubv2/*'];

      // Assess
      for (const [handler, action] of [['validateFinding', 'securityhub:GetFindings'], ['remediate', 'securityhub:GetFindings'], ['recordOutcome', 'securityhub:BatchUpdateFindings'], ['recordOutcome', 'securityhub:GetFindings'], ['escalate', 'securityhub:BatchUpdateFindings'], ['escalate', 'securityhub:GetFindings']] as const) {
        const resources = resourcesOf(handler, action);
        expect(resources, `${handler} ${action}`).toHaveLength(2);
        hubs.forEach((hub, i) => expect(resources[i], `${handler} ${action}`).toContain(hub));
      }
      const tickets = resourcesOf('escalate', 'securityhub:CreateTicketV2');
      expect(tickets).toHaveLength(1);
      expect(tickets[0]).toContain(':connectorv2/*');
      expect(resourcesOf('recordOutcome', 'securityhub:CreateTicketV2')).toEqual([]);
    });

    it('scopes each task\'s publishing to its own topic', () => {
      // Prepare
      const topicOf = (handler: string) =>
        statementsOfRole(roleOf(handler))
          .filter((s) => actionsOf(s).includes('sns:Publish'))
          .map((s) => (s.Resource as { Ref: string }).Ref);

      // Assess
      expect(topicOf('requestApproval')).toEqual([expect.stringMatching(/^Approvals/)]);
      expect(topicOf('escalate')).toEqual([expect.stringMatching(/^Escalations/)]);
      expect(topicOf('executionStatus')).toEqual([expect.stringMatching(/^Escalations/)]);
    });

    it('grants table actions on the table alone, never on its indexes (no task queries them)', () => {
      // Prepare
      const [tableId] = ofType('AWS::DynamoDB::GlobalTable')[0]!;
      const tableStatements = ofType('AWS::IAM::Policy')
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
        .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

      // Assess
      expect(tableStatements.length).toBeGreaterThan(0);
      for (const statement of tableStatements) {
        expect(statement.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
      }
    });
  });

  describe('execution-status rule', () => {
    it('sends this state machine\'s FAILED, TIMED_OUT and ABORTED executions to the executionStatus function, retried and dead-lettered', () => {
      // Prepare
      const machineId = ofType('AWS::StepFunctions::StateMachine')[0]![0];
      const fn = functions().get('executionStatus')!;
      const [dlqId] = ofType('AWS::SQS::Queue').find(([id]) => id.startsWith('ExecutionStatus'))!;

      // Assess
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] },
        },
        Targets: [
          {
            Id: Match.anyValue(),
            Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
          },
        ],
      });
      // An invocation whose handler keeps failing (Lambda's own async retries) lands in the same queue.
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fn.id },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: dlqId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
          ]),
        },
      });
      expect(fn.Properties.Timeout).toBe(EXECUTION_STATUS_ACCESS.timeout.toSeconds());
    });
  });

  describe('log groups', () => {
    it('gives every log group of the stack a retention and the CMK', () => {
      // Prepare
      const groups = ofType('AWS::Logs::LogGroup');

      // Assess: one per function, the state machine's, and the approval API's access and execution logs
      expect(groups.length).toBe(ofType('AWS::Lambda::Function').length + 3);
      for (const [id, group] of groups) {
        expect({ id, retention: group.Properties.RetentionInDays, key: group.Properties.KmsKeyId }).toEqual({ id, retention: 365, key: keyArn() });
        expect(group.DeletionPolicy).toBe('Retain');
      }
    });
  });

  describe('intake sources and policy', () => {
    it('routes failed, active, unresolved imported findings to the intake queue', () => {
      // Assess
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.securityhub'],
          'detail-type': ['Security Hub Findings - Imported'],
          detail: {
            findings: { Compliance: { Status: ['FAILED'] }, RecordState: ['ACTIVE'], Workflow: { Status: ['NEW', 'NOTIFIED'] } },
          },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeQueue'), 'Arn'] } })],
      });
    });

    it('routes failed, active, open Security Hub (OCSF) control findings to the intake queue too', () => {
      // Assess
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.securityhub'],
          'detail-type': ['Findings Imported V2'],
          detail: {
            findings: {
              class_uid: [2003],
              compliance: { status: ['Fail'] },
              activity_name: [{ 'anything-but': ['Close'] }],
              status: ['New', 'In Progress'],
            },
          },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeQueue'), 'Arn'] } })],
      });
    });

    it('creates the custom action and routes its events to the intake queue', () => {
      // Prepare
      const [actionId] = ofType('AWS::SecurityHub::ActionTarget')[0]!;

      // Assess
      template.hasResourceProperties('AWS::SecurityHub::ActionTarget', {
        Id: CUSTOM_ACTION.id,
        Name: CUSTOM_ACTION.name,
        Description: CUSTOM_ACTION.description,
      });
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.securityhub'],
          'detail-type': ['Security Hub Findings - Custom Action'],
          resources: [{ 'Fn::GetAtt': [actionId, 'ActionTargetArn'] }],
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeQueue'), 'Arn'] } })],
      });
    });

    it('writes the default policy in dry-run to /rectify/policy', () => {
      // Prepare
      const [, parameter] = ofType('AWS::SSM::Parameter')[0]!;

      // Act
      const policy = PolicySchema.parse(JSON.parse(parameter.Properties.Value as string));

      // Assess
      expect(parameter.Properties).toMatchObject({ Name: '/rectify/policy', Type: 'String' });
      expect(policy.mode).toBe(Mode.DRY_RUN);
      expect(policy).toEqual(PolicySchema.parse({}));
    });

    it('outputs what operators and the CLI look up', () => {
      // Assess
      expect(Object.keys(template.toJSON().Outputs)).toEqual(
        expect.arrayContaining(['StateMachineArn', 'TableName', 'ApprovalsTopicArn', 'EscalationsTopicArn', 'ApprovalBaseUrl']),
      );
    });
  });

  describe('options', () => {
    it('writes initialMode and policy overrides into the parameter', () => {
      // Prepare
      const { admin } = templatesFor({ initialMode: 'approve-all', policy: { controls: { 'EC2.19': 'off' } } });

      // Act
      const [parameter] = Object.values(admin.findResources('AWS::SSM::Parameter'));
      const policy = JSON.parse((parameter as { Properties: { Value: string } }).Properties.Value);

      // Assess
      expect(policy).toMatchObject({ mode: 'approve-all', controls: { 'EC2.19': 'off' } });
    });

    it('narrows AssumeRole to the member accounts and grants the playbooks here with the same-account shortcut', () => {
      // Prepare
      const { admin } = templatesFor({ adminAccount: '111111111111', memberAccounts: ['222222222222'], sameAccountShortcut: true, createCustomAction: false });
      const json = admin.toJSON() as { Resources: Resources };
      const policies = Object.values(json.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

      const managed = Object.values(json.Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
      const shortcut = managed.filter((p) => String(p.Properties.Description).includes('Remediate and Rollback'));
      const readShortcut = managed.filter((p) => String(p.Properties.Description).includes('only look'));
      const statementsIn = (found: typeof managed) => found.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
      const roleNameOf = (ref: { Ref: string }) => json.Resources[ref.Ref]!.Properties.RoleName as string;

      // Assess
      expect(statements.filter((s) => actionsOf(s).includes('sts:AssumeRole')).map((s) => s.Resource).sort()).toEqual([
        'arn:aws:iam::222222222222:role/RectifyReadRole',
        'arn:aws:iam::222222222222:role/RectifyReadRole',
        'arn:aws:iam::222222222222:role/RectifyReadRole',
        'arn:aws:iam::222222222222:role/RectifyRemediationRole',
      ]);
      // The playbooks' statements as customer managed policies (off the roles' inline budget), every action once.
      expect(shortcut.length).toBeGreaterThan(0);
      const granting = (found: typeof managed) => statementsIn(found).filter((s) => s.Effect !== 'Deny');
      // (iam:PassRole sits in one statement per service it is passed to.)
      expect([...new Set(granting(shortcut).flatMap(actionsOf))].sort()).toEqual(changeRoleActions(allPlaybooks(), tagReadPermissionsFor(allPlaybooks())));
      // Never Rectify's own policies (under /rectify/): the change task role may edit the account's customer managed policies (IAM.1).
      expect(managed.every((p) => p.Properties.Path === '/rectify/')).toBe(true);
      expect(statementsIn(shortcut).filter((s) => s.Effect === 'Deny')).toEqual([
        expect.objectContaining({ Sid: 'NeverEditRectifysOwnPolicies', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/rectify/*' } }),
      ]);
      for (const policy of shortcut) expect((policy.Properties.Roles as { Ref: string }[]).map(roleNameOf)).toEqual([CHANGE_TASK_ROLE_NAME]);
      // Scoped as the member roles are (tasks/playbooks/resourceScopes.ts), in this account: `*` only for what IAM cannot scope.
      const resourceOf = (action: string) => statementsIn(shortcut).find((s) => actionsOf(s).includes(action))!.Resource;
      expect(resourceOf('ec2:RevokeSecurityGroupIngress')).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:security-group/*' });
      expect(resourceOf('ec2:DescribeSecurityGroups')).toBe('*');
      // The read-side roles get only the read actions here, as the member read role would give them.
      expect(readShortcut.length).toBeGreaterThan(0);
      for (const policy of readShortcut) {
        expect((policy.Properties.Roles as { Ref: string }[]).map(roleNameOf).sort()).toEqual([APPROVAL_REQUEST_ROLE_NAME, CLASSIFY_TASK_ROLE_NAME, REMEDIATION_TASK_ROLE_NAME]);
      }
      const readActions = statementsIn(readShortcut).flatMap(actionsOf);
      expect(readActions.length).toBeGreaterThan(0);
      expect(readActions.filter((a) => !isReadAction(a))).toEqual([]);
      // No member stack runs here under the shortcut: the runbook playbooks' automation role is made in this stack,
      // assumable only by SSM Automation of this account, and passable only to SSM.
      const automation = Object.values(json.Resources).filter((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'RectifyAutomationRole');
      expect(automation).toHaveLength(1);
      expect(automation[0]!.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'ssm.amazonaws.com' },
          Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': '111111111111' } }),
        }),
      ]);
      // iam:PassRole: one statement per service, each on exact role ARNs (or a rectify-<purpose>-* prefix of roles a playbook
      // creates per region) and only to that service: the runbooks' automation role to SSM, the roles playbooks pass (infra/passedRoles.ts).
      const passable = [{ roleName: 'RectifyAutomationRole', service: 'ssm.amazonaws.com' }, ...passedRoles(allPlaybooks())].sort((a, b) => a.service.localeCompare(b.service));
      expect(passable.map((p) => p.service)).toEqual(['cloudtrail.amazonaws.com', 'config.amazonaws.com', 'ssm.amazonaws.com', 'vpc-flow-logs.amazonaws.com']);
      expect([...statements, ...statementsIn(managed)].filter((s) => actionsOf(s).includes('iam:PassRole'))).toEqual(
        passable.map(({ roleName, service }) =>
          expect.objectContaining({ Resource: `arn:aws:iam::111111111111:role/${roleName}`, Condition: { StringEquals: { 'iam:PassedToService': service } } }),
        ),
      );
      admin.resourceCountIs('AWS::SecurityHub::ActionTarget', 0);
      admin.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({
          resources: ['arn:aws:securityhub:us-east-1:111111111111:action/custom/RectifyRemediate'],
        }),
      });
    });
  });
});
