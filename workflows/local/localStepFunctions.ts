import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TaskHandlerName } from '../remediationWorkflow.js';
import { ExecutionEngine, type LocalExecution, type TaskHandler, type TaskTokenRequest } from './ExecutionEngine.js';
import type { TraceEvent } from './trace.js';

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

class ApiError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

/**
 * Answers the Step Functions API calls the project makes (StartExecution, DescribeExecution,
 * StopExecution, SendTaskSuccess, SendTaskFailure, GetExecutionHistory, ListExecutions) over the
 * workflow definition run in-process by {@link ExecutionEngine}, so production code runs unchanged
 * with `AWS_ENDPOINT_URL_SFN` pointed here. It keeps the executions, their names' idempotency, the
 * status-change hooks and the service's error shapes; the engine runs them.
 */
export class LocalStepFunctions {
  private readonly engine: ExecutionEngine;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly aborts = new Map<string, () => void>();
  /** The definition being run (for trace pages). */
  get definition(): Record<string, unknown> {
    return this.options.definition;
  }

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.engine = new ExecutionEngine({
      definition: options.definition,
      handlers: options.handlers,
      onTaskToken: options.onTaskToken,
      retryIntervalMs: options.retryIntervalMs,
      executionNamed: (name) => this.byName(name),
    });
  }

  /** Fail a waiting task with `States.Timeout` now, as its timeout would (the local clock is not 24 h long). */
  expireTaskToken(token: string): void {
    const waiter = this.engine.takeToken(token);
    if (!waiter) throw new ApiError('TaskTimedOut', 'Task token is not waiting');
    const error = new Error('The task timed out before a decision arrived');
    error.name = 'States.Timeout';
    waiter.reject(error);
  }

  sendTaskSuccess(token: string, output: string): void {
    const waiter = this.engine.takeToken(token);
    if (!waiter) throw new ApiError('TaskDoesNotExist', 'Task token does not exist or is no longer waiting');
    waiter.resolve(JSON.parse(output));
  }

  sendTaskFailure(token: string, error = 'States.TaskFailed', cause = ''): void {
    const waiter = this.engine.takeToken(token);
    if (!waiter) throw new ApiError('TaskDoesNotExist', 'Task token does not exist or is no longer waiting');
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

  /** Run an execution on the engine, then tell the status rule and the trace store, then settle `done`. */
  private async run(execution: LocalExecution, finish: (e: LocalExecution) => void): Promise<void> {
    const { abort, stopped } = this.engine.run(execution);
    this.aborts.set(execution.executionArn, abort);
    await stopped;
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

