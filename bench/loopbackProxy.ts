import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { freePort } from '../workflows/local/moto.js';

/** The signing name of a SigV4-signed request (`dynamodb`, `sts`, `s3`, …), from its credential scope. */
export function signingNameOf(headers: IncomingHttpHeaders): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(headers.authorization ?? ''))?.[1];
}

/** What a proxy does with one request, its body read whole: forward it (see {@link forwardTo}) and answer. */
export type ProxyHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

/**
 * An HTTP server on a free loopback port that reads each request's body and hands it to
 * `handle`: the benchmark's pass-through proxies in front of moto (the call counter, the storm's
 * service router) differ only in where they forward and what they note on the way.
 */
export async function startLoopbackProxy(handle: ProxyHandler): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, Buffer.concat(chunks), res));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Forward a request upstream; `onAnswer` gets the answer, a failure to reach upstream becomes a 502 naming `who`. */
export function forwardTo(
  upstream: URL,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  options: { readonly who: string; readonly headers?: IncomingHttpHeaders; readonly onAnswer: (answer: IncomingMessage) => void },
): void {
  const forward = httpRequest(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: options.headers ?? req.headers },
    options.onAnswer,
  );
  forward.on('error', (error) => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`${options.who}: ${error.message}`);
  });
  forward.end(body);
}
