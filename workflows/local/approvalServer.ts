import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

type ApprovalHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/**
 * Serve the approval function locally the way API Gateway (REST, proxy integration) calls it:
 * `GET|POST /approvals/{id}` becomes the same event shape, so the deployed handler runs unchanged.
 */
export async function serveApproval(handler: ApprovalHandler, request: IncomingMessage, response: ServerResponse, body: string): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://local');
  const match = /^\/approvals\/([^/]+)$/.exec(url.pathname);
  if (!match) return false;
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
  const event = {
    httpMethod: request.method ?? 'GET',
    path: url.pathname,
    resource: '/approvals/{id}',
    pathParameters: { id: decodeURIComponent(match[1]!) },
    queryStringParameters: url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null,
    headers,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: request.socket.remoteAddress ?? 'unknown' } },
  } as unknown as APIGatewayProxyEvent;
  const result = await handler(event);
  response.writeHead(result.statusCode, result.headers as Record<string, string>);
  response.end(result.body);
  return true;
}

/**
 * What a person does with the emailed link, for scripted runs: open it, then press Approve or
 * Reject on the page. Goes through the real endpoint, so the same checks apply.
 */
export async function submitApprovalForm(link: string, decision: 'approve' | 'reject', name: string, comment = ''): Promise<string> {
  const page = await (await fetch(link)).text();
  const field = (n: string) => new RegExp(`name="${n}" value="([^"]*)"`).exec(page)?.[1];
  const csrf = field('csrf');
  const shown = /data-outcome="([^"]+)"/.exec(page)?.[1];
  if (!csrf && shown === 'cancelled') return 'cancelled';
  if (!csrf) throw new Error(`approval page at ${new URL(link).pathname} has no form: ${/data-outcome="([^"]+)"/.exec(page)?.[1] ?? 'unknown page'}`);
  const form = new URLSearchParams({ exp: field('exp') ?? '', sig: field('sig') ?? '', csrf, decision, name, comment });
  const answer = await (await fetch(link, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).text();
  return /data-outcome="([^"]+)"/.exec(answer)?.[1] ?? `unknown: ${answer.slice(0, 300)}`;
}
