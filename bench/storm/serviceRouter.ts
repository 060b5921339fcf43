import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { freePort } from '../../workflows/local/moto.js';

export interface ServiceRouter {
  readonly endpoint: string;
  /** Assumed-role access keys seen, with the account each belongs to. */
  readonly accountsByKey: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

const signingName = (headers: IncomingHttpHeaders) => /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(headers.authorization ?? ''))?.[1];
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
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const service = signingName(req.headers) ?? '';
      const upstream = new URL(options.routes[service] ?? options.fallback);
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      const account = accountsByKey.get(accessKeyOf(req.headers) ?? '');
      if (account) headers['x-moto-account-id'] = account;
      const assumedAccount = service === 'sts' ? /(?:^|&)RoleArn=arn%3A[^%]+%3Aiam%3A%3A(\d{12})%3A/.exec(body.toString('utf8'))?.[1] : undefined;
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
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
      });
      forward.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`router: ${error.message}`);
      });
      forward.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accountsByKey,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
