import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorName, Outcome, StateName } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { TASK_HANDLERS, type TaskHandlerName } from '../../workflows/remediationWorkflow.js';
import { ESCALATIONS_TOPIC } from '../../workflows/taskState.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { buildLocalDefinition, substituteDefinition } from '../../workflows/local/definition.js';
import type { TaskHandler } from '../../workflows/local/ExecutionEngine.js';
import { LocalStepFunctions } from '../../workflows/local/localStepFunctions.js';
import { provisionLocal, type LocalResources } from '../../workflows/local/provision.js';
import { takeDelivered } from '../support/delivered.js';
import { useMoto } from '../support/moto.js';
import { useTaskEnv } from '../support/taskEnv.js';

/**
 * The escalation email is the workflow's to send: NotifyEscalation publishes what Escalate
 * returned with Step Functions' SNS integration, and NotifyEscalateFailed tells people when
 * Escalate itself failed. Run on the deployed definition in the local engine, against moto's SNS.
 */
useTaskEnv();
useMoto();
let resources: LocalResources;
beforeAll(async () => {
  resources = await provisionLocal(LOCAL_ADMIN_ACCOUNT, [], PolicySchema.parse({ mode: 'auto' }), 'us-east-1');
});

const delivered = () => takeDelivered(resources.notificationsQueueUrl);

/** Run one execution where ValidateFinding fails (so the path is MarkSafetyCheckFailed → Escalate → …) with this Escalate. */
async function runWith(escalate: TaskHandler, topicArn = resources.escalationsTopicArn) {
  const unused: TaskHandler = () => Promise.reject(new Error('not on this path'));
  const handlers = Object.fromEntries(TASK_HANDLERS.map((h) => [h, unused])) as Record<TaskHandlerName, TaskHandler>;
  handlers.validateFinding = () => Promise.reject(Object.assign(new Error('the tags could not be read'), { name: 'TagsUnreadable' }));
  handlers.escalate = escalate;
  const definition = substituteDefinition(buildLocalDefinition({ account: LOCAL_ADMIN_ACCOUNT, region: 'us-east-1' }), { [ESCALATIONS_TOPIC]: topicArn });
  const stepFunctions = new LocalStepFunctions({ definition, stateMachineArn: `arn:aws:states:us-east-1:${LOCAL_ADMIN_ACCOUNT}:stateMachine:rectify`, handlers, retryIntervalMs: 1 });
  await delivered();
  const execution = await stepFunctions.startExecution(`notify-${Math.random().toString(36).slice(2)}`, JSON.stringify({ finding: {} })).done;
  const entered = execution.events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.state);
  return { execution, entered, emails: await delivered() };
}

describe('the escalation email', () => {
  it('is published by NotifyEscalation from what Escalate returned, then the execution fails with the outcome', async () => {
    // Act
    const { execution, entered, emails } = await runWith(async (event) => {
      const { state } = event as { state: { escalation: { outcome: string; reason: string } } };
      return { ...state.escalation, notification: { subject: '[Rectify] ESCALATED: S3.8 on logs', message: `Reason: ${state.escalation.reason}` } };
    });

    // Assess
    expect(entered.slice(-4)).toEqual([StateName.Escalate, StateName.NotifyEscalation, StateName.EscalationRoute, StateName.SafetyCheckFailed]);
    expect(emails).toEqual([expect.objectContaining({ TopicArn: resources.escalationsTopicArn, Subject: '[Rectify] ESCALATED: S3.8 on logs', Message: 'Reason: a safety check could not decide, so nothing was changed' })]);
    expect(execution).toMatchObject({ status: 'FAILED', error: ErrorName.SafetyCheckFailed });
    expect(execution.lambdaInvocations).toBe(2);
  });

  it('still reaches people when Escalate itself fails: NotifyEscalateFailed says what the state knows', async () => {
    // Act
    const { execution, entered, emails } = await runWith(() => Promise.reject(Object.assign(new Error('DynamoDB is unavailable'), { name: 'InternalServerError' })));

    // Assess
    expect(entered.slice(-4)).toEqual([StateName.Escalate, StateName.NotifyEscalateFailed, StateName.EscalationRoute, StateName.SafetyCheckFailed]);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.Subject).toBe(`[Rectify] ${Outcome.ESCALATED} and escalating it failed`);
    expect(emails[0]!.Message).toContain(`Rectify ${Outcome.ESCALATED} in execution ${execution.name}. Reason: a safety check could not decide`);
    expect(emails[0]!.Message).toContain('Escalating it failed too (InternalServerError: ');
    expect(execution).toMatchObject({ status: 'FAILED', error: ErrorName.SafetyCheckFailed });
  });

  it("fails the execution with the outcome even when SNS refuses the email (named as Step Functions names SNS's errors)", async () => {
    // Act: a topic that does not exist
    const { execution, entered, emails } = await runWith(
      async (event) => ({ ...(event as { state: { escalation: object } }).state.escalation, notification: { subject: 's', message: 'm' } }),
      `arn:aws:sns:us-east-1:${LOCAL_ADMIN_ACCOUNT}:no-such-topic`,
    );

    // Assess: not retried (not transient), caught, and the outcome's failure still ends the execution
    expect(entered.slice(-3)).toEqual([StateName.NotifyEscalation, StateName.EscalationRoute, StateName.SafetyCheckFailed]);
    expect(emails).toEqual([]);
    expect(execution.events.filter((e) => e.type === 'StateFailed' && e.stateType === 'Task').map((e) => [e.state, e.error])).toEqual([
      [StateName.ValidateFinding, 'TagsUnreadable'],
      [StateName.NotifyEscalation, 'SNS.NotFoundException'],
    ]);
    expect(execution).toMatchObject({ status: 'FAILED', error: ErrorName.SafetyCheckFailed });
  });
});
