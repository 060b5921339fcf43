import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ErrorName, Outcome, StateName } from '../tasks/domain/constants.js';
import { lambdaTask, LAMBDA_TRANSIENT_ERRORS, publishToEscalations, taskPayload } from './taskState.js';

/** The task functions the workflow calls, by handler name. */
export interface RemediationFunctions {
  readonly validateFinding: IFunction;
  readonly loadPolicy: IFunction;
  readonly checkExemption: IFunction;
  readonly classifySeverity: IFunction;
  readonly requestApproval: IFunction;
  readonly remediate: IFunction;
  readonly verify: IFunction;
  readonly rollback: IFunction;
  readonly recordOutcome: IFunction;
  readonly escalate: IFunction;
}
export type TaskHandlerName = keyof RemediationFunctions;
export const TASK_HANDLERS: readonly TaskHandlerName[] = [
  'validateFinding', 'loadPolicy', 'checkExemption', 'classifySeverity', 'requestApproval',
  'remediate', 'verify', 'rollback', 'recordOutcome', 'escalate',
];

export interface RemediationWorkflowProps {
  readonly functions: RemediationFunctions;
  /**
   * How long a person has to decide before the request is escalated.
   * @default Duration.hours(24)
   */
  readonly approvalTimeout?: Duration;
  /**
   * How long Verify keeps re-reading the resource: attempts after the first.
   * @default 4 (5 s, 10 s, 20 s, 40 s before full jitter)
   */
  readonly verifyRetries?: number;
}

/**
 * The per-finding remediation workflow (DESIGN §2). Failure paths are built first, the
 * happy path is one `Chain` at the end, reading like the console's graph.
 *
 * Every state is a billed transition, so the paths are as short as the design allows
 * (docs/decisions/007): each outcome's Record task ends the execution (no Succeed state),
 * CheckExemption runs before ClassifySeverity (an exempt finding stops early), the guardrails
 * are part of ClassifySeverity (where approval is decided), and one Choice routes what follows.
 */
export class RemediationWorkflow extends Construct {
  readonly definition: sfn.IChainable;
  /** Upper bound of one execution: the approval wait plus time for everything else. */
  readonly executionTimeout: Duration;

  constructor(scope: Construct, id: string, props: RemediationWorkflowProps) {
    super(scope, id);
    const fn = props.functions;
    const approvalTimeout = props.approvalTimeout ?? Duration.hours(24);
    this.executionTimeout = Duration.seconds(approvalTimeout.toSeconds() + 2 * 3600);
    const recordFailed = new sfn.Fail(this, StateName.RecordFailed, {
      error: ErrorName.RecordFailed,
      cause: 'Recording the outcome failed after retries; the execution status rule keeps its record.',
    });
    // A Record task with no next state ends the execution: a Succeed state after it would be one more billed transition.
    const record = (id: string, outcome: Outcome | { path: string }) => {
      const task = lambdaTask(this, id, fn.recordOutcome, {
        resultPath: '$.recorded',
        extra: { outcome: typeof outcome === 'string' ? outcome : sfn.JsonPath.stringAt(outcome.path) },
      });
      task.addCatch(recordFailed, { resultPath: '$.recordError' });
      return task;
    };

    // --- Escalation: record it, tell people, then fail with the outcome's named error.
    const failWith = (id: string, error: ErrorName) => new sfn.Fail(this, id, { error, causePath: '$.escalation.reason' });
    const route = new sfn.Choice(this, StateName.EscalationRoute)
      .when(sfn.Condition.stringEquals('$.escalation.outcome', Outcome.FAILED_ROLLED_BACK), failWith(StateName.RemediationFailed, ErrorName.RemediationFailed))
      .when(sfn.Condition.stringEquals('$.escalation.outcome', Outcome.FAILED_ROLLBACK_FAILED), failWith(StateName.RollbackFailed, ErrorName.RollbackFailed))
      .when(sfn.Condition.stringEquals('$.escalation.outcome', Outcome.APPROVAL_TIMED_OUT), failWith(StateName.ApprovalTimedOut, ErrorName.ApprovalTimedOut))
      .when(sfn.Condition.stringEquals('$.escalation.outcome', Outcome.FLAP_GUARDED), failWith(StateName.FlapGuarded, ErrorName.FlapGuarded))
      .otherwise(failWith(StateName.SafetyCheckFailed, ErrorName.SafetyCheckFailed));
    const escalate = lambdaTask(this, StateName.Escalate, fn.escalate, { resultPath: '$.escalation' });
    // Escalate writes the finding, ticket and audit and returns the email; Step Functions publishes it (docs/decisions/035).
    const notify = publishToEscalations(this, StateName.NotifyEscalation, {
      subject: { path: '$.escalation.notification.subject' },
      message: { path: '$.escalation.notification.message' },
    });
    notify.addCatch(route, { resultPath: '$.notifyError' });
    // Escalate itself failed: people are still told, from what the state holds (the outcome and its reason).
    const notifyEscalateFailed = publishToEscalations(this, StateName.NotifyEscalateFailed, {
      subject: { format: "States.Format('[Rectify] {} and escalating it failed', $.escalation.outcome)" },
      message: {
        format:
          "States.Format('Rectify {} in execution {}. Reason: {}. Escalating it failed too ({}: {}), so the finding and the audit table may not say so. Look at the execution now.', $.escalation.outcome, $$.Execution.Name, $.escalation.reason, $.escalateError.Error, $.escalateError.Cause)",
      },
    });
    notifyEscalateFailed.addCatch(route, { resultPath: '$.notifyError' });
    escalate.addCatch(notifyEscalateFailed, { resultPath: '$.escalateError' });
    escalate.next(notify);
    notify.next(route);
    notifyEscalateFailed.next(route);
    const mark = (id: string, outcome: Outcome, reason: string) =>
      new sfn.Pass(this, id, { result: sfn.Result.fromObject({ outcome, reason }), resultPath: '$.escalation' }).next(escalate);
    const safetyCheckFailed = mark(StateName.MarkSafetyCheckFailed, Outcome.ESCALATED, 'a safety check could not decide, so nothing was changed');
    const approvalTimedOut = mark(StateName.MarkApprovalTimedOut, Outcome.APPROVAL_TIMED_OUT, `nobody decided within ${approvalTimeout.toHumanString()}; nothing was changed`);
    const flapGuarded = mark(StateName.MarkFlapGuarded, Outcome.FLAP_GUARDED, 'the resource keeps returning to non-compliance, so it is not fixed again');
    const rollbackFailed = mark(StateName.MarkRollbackFailed, Outcome.FAILED_ROLLBACK_FAILED, 'the change failed and restoring the snapshot failed too');
    const planChanged = mark(StateName.MarkPlanChanged, Outcome.ESCALATED, 'the plan changed after it was approved, and the policy says escalate; nothing was changed');
    const planFailed = mark(StateName.MarkPlanFailed, Outcome.ESCALATED, 'the dry-run plan could not be made; nothing was changed');

    // --- Compensation: restore the snapshot, check it, escalate.
    const rollback = lambdaTask(this, StateName.Rollback, fn.rollback, { resultPath: '$.escalation', timeout: Duration.minutes(5) });
    rollback.addCatch(rollbackFailed, { resultPath: '$.rollbackError' });
    rollback.next(escalate);

    // --- Phases of the happy path, each with its own way out.
    // From here on the state is the normalised request, not the raw finding (which can be up to
    // 240 KB: carried along, it would be logged with every state and could pass the 256 KB state limit).
    const validate = lambdaTask(this, StateName.ValidateFinding, fn.validateFinding, { resultPath: '$' });
    const recordInvalid = record(StateName.RecordInvalid, Outcome.INVALID).next(
      new sfn.Fail(this, StateName.InvalidFinding, { error: ErrorName.InvalidFinding, causePath: '$.error.Cause' }),
    );
    validate.addCatch(recordInvalid, { errors: [ErrorName.InvalidFinding, 'TaskInputInvalid'], resultPath: '$.error' });
    validate.addCatch(safetyCheckFailed, { resultPath: '$.error' });

    const loadPolicy = lambdaTask(this, StateName.LoadPolicy, fn.loadPolicy, { resultPath: '$.policy' });
    loadPolicy.addCatch(safetyCheckFailed, { resultPath: '$.error' });
    const checkExemption = lambdaTask(this, StateName.CheckExemption, fn.checkExemption, { resultPath: '$.exemption' });
    checkExemption.addCatch(safetyCheckFailed, { resultPath: '$.error' });
    // Risk, and the guardrails that can turn an automatic change into an approval or stop it.
    const classify = lambdaTask(this, StateName.ClassifySeverity, fn.classifySeverity, { resultPath: '$.risk' });
    // Changes to one resource are serialised across controls: wait for the other change (about 2 h at most), then escalate.
    classify.addRetry({ errors: [ErrorName.ResourceBusy], interval: Duration.seconds(30), maxAttempts: 25, backoffRate: 1.5, maxDelay: Duration.minutes(5), jitterStrategy: sfn.JitterType.FULL });
    classify.addCatch(flapGuarded, { errors: [ErrorName.FlapGuarded], resultPath: '$.error' });
    classify.addCatch(safetyCheckFailed, { resultPath: '$.error' });

    const awaitApproval = new tasks.LambdaInvoke(this, StateName.AwaitApproval, {
      lambdaFunction: fn.requestApproval,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject(taskPayload({ taskToken: sfn.JsonPath.taskToken })),
      resultPath: '$.approval',
      taskTimeout: sfn.Timeout.duration(approvalTimeout),
      retryOnServiceExceptions: false,
    });
    awaitApproval.addRetry({ errors: [ErrorName.Throttled, ...LAMBDA_TRANSIENT_ERRORS], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    awaitApproval.addCatch(record(StateName.RecordRejected, Outcome.REJECTED), { errors: [ErrorName.ApprovalRejected], resultPath: '$.error' });
    awaitApproval.addCatch(approvalTimedOut, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.error' });
    // mode off while the request waited: the approval endpoint cancels it (docs/decisions/009).
    const recordSkippedAtChange = record(StateName.RecordSkippedAtChange, Outcome.POLICY_SKIPPED);
    awaitApproval.addCatch(recordSkippedAtChange, { errors: [ErrorName.SkippedAtChange], resultPath: '$.error' });
    awaitApproval.addCatch(safetyCheckFailed, { resultPath: '$.error' });

    // Dry-run: the same Remediate function, which plans and changes nothing when the policy says dry-run.
    const planDryRun = lambdaTask(this, StateName.PlanDryRun, fn.remediate, { resultPath: '$.remediation', timeout: Duration.minutes(5) });
    planDryRun.addCatch(planFailed, { resultPath: '$.error' });
    const remediate = lambdaTask(this, StateName.Remediate, fn.remediate, { resultPath: '$.remediation', timeout: Duration.minutes(5) });
    // The re-check at the moment of change (docs/decisions/009): each way out changes nothing.
    remediate.addCatch(record(StateName.RecordExemptAtChange, Outcome.EXEMPT), { errors: [ErrorName.ExemptAtChange], resultPath: '$.error' });
    remediate.addCatch(recordSkippedAtChange, { errors: [ErrorName.SkippedAtChange], resultPath: '$.error' });
    remediate.addCatch(awaitApproval, { errors: [ErrorName.ApprovalNeeded], resultPath: '$.reapproval' });
    remediate.addCatch(planChanged, { errors: [ErrorName.PlanChanged], resultPath: '$.error' });
    remediate.addCatch(rollback, { resultPath: '$.error' });
    const verify = lambdaTask(this, StateName.Verify, fn.verify, { resultPath: '$.verification' });
    verify.addRetry({
      errors: [ErrorName.NotYetCompliant],
      interval: Duration.seconds(5),
      maxAttempts: props.verifyRetries ?? 4,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    verify.addCatch(rollback, { resultPath: '$.error' });

    const change = remediate.next(verify).next(record(StateName.RecordSuccess, Outcome.REMEDIATED));
    const howToProceed = new sfn.Choice(this, StateName.HowToProceed)
      .when(sfn.Condition.booleanEquals('$.risk.duplicate', true), record(StateName.RecordDuplicate, Outcome.DUPLICATE))
      .when(sfn.Condition.booleanEquals('$.policy.dryRun', true), planDryRun.next(record(StateName.RecordDryRun, Outcome.DRY_RUN)))
      .when(sfn.Condition.booleanEquals('$.risk.approvalRequired', true), awaitApproval.next(change))
      .otherwise(change);
    const exemptionGate = new sfn.Choice(this, StateName.IsExempt)
      .when(sfn.Condition.booleanEquals('$.exemption.exempt', true), record(StateName.RecordExempt, Outcome.EXEMPT))
      .otherwise(classify.next(howToProceed));
    const policyGate = new sfn.Choice(this, StateName.ShouldProceed)
      .when(sfn.Condition.booleanEquals('$.policy.proceed', false), record(StateName.RecordSkipped, { path: '$.policy.outcome' }))
      .otherwise(checkExemption.next(exemptionGate));

    this.definition = sfn.Chain.start(validate).next(loadPolicy).next(policyGate);
  }
}
