import type { IncomingHttpHeaders } from 'node:http';
import { forwardTo, signingNameOf, startLoopbackProxy } from './loopbackProxy.js';

/** One AWS API call seen on its way to the emulator. */
export interface AwsCall {
  readonly at: number;
  /** Signing name from the credential scope: `dynamodb`, `sns`, `s3`, … */
  readonly service: string;
  /** `PutItem`, `Publish`, … (`GET /bucket` style for REST services). */
  readonly operation: string;
  /** Request body, kept for DynamoDB calls only (their item sizes decide the request units). */
  readonly body?: string;
  /** Bytes of the response body. */
  responseBytes: number;
  /** Milliseconds until the emulator's answer was complete. */
  ms: number;
}

export interface AwsCallCounter {
  /** Point SDK clients here instead of at moto. */
  readonly endpoint: string;
  readonly calls: AwsCall[];
  stop(): Promise<void>;
}

function operationOf(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const action = /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body.toString('utf8', 0, Math.min(body.length, 2048)))?.[1];
  if (action) return action;
  return `${method} ${url.split('?')[0]}`;
}

/**
 * A pass-through HTTP proxy in front of moto that records every AWS call by service and
 * operation, so the cost model counts DynamoDB requests and SNS publishes a run really made.
 */
export async function startAwsCallCounter(target: string): Promise<AwsCallCounter> {
  const upstream = new URL(target);
  const calls: AwsCall[] = [];
  const proxy = await startLoopbackProxy((req, body, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const service = signingNameOf(req.headers) ?? 'unknown';
    const call: AwsCall = {
      at: Date.now(),
      service,
      operation: operationOf(method, url, req.headers, body),
      ...(service === 'dynamodb' ? { body: body.toString('utf8') } : {}),
      responseBytes: 0,
      ms: 0,
    };
    calls.push(call);
    forwardTo(upstream, req, body, res, {
      who: 'proxy',
      onAnswer: (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => (call.responseBytes += chunk.length));
        answer.on('end', () => (call.ms = Date.now() - call.at));
        answer.pipe(res);
      },
    });
  });
  return { ...proxy, calls };
}
