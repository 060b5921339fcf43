import { addCallInterceptor, type SdkCall } from '../../tasks/aws/clientHooks.js';

/** The faults AWS throws at callers that the fault-injection tests replay. */
export const FAULT_KINDS = ['throttling', 'accessDenied', 'notFound', 'serverError'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** An error shaped like the one the AWS SDK raises for that kind of failure. */
export function sdkFault(kind: FaultKind, call: SdkCall): Error {
  const spec = {
    throttling: { name: 'ThrottlingException', status: 400, throttling: true, message: 'Rate exceeded' },
    accessDenied: { name: 'AccessDeniedException', status: 403, throttling: false, message: `not authorized to perform ${call.service}:${call.command}` },
    notFound: { name: 'ResourceNotFoundException', status: 404, throttling: false, message: 'The resource does not exist' },
    serverError: { name: 'InternalServerError', status: 500, throttling: false, message: 'We encountered an internal error (or the request timed out)' },
  }[kind];
  const error = new Error(`${spec.message} (injected)`) as Error & { $metadata: unknown; $fault: string; $retryable?: unknown };
  error.name = spec.name;
  error.$metadata = { httpStatusCode: spec.status };
  error.$fault = spec.status >= 500 ? 'server' : 'client';
  if (spec.throttling) error.$retryable = { throttling: true };
  return error;
}

/** Record every SDK call made through the client factory until stopped. */
export function recordCalls(): { readonly calls: SdkCall[]; stop(): void } {
  const calls: SdkCall[] = [];
  const stop = addCallInterceptor((call) => calls.push(call));
  return { calls, stop };
}

/** One AWS call: an SDK client's service and command, as the interceptors see them. */
export interface CallName {
  readonly service: string;
  readonly command: string;
}

/**
 * Fail the `occurrence`-th call (1-based) of one service command with a fault, once. With
 * `after`, only calls made after that other call was first seen count: the same read can then be
 * failed after a change (the verify) rather than before it (the plan). Returns how often it fired
 * (0 when the run never reached that call) and the removal.
 */
export function injectSdkFault(target: CallName & { occurrence?: number; after?: CallName }, kind: FaultKind): { fired(): number; stop(): void } {
  let armed = target.after === undefined;
  let seen = 0;
  let fired = 0;
  const stop = addCallInterceptor((call) => {
    if (!armed) {
      armed = call.service === target.after?.service && call.command === target.after.command;
      return;
    }
    if (call.service !== target.service || call.command !== target.command) return;
    seen++;
    if (seen === (target.occurrence ?? 1)) {
      fired++;
      throw sdkFault(kind, call);
    }
  });
  return { fired: () => fired, stop };
}
