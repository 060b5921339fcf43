import type { IncomingHttpHeaders } from 'node:http';
import { forwardTo, signingNameOf, startLoopbackProxy } from '../loopbackProxy.js';

export interface ServiceRouter {
  readonly endpoint: string;
  /** Assumed-role access keys seen, with the account each belongs to. */
  readonly accountsByKey: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

const accessKeyOf = (headers: IncomingHttpHeaders) => /Credential=([^/,\s]+)\//.exec(String(headers.authorization ?? ''))?.[1];

/**
 * One endpoint in front of several moto servers: each call goes to the server of its service
 * (signing name: `sts`, `s3`, …), the others to `fallback`. moto keeps its state per process,
 * so every call of one service must land on the same server, and the servers must agree on
 * accounts: moto learns which account an assumed-role key belongs to when it answers
 * `AssumeRole`, so only the server that answered knows it. The router reads each AssumeRole
 * answer (the role ARN in the request names the account) and tells the other servers through
 * moto's `x-moto-account-id` request header.
 */
export async function startServiceRouter(options: { readonly routes: Readonly<Record<string, string>>; readonly fallback: string }): Promise<ServiceRouter> {
  const accountsByKey = new Map<string, string>();
  const proxy = await startLoopbackProxy((req, body, res) => {
    const service = signingNameOf(req.headers) ?? '';
    const upstream = new URL(options.routes[service] ?? options.fallback);
    const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
    const account = accountsByKey.get(accessKeyOf(req.headers) ?? '');
    if (account) headers['x-moto-account-id'] = account;
    const assumedAccount = service === 'sts' ? /(?:^|&)RoleArn=arn%3A[^%]+%3Aiam%3A%3A(\d{12})%3A/.exec(body.toString('utf8'))?.[1] : undefined;
    forwardTo(upstream, req, body, res, {
      who: 'router',
      headers,
      onAnswer: (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!assumedAccount) {
          answer.pipe(res);
          return;
        }
        const reply: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => reply.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(reply);
          const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(text.toString('utf8'))?.[1];
          if (key) accountsByKey.set(key, assumedAccount);
          res.end(text);
        });
      },
    });
  });
  return { ...proxy, accountsByKey };
}
