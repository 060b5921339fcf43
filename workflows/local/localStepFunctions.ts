import './polyfills.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ErrorName } from '../../tasks/domain/constants.js';
import type { TaskHandlerName } from '../remediationWorkflow.js';
import { handlerOfArn } from './definition.js';
import type { TraceEvent } from './trace.js';

export type TaskHandler = (event: unknown) => Promise<unknown>;
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface LocalExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  readonly events: TraceEvent[];
  lambdaInvocations: number;
  /** Resolves when the execution has stopped, whatever its status. */
  readonly done: Promise<LocalExecution>;
}

/** A waitForTaskToken task is waiting: who, where, and what its function returned. */
export interface TaskTokenRequest {
  readonly executionName: string;
  readonly state: string;
  readonly token: string;
  readonly handlerResult: unknown;
}

export interface LocalStepFunctionsOptions {
  readonly definition: Record<string, unknown>;
  readonly stateMachineArn: string;
  readonly handlers: Record<TaskHandlerName, TaskHandler>;
  /** Called when an execution waits for a task token (the approval). */
  readonly onTaskToken?: (request: TaskTokenRequest) => void;
  /** Pause before each retry, in ms (the deployed workflow waits seconds; locally that only slows tests). */
  readonly retryIntervalMs?: number;
  /**
   * Called when an execution stops FAILED, TIMED_OUT or ABORTED, as the EventBridge rule on
   * Step Functions status changes would; `done` resolves after it.
   */
  readonly onStopped?: (execution: LocalExecution) => Promise<void>;
  /** Called for every execution when it has stopped (after `onStopped`), e.g. to save its trace. */
  readonly onFinished?: (execution: LocalExecution) => void;
}

const TOKEN_PLACEHOLDER = 'LOCAL_TASK_TOKEN_PLACEHOLDER';
const WAIT_FOR_TOKEN_LAMBDA = /^arn:aws[\w-]*:states:::lambda:invoke\.waitForTaskToken$/;

class ApiError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

/** An error shaped the way the Lambda service reports a function error to Step Functions. */
function asLambdaError(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const wrapped = new Error(JSON.stringify({ errorType: source.name, errorMessage: source.message }));
  wrapped.name = source.name;
  return wrapped;
}

/**
 * Runs the workflow definition in-process with aws-local-stepfunctions and answers the Step
 * Functions API calls the project makes (StartExecution, DescribeExecution, SendTaskSuccess,
 * SendTaskFailure, GetExecutionHistory, ListExecutions) so production code runs unchanged
 * with `AWS_ENDPOINT_URL_SFN` pointed here.
 */
export class LocalStepFunctions {
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly tokens = new Map<string, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  private readonly retryOverrides: Record<string, number | number[]> = {};
  private readonly aborts = new Map<string, () => void>();
  /** The definition being run (for trace pages). */
  get definition(): Record<string, unknown> {
    return this.options.definition;
  }

  constructor(private readonly options: LocalStepFunctionsOptions) {
    const definition = options.definition as unknown as StateMachineDefinition;
    this.machine = new StateMachine(definition);
    for (const [stateName, state] of Object.entries(options.definition.States as Record<string, Record<string, unknown>>)) {
      if (state.Type !== 'Task') continue;
      this.overrides[stateName] = this.taskOverride(stateName, state);
      // Retries are fast locally, except waiting for another change to the same resource, which must last long enough for it to finish.
      if (Array.isArray(state.Retry)) {
        this.retryOverrides[stateName] = (state.Retry as { ErrorEquals: string[] }[]).map((r) => (r.ErrorEquals.includes(ErrorName.ResourceBusy) ? 400 : (options.retryIntervalMs ?? 5)));
      }
    }
  }

  private taskOverride(stateName: string, state: Record<string, unknown>) {
    const resource = String(state.Resource);
    if (WAIT_FOR_TOKEN_LAMBDA.test(resource)) {
      const params = state.Parameters as { FunctionName?: string } | undefined;
      const handler = this.handlerFor(stateName, params?.FunctionName ?? '');
      return async (input: unknown) => this.waitForToken(stateName, handler, input as { Payload: Record<string, unknown> });
    }
    const handler = this.handlerFor(stateName, resource);
    return async (input: unknown) => {
      this.count(input);
      try {
        return await handler(input);
      } catch (error) {
        throw asLambdaError(error);
      }
    };
  }

  private handlerFor(stateName: string, arn: string): TaskHandler {
    const name = handlerOfArn(arn);
    const handler = name ? this.options.handlers[name] : undefined;
    // Every Task needs a local implementation, or the engine would call a real Lambda.
    if (!handler) throw new Error(`Task ${stateName} (${arn}) has no local implementation`);
    return handler;
  }

  /** Count a Lambda invocation against its execution (every payload names its execution). */
  private count(payload: unknown): LocalExecution | undefined {
    const name = (payload as { execution?: { name?: string } } | undefined)?.execution?.name;
    const execution = name ? this.byName(name) : undefined;
    if (execution) execution.lambdaInvocations++;
    return execution;
  }

  private async waitForToken(stateName: string, handler: TaskHandler, input: { Payload: Record<string, unknown> }) {
    const token = `local-${randomUUID()}`;
    const payload = { ...input.Payload, taskToken: input.Payload.taskToken === TOKEN_PLACEHOLDER ? token : input.Payload.taskToken };
    const settled = new Promise<unknown>((resolve, reject) => this.tokens.set(token, { resolve, reject }));
    const execution = this.count(payload);
    let handlerResult: unknown;
    try {
      handlerResult = await handler(payload);
    } catch (error) {
      this.tokens.delete(token);
      throw asLambdaError(error);
    }
    this.options.onTaskToken?.({ executionName: execution?.name ?? '', state: stateName, token, handlerResult });
    return settled;
  }

  /** Fail a waiting task with `States.Timeout` now, as its timeout would (the local clock is not 24 h long). */
  expireTaskToken(token: string): void {
    const waiter = this.tokens.get(token);
    if (!waiter) throw new ApiError('TaskTimedOut', 'Task token is not waiting');
    this.tokens.delete(token);
    const error = new Error('The task timed out before a decision arrived');
    error.name = 'States.Timeout';
    waiter.reject(error);
  }

  sendTaskSuccess(token: string, output: string): void {
    const waiter = this.tokens.get(token);
    if (!waiter) throw new ApiError('TaskDoesNotExist', 'Task token does not exist or is no longer waiting');
    this.tokens.delete(token);
    waiter.resolve(JSON.parse(output));
  }

  sendTaskFailure(token: string, error = 'States.TaskFailed', cause = ''): void {
    const waiter = this.tokens.get(token);
    if (!waiter) throw new ApiError('TaskDoesNotExist', 'Task token does not exist or is no longer waiting');
    this.tokens.delete(token);
    const failure = new Error(cause);
    failure.name = error;
    waiter.reject(failure);
  }

  startExecution(name: string, input: string): LocalExecution {
    const executionArn = `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Standard workflows: same name and input is idempotent; different input is an error.
      if (existing.input === input) return existing;
      throw new ApiError('ExecutionAlreadyExists', `Execution already exists: '${executionArn}'`);
    }
    const startDate = new Date();
    const events: TraceEvent[] = [];
    let finish!: (e: LocalExecution) => void;
    const done = new Promise<LocalExecution>((resolve) => (finish = resolve));
    const execution: LocalExecution = { executionArn, name, input, startDate, status: 'RUNNING', events, lambdaInvocations: 0, done };
    this.executions.set(executionArn, execution);
    void this.run(execution, finish);
    return execution;
  }

  private async run(execution: LocalExecution, finish: (e: LocalExecution) => void): Promise<void> {
    {
      const run = this.machine.run(JSON.parse(execution.input), {
        noThrowOnAbort: false,
        overrides: { taskResourceLocalHandlers: this.overrides as never, retryIntervalOverrides: this.retryOverrides },
        context: {
          Execution: { Id: execution.executionArn, Name: execution.name, Input: JSON.parse(execution.input), StartTime: execution.startDate.toISOString() },
          Task: { Token: TOKEN_PLACEHOLDER },
        } as never,
      });
      this.aborts.set(execution.executionArn, run.abort);
      const collecting = (async () => {
        for await (const event of run.eventLogs) execution.events.push(toTraceEvent(event as unknown as Record<string, unknown>));
      })();
      try {
        const output = await run.result;
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      } catch (error) {
        const name = (error as Error).constructor?.name ?? '';
        execution.status = name.includes('Timeout') ? 'TIMED_OUT' : name.includes('Abort') ? 'ABORTED' : 'FAILED';
      }
      await collecting;
      const failed = execution.events.find((e) => e.type === 'ExecutionFailed');
      if (failed) {
        execution.error = failed.error;
        execution.cause = typeof failed.cause === 'string' ? failed.cause : JSON.stringify(failed.cause);
      }
      execution.stopDate = new Date();
      this.aborts.delete(execution.executionArn);
      if (execution.status !== 'SUCCEEDED') {
        try {
          await this.options.onStopped?.(execution);
        } catch (error) {
          execution.events.push({ type: 'StatusRuleFailed', at: new Date().toISOString(), error: (error as Error).name, cause: (error as Error).message });
        }
      }
      try {
        this.options.onFinished?.(execution);
      } catch {
        // a trace that cannot be saved must not change the execution's result
      }
      finish(execution);
    }
  }

  /** StopExecution: abort a running execution (its waiting task, if any, never completes). */
  stopExecution(executionArn: string, error?: string, cause?: string): void {
    const execution = this.describe(executionArn);
    const abort = this.aborts.get(executionArn);
    if (!abort || execution.status !== 'RUNNING') throw new ApiError('ExecutionNotRunning', `Execution is not running: '${executionArn}'`);
    if (error) execution.error = error;
    if (cause) execution.cause = cause;
    abort();
  }

  describe(executionArn: string): LocalExecution {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new ApiError('ExecutionDoesNotExist', `Execution does not exist: '${executionArn}'`);
    return execution;
  }

  byName(name: string): LocalExecution | undefined {
    return [...this.executions.values()].find((e) => e.name === name);
  }

  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  /** Answer a Step Functions JSON 1.0 API call; returns false when the request is not one. */
  async handle(request: IncomingMessage, response: ServerResponse, body: string): Promise<boolean> {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (!target.startsWith('AWSStepFunctions.')) return false;
    const action = target.slice('AWSStepFunctions.'.length);
    const input = (body ? JSON.parse(body) : {}) as Record<string, string>;
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(payload));
    };
    try {
      reply(200, this.dispatch(action, input));
    } catch (error) {
      if (error instanceof ApiError) reply(400, { __type: error.type, message: error.message });
      else reply(500, { __type: 'InternalError', message: (error as Error).message });
    }
    return true;
  }

  private dispatch(action: string, input: Record<string, string>): unknown {
    const seconds = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);
    switch (action) {
      case 'StartExecution': {
        if (input.stateMachineArn !== this.options.stateMachineArn) throw new ApiError('StateMachineDoesNotExist', `State machine does not exist: '${input.stateMachineArn}'`);
        // As the service does: the input is at most 262,144 UTF-8 bytes.
        if (Buffer.byteLength(input.input ?? '{}', 'utf8') > 262_144) throw new ApiError('ValidationException', "Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144");
        const execution = this.startExecution(input.name ?? randomUUID(), input.input ?? '{}');
        return { executionArn: execution.executionArn, startDate: seconds(execution.startDate) };
      }
      case 'DescribeExecution': {
        const e = this.describe(input.executionArn!);
        return {
          executionArn: e.executionArn, stateMachineArn: this.options.stateMachineArn, name: e.name, status: e.status,
          startDate: seconds(e.startDate), stopDate: seconds(e.stopDate), input: e.input, output: e.output, error: e.error, cause: e.cause,
        };
      }
      case 'StopExecution':
        this.stopExecution(input.executionArn!, input.error, input.cause);
        return { stopDate: seconds(new Date()) };
      case 'SendTaskSuccess':
        this.sendTaskSuccess(input.taskToken!, input.output ?? '{}');
        return {};
      case 'SendTaskFailure':
        this.sendTaskFailure(input.taskToken!, input.error, input.cause);
        return {};
      case 'GetExecutionHistory': {
        const e = this.describe(input.executionArn!);
        return { events: e.events.map((event, i) => ({ id: i + 1, timestamp: Date.parse(event.at) / 1000, type: event.type, localDetails: event })) };
      }
      case 'ListExecutions':
        return { executions: this.list().map((e) => ({ executionArn: e.executionArn, stateMachineArn: this.options.stateMachineArn, name: e.name, status: e.status, startDate: seconds(e.startDate), stopDate: seconds(e.stopDate) })) };
      default:
        throw new ApiError('UnknownOperationException', `${action} is not served by the local runtime`);
    }
  }
}

function toTraceEvent(event: Record<string, unknown>): TraceEvent {
  const state = event.state as { name?: string; type?: string; input?: unknown; output?: unknown } | undefined;
  const retry = event.retry as { attempt?: number } | undefined;
  return {
    type: String(event.type),
    at: new Date(Number(event.timestamp)).toISOString(),
    ...(state ? { state: state.name, stateType: state.type, input: state.input, output: state.output } : {}),
    ...(event.Error !== undefined ? { error: String(event.Error), cause: event.Cause } : {}),
    ...(retry?.attempt !== undefined ? { retryAttempt: retry.attempt } : {}),
    ...(event.type === 'ExecutionSucceeded' ? { output: event.output } : {}),
  };
}
