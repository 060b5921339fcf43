import './polyfills.js';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ErrorName } from '../../tasks/domain/constants.js';
import type { TaskHandlerName } from '../remediationWorkflow.js';
import { handlerOfArn } from './definition.js';
import { serviceIntegration } from './serviceIntegrations.js';
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

export interface ExecutionEngineOptions {
  readonly definition: Record<string, unknown>;
  readonly handlers: Record<TaskHandlerName, TaskHandler>;
  /** Called when an execution waits for a task token (the approval). */
  readonly onTaskToken?: (request: TaskTokenRequest) => void;
  /** Pause before each retry, in ms (the deployed workflow waits seconds; locally that only slows tests). */
  readonly retryIntervalMs?: number;
  /** The execution a task's payload names, to count its Lambda invocations against. */
  readonly executionNamed: (name: string) => LocalExecution | undefined;
}

/** Ends a task waiting for its token: with the output of SendTaskSuccess, or with an error. */
export interface TokenWaiter {
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** A started run: its abort, and a promise that resolves once the execution's result is filled in. */
export interface EngineRun {
  readonly abort: () => void;
  readonly stopped: Promise<void>;
}

const TOKEN_PLACEHOLDER = 'LOCAL_TASK_TOKEN_PLACEHOLDER';
const WAIT_FOR_TOKEN_LAMBDA = /^arn:aws[\w-]*:states:::lambda:invoke\.waitForTaskToken$/;

/**
 * Validated machines by definition text. Validating a definition (asl-validator) costs 0.4–1.4 s
 * and a `StateMachine` keeps no state between runs, so every runtime in a process that runs the
 * same definition shares one: the test suites and `rectify test` start a runtime per scenario.
 */
const validatedMachines = new Map<string, StateMachine>();

function validatedMachine(definition: Record<string, unknown>): StateMachine {
  const text = JSON.stringify(definition);
  let machine = validatedMachines.get(text);
  if (!machine) {
    machine = new StateMachine(JSON.parse(text) as StateMachineDefinition);
    validatedMachines.set(text, machine);
  }
  return machine;
}

/** An error shaped the way the Lambda service reports a function error to Step Functions. */
function asLambdaError(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const wrapped = new Error(JSON.stringify({ errorType: source.name, errorMessage: source.message }));
  wrapped.name = source.name;
  return wrapped;
}

/**
 * The adapter between the workflow definition and aws-local-stepfunctions: every Task runs its
 * local handler (counted as a Lambda invocation) or its service integration (serviceIntegrations.ts), waitForTaskToken tasks get a unique token the
 * engine lacks (`$$.Task.Token`) and wait until it is settled, retries pause briefly, and the
 * engine's event log becomes the execution's trace. The Step Functions API over it is
 * {@link LocalStepFunctions}.
 */
export class ExecutionEngine {
  private readonly machine: StateMachine;
  private readonly tokens = new Map<string, TokenWaiter>();
  private readonly overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  private readonly retryOverrides: Record<string, number | number[]> = {};

  constructor(private readonly options: ExecutionEngineOptions) {
    this.machine = validatedMachine(options.definition);
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
    // An optimized integration (SNS Publish): not a Lambda invocation, and its errors are the service's.
    const integration = serviceIntegration(resource);
    if (integration) return integration;
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
    const execution = name ? this.options.executionNamed(name) : undefined;
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

  /** Stop brokering `token` and hand back its waiting task's settlers; undefined when no task waits on it. */
  takeToken(token: string): TokenWaiter | undefined {
    const waiter = this.tokens.get(token);
    this.tokens.delete(token);
    return waiter;
  }

  /**
   * Run an execution to its end, filling in its status, output, error, cause and trace events;
   * `stopped` never rejects (a failed execution is a result, not an error).
   */
  run(execution: LocalExecution): EngineRun {
    const run = this.machine.run(JSON.parse(execution.input), {
      noThrowOnAbort: false,
      overrides: { taskResourceLocalHandlers: this.overrides as never, retryIntervalOverrides: this.retryOverrides },
      context: {
        Execution: { Id: execution.executionArn, Name: execution.name, Input: JSON.parse(execution.input), StartTime: execution.startDate.toISOString() },
        Task: { Token: TOKEN_PLACEHOLDER },
      } as never,
    });
    const stopped = (async () => {
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
    })();
    return { abort: run.abort, stopped };
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
