import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CUSTOM_ACTION } from '../../tasks/domain/constants.js';

export interface FindingSourcesProps {
  /** Where both rules send their events. */
  readonly queue: sqs.IQueue;
  /**
   * Workflow statuses of imported findings that start a remediation.
   * @default ['NEW', 'NOTIFIED']
   */
  readonly workflowStatuses?: readonly string[];
  /**
   * Statuses (OCSF `status`) of Security Hub findings (`Findings Imported V2`) that start a
   * remediation; `In Progress` is what Rectify sets on a finding it did not resolve, as NOTIFIED in ASFF.
   * @default ['New', 'In Progress']
   */
  readonly ocsfStatuses?: readonly string[];
  /**
   * Create the custom action with CloudFormation. Turn off in regions where CloudFormation
   * does not offer AWS::SecurityHub::ActionTarget, and create it with the Security Hub API
   * (`aws securityhub create-action-target`) using the same id; the rule matches it either way.
   * @default true
   */
  readonly createActionTarget?: boolean;
}

/**
 * The ways a finding reaches Rectify (DESIGN §2): automatically, when Security Hub CSPM imports a
 * failed, active ASFF finding or Security Hub a failed, active OCSF control finding (both hubs may
 * be on: docs/decisions/020); manually, from the `Rectify: remediate` custom action.
 */
export class FindingSources extends Construct {
  /** Present when `createActionTarget` is on. */
  readonly actionTarget?: securityhub.CfnActionTarget;
  /** ARN of the custom action, whether created here or through the API. */
  readonly actionTargetArn: string;
  readonly importedRule: events.Rule;
  /** `Findings Imported V2` from the new Security Hub: OCSF Compliance Findings (class 2003). */
  readonly importedV2Rule: events.Rule;
  readonly customActionRule: events.Rule;

  constructor(scope: Construct, id: string, props: FindingSourcesProps) {
    super(scope, id);
    const target = new targets.SqsQueue(props.queue);

    this.importedRule = new events.Rule(this, 'ImportedFindings', {
      description: 'Failed, active Security Hub findings that nobody has resolved or suppressed',
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Compliance: { Status: ['FAILED'] },
            RecordState: ['ACTIVE'],
            Workflow: { Status: [...(props.workflowStatuses ?? ['NEW', 'NOTIFIED'])] },
          },
        },
      },
      targets: [target],
    });

    this.importedV2Rule = new events.Rule(this, 'ImportedFindingsV2', {
      description: 'Failed, active Security Hub (OCSF) control findings that nobody has resolved or suppressed',
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Findings Imported V2'],
        detail: {
          findings: {
            class_uid: [2003],
            compliance: { status: ['Fail'] },
            // Closed findings have activity Close; Suppressed and Resolved ones are left out by status.
            activity_name: [{ 'anything-but': ['Close'] }],
            status: [...(props.ocsfStatuses ?? ['New', 'In Progress'])],
          },
        },
      },
      targets: [target],
    });

    if (props.createActionTarget ?? true) {
      this.actionTarget = new securityhub.CfnActionTarget(this, 'RemediateAction', {
        id: CUSTOM_ACTION.id,
        name: CUSTOM_ACTION.name,
        description: CUSTOM_ACTION.description,
      });
      this.actionTargetArn = this.actionTarget.attrActionTargetArn;
    } else {
      const { partition, region, account } = Stack.of(this);
      this.actionTargetArn = `arn:${partition}:securityhub:${region}:${account}:action/custom/${CUSTOM_ACTION.id}`;
    }
    this.customActionRule = new events.Rule(this, 'CustomAction', {
      description: `Findings sent to Rectify with the Security Hub custom action "${CUSTOM_ACTION.name}"`,
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Custom Action'],
        resources: [this.actionTargetArn],
      },
      targets: [target],
    });
  }
}
