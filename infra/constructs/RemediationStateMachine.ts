import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RemediationWorkflow, TASK_HANDLERS, type RemediationFunctions } from '../../workflows/remediationWorkflow.js';
import { ESCALATIONS_TOPIC } from '../../workflows/taskState.js';

export interface RemediationStateMachineProps {
  readonly functions: RemediationFunctions;
  /** Encrypts the execution log group. */
  readonly logKey: kms.IKey;
  /** Where the workflow's NotifyEscalation states publish (their only call that is not a task function). */
  readonly escalations: sns.ITopic;
  /**
   * How long a person has to decide on an approval.
   * @default Duration.hours(24)
   */
  readonly approvalTimeout?: Duration;
  /**
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The per-finding Standard workflow (workflows/remediationWorkflow.ts) with every execution
 * event and its data logged to a KMS-encrypted log group, and X-Ray tracing.
 */
export class RemediationStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly workflow: RemediationWorkflow;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RemediationStateMachineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.workflow = new RemediationWorkflow(this, 'Workflow', {
      functions: props.functions,
      approvalTimeout: props.approvalTimeout ?? Duration.hours(24),
    });
    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      // The vendedlogs prefix keeps Step Functions from growing the account's log resource policy; the
      // stack's UUID keeps a retained group of a deleted stack from blocking a new deployment.
      logGroupName: `/aws/vendedlogs/states/${stack.stackName}-remediation-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Rectify: one execution per Security Hub finding (validate, decide, fix, verify, record; roll back and escalate on failure)',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(this.workflow.definition),
      definitionSubstitutions: { [ESCALATIONS_TOPIC]: props.escalations.topicArn },
      timeout: this.workflow.executionTimeout,
      // Every event, without its data: AwaitApproval's parameters hold the task token, a bearer credential
      // for the decision, and a log is read by more people than the execution history (docs/approvals.md).
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });

    // sns:Publish on the escalations topic, and what publishing to an encrypted topic takes of its key (not GenerateDataKey*).
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.escalations.topicArn] }));
    if (props.escalations.masterKey) {
      this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.escalations.masterKey.keyArn] }));
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs vended delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray (PutTraceSegments, ' +
        'GetSamplingRules, ...) do not support resource-level permissions; Step Functions needs them for logging ALL and tracing.',
    });
    for (const name of TASK_HANDLERS) {
      const cfn = props.functions[name].node.defaultChild as CfnElement | undefined;
      if (!cfn) continue;
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(cfn)}.Arn>:*]`,
        reason: `LambdaInvoke also grants the versions and aliases (":*") of the ${name} task function, and only of that function.`,
      });
    }
  }
}
