import { createServer } from 'node:http';
import { freePort } from '../../workflows/local/moto.js';

/**
 * A stand-in for the Resource Groups Tagging API during the storm, answering GetResources for
 * the ARNs asked about with the tags the estate gave them. moto 5.2.1 ignores ResourceARNList
 * and pages through every tagged resource of the account (50 per page), so with thousands of
 * resources it would return other resources' tags first and miss the one asked about, and each
 * call would scan the whole estate. The tags never change during the run, so this is what the
 * real API would answer. Reached through `AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API`.
 */
export async function startTagServer(tagsByArn: ReadonlyMap<string, Record<string, string>>): Promise<{ endpoint: string; lookups: () => number; stop(): Promise<void> }> {
  let lookups = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (!String(req.headers['x-amz-target'] ?? '').endsWith('.GetResources')) {
        reply(400, { __type: 'InvalidParameterException', Message: 'the storm tag server answers GetResources only' });
        return;
      }
      lookups++;
      const arns = ((JSON.parse(body || '{}') as { ResourceARNList?: string[] }).ResourceARNList ?? []).filter((arn) => tagsByArn.has(arn));
      reply(200, {
        PaginationToken: '',
        ResourceTagMappingList: arns.map((arn) => ({ ResourceARN: arn, Tags: Object.entries(tagsByArn.get(arn)!).map(([Key, Value]) => ({ Key, Value })) })),
      });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    lookups: () => lookups,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
