import { AsyncLocalStorage } from 'node:async_hooks';
import type { TaskHandlerName } from '../remediationWorkflow.js';

/** The deployed functions' handlers that run in the local runtime's process: the ten tasks and the three outside the workflow. */
export type FunctionHandlerName = TaskHandlerName | 'approval' | 'intake' | 'executionStatus';

/**
 * Who makes an AWS call in the local runtime: one of the deployed functions' handlers, the state
 * machine itself (its service integrations, e.g. SNS Publish), or the harness (scenario setup and checks, provisioning, the emulated email inbox), which stands in
 * for people and other tools and is held to no policy.
 */
export type Caller = FunctionHandlerName | 'stateMachine' | 'harness';

const current = new AsyncLocalStorage<Caller>();

/**
 * Run `fn` as `caller`: every AWS call made inside it, however deep, is that caller's. An inner
 * `runAs` wins, so harness code a handler triggers (a fault's AWS steps) can say it is not the handler.
 *
 * @example
 * const handler = (event: unknown) => runAs('approval', () => approvalHandler(event));
 */
export function runAs<T>(caller: Caller, fn: () => T): T {
  return current.run(caller, fn);
}

/** The caller the current code runs as; `harness` outside any handler. */
export function currentCaller(): Caller {
  return current.getStore() ?? 'harness';
}
