import { Aws, Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ErrorName } from '../tasks/domain/constants.js';

/** Errors of the Lambda service itself (not of our code) that are safe to retry. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

export interface TaskOptions {
  /**
   * Where the result goes; every task writes its own path so nothing is overwritten. `'$'`: the
   * result replaces the state (written as the ASL default, no ResultPath, which aws-local-stepfunctions
   * 3.0.0 reads right; an explicit "$" it stores under a key named "$").
   */
  readonly resultPath: string;
  /** Extra payload fields (e.g. the outcome a Record task records). */
  readonly extra?: Record<string, unknown>;
  readonly timeout?: Duration;
}

/** The payload every task gets: the execution's identity and the whole (small) state. */
export function taskPayload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    execution: { id: sfn.JsonPath.executionId, name: sfn.JsonPath.executionName, startTime: sfn.JsonPath.executionStartTime },
    state: sfn.JsonPath.entirePayload,
  };
}

/**
 * A Lambda task with a timeout and a retry on throttling (ours, `Throttled`, and the Lambda
 * service's own), exponential backoff with full jitter. Callers add the Catch.
 */
export function lambdaTask(scope: Construct, id: string, fn: IFunction, options: TaskOptions): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject(taskPayload(options.extra)),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    resultPath: options.resultPath === '$' ? undefined : options.resultPath,
    taskTimeout: sfn.Timeout.duration(options.timeout ?? Duration.seconds(60)),
  });
  task.addRetry({
    errors: [ErrorName.Throttled, ...LAMBDA_TRANSIENT_ERRORS],
    interval: Duration.seconds(2),
    maxAttempts: 4,
    backoffRate: 2,
    maxDelay: Duration.seconds(30),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/**
 * The escalations topic in the definition: a definition substitution (`${EscalationsTopicArn}`)
 * the stack fills with its topic and the local runtime with the emulated one, so the ASL itself
 * names no account's resource and is the same in both.
 */
export const ESCALATIONS_TOPIC = 'EscalationsTopicArn';

/** SNS errors Step Functions' integration raises that a retry can cure. */
export const SNS_TRANSIENT_ERRORS = ['SNS.ThrottledException', 'SNS.InternalErrorException', 'SNS.KMSThrottlingException', 'States.Timeout'] as const;

/** A string parameter: a path into the state, or an intrinsic (`States.Format(...)`). */
type Field = { readonly path: string } | { readonly format: string };

/**
 * Publish to the escalations topic with Step Functions' SNS integration (no function to load),
 * with a timeout and a retry on SNS's transient errors, backoff with full jitter. Callers add the Catch.
 * (A CustomState: `tasks.SnsPublish` wants a topic construct, and the topic here is a substitution.)
 */
export function publishToEscalations(scope: Construct, id: string, fields: { subject: Field; message: Field }): sfn.CustomState {
  const param = (field: Field) => ('path' in field ? field.path : field.format);
  const state = new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${Aws.PARTITION}:states:::sns:publish`,
      Parameters: { TopicArn: `\${${ESCALATIONS_TOPIC}}`, 'Subject.$': param(fields.subject), 'Message.$': param(fields.message) },
      ResultPath: null,
      TimeoutSeconds: 30,
    },
  });
  state.addRetry({
    errors: [...SNS_TRANSIENT_ERRORS],
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.seconds(60),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return state;
}
