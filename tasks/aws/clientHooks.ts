/**
 * Interceptors that see every AWS SDK call made through the client factory, and may fail it.
 * Nothing in the deployed functions registers one (the list is empty there); the local runtime
 * uses them to record the calls a workflow makes and to inject faults — throttling, access
 * denied, not found, 5xx — for the fault-injection tests. Every factory client carries one small
 * dispatcher middleware, so interceptors registered later still apply to cached clients.
 */
export interface SdkCall {
  readonly service: string;
  readonly command: string;
  readonly input: unknown;
  /** Where the client sends the call and whose credentials it carries, as the client factory built it. */
  readonly target?: CallTarget;
}

/**
 * The client's account, region and credentials, as the client factory knows them: the local
 * runtime's call recorder uses it to tell a member role's calls from a task's own.
 */
export interface CallTarget {
  readonly region: string;
  /** The account the credentials act in, when the factory knows it (not for `adminClient`: the task's own account). */
  readonly account?: string;
  /** The role the client's credentials come from by AssumeRole; absent: the process's own credentials. */
  readonly assumedRoleArn?: string;
}

export type CallInterceptor = (call: SdkCall) => void;

const interceptors = new Set<CallInterceptor>();

/** Register an interceptor; returns its removal. */
export function addCallInterceptor(interceptor: CallInterceptor): () => void {
  interceptors.add(interceptor);
  return () => interceptors.delete(interceptor);
}

interface MiddlewareClient {
  readonly middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string; override?: boolean }): void };
}

type Handler = (args: { input: unknown }) => Promise<unknown>;

/**
 * The dispatcher as an SDK plugin, for clients the factory does not build itself: the STS client
 * that assumes the member role (so the local runtime sees which role a task assumes).
 */
export function callHooksPlugin(target?: CallTarget): { applyToStack(stack: MiddlewareClient['middlewareStack']): void } {
  return {
    applyToStack(stack) {
      stack.add(
        (next: Handler, context: { clientName?: string; commandName?: string }) => async (args: { input: unknown }) => {
          if (interceptors.size > 0) {
            const call = {
              service: (context.clientName ?? '').replace(/Client$/, ''),
              command: (context.commandName ?? '').replace(/Command$/, ''),
              input: args.input,
              ...(target ? { target } : {}),
            };
            for (const interceptor of interceptors) interceptor(call);
          }
          return next(args);
        },
        { step: 'initialize', name: 'rectifyCallInterceptors', override: true },
      );
    },
  };
}

export function applyClientHooks<C>(client: C, target?: CallTarget): C {
  callHooksPlugin(target).applyToStack((client as unknown as MiddlewareClient).middlewareStack);
  return client;
}
