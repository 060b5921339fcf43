import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, ENTRY_FILE } from '../../../infra/bundling/functionBundle.js';
import * as source from '../../../tasks/aws/securityHub.js';
import * as sourceV2 from '../../../tasks/aws/securityHubV2.js';
import { notify as sourceNotify } from '../../../tasks/aws/notify.js';
import { readPolicy as sourceReadPolicy } from '../../../tasks/aws/policyParameter.js';
import { toRemediationRequest } from '../../../tasks/domain/finding.js';

/**
 * The function bundles rewrite parts of the AWS SDK (infra/bundling: barrels flattened, unread
 * ASFF parts as documents, only the errors the commands can raise registered, manifests trimmed).
 * These tests send the same calls through the bundled modules and the source ones, against one
 * stub endpoint, and compare what goes over the wire and what comes back.
 */

/** A finding as Security Hub returns it: Details with a member the SDK's model does not know, and a null. */
const HUB_FINDING = {
  SchemaVersion: '2018-10-08',
  Id: 'arn:aws:securityhub:eu-west-1:111111111111:subscription/f-1',
  ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
  GeneratorId: 'security-control/EC2.19',
  AwsAccountId: '111111111111',
  CreatedAt: '2026-01-01T00:00:00.000Z',
  UpdatedAt: '2026-01-02T00:00:00.000Z',
  Title: 'Security groups should not allow unrestricted access to ports with high risk',
  Severity: { Label: 'HIGH', Normalized: 70 },
  Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.19', SecurityControlParameters: [{ Name: 'p', Value: ['1'] }] },
  ProductFields: { ControlId: 'EC2.19' },
  Resources: [
    {
      Type: 'AwsEc2SecurityGroup',
      Id: 'arn:aws:ec2:eu-west-1:111111111111:security-group/sg-0123456789abcdef0',
      Partition: 'aws',
      Region: 'eu-west-1',
      Tags: { environment: 'prod' },
      Details: { AwsEc2SecurityGroup: { GroupId: 'sg-0123456789abcdef0', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }], NewField: { a: 1 }, VpcId: null } },
    },
  ],
  Network: { Direction: 'IN', SourcePort: 22 },
  Workflow: { Status: 'NEW' },
  RecordState: 'ACTIVE',
};

/** The same failure as the new Security Hub returns it (OCSF): a document either way. */
const OCSF_FINDING = {
  finding_info: { uid: 'ocsf-1', title: HUB_FINDING.Title },
  metadata: { product: { uid: 'arn:aws:securityhub:eu-west-1::productv2/aws/securityhub' }, uid: 'meta-1' },
  cloud: { account: { uid: '111111111111' }, region: 'eu-west-1' },
  compliance: { control: 'EC2.19', status: 'Fail' },
  resources: [{ type: 'AWS::EC2::SecurityGroup', uid: HUB_FINDING.Resources[0]!.Id }],
  status_id: 1,
};

interface Captured {
  readonly method: string;
  readonly url: string;
  readonly target: string;
  readonly body: string;
}

type SecurityHubModule = typeof source;
type SecurityHubV2Module = typeof sourceV2;
type PolicyModule = { readPolicy: typeof sourceReadPolicy };
type NotifyModule = { notify: typeof sourceNotify };

let server: Server;
let captured: Captured[] = [];
let outRoot: string;
let bundled: { securityHub: SecurityHubModule; securityHubV2: SecurityHubV2Module; policy: PolicyModule; notify: NotifyModule };
const savedEnv = { ...process.env };

function respond(request: Captured): { status: number; type: string; body: string } {
  const json = (status: number, body: unknown, type = 'application/json') => ({ status, type, body: JSON.stringify(body) });
  if (request.url === '/findings') return json(200, { Findings: [HUB_FINDING] });
  if (request.url === '/findingsv2') return json(200, { Findings: [OCSF_FINDING] });
  if (request.url === '/findings/import') return json(200, { FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
  if (request.url === '/findings/batchupdate') return json(200, { ProcessedFindings: [], UnprocessedFindings: [] });
  if (request.target === 'AmazonSSM.GetParameter') {
    const name = (JSON.parse(request.body) as { Name: string }).Name;
    const type = 'application/x-amz-json-1.1';
    // ParameterNotFound is an error GetParameter documents; ThrottlingException is one it does not.
    if (name === 'missing') return json(400, { __type: 'ParameterNotFound', message: 'no such parameter' }, type);
    if (name === 'throttled') return json(400, { __type: 'ThrottlingException', message: 'slow down' }, type);
    return json(200, { Parameter: { Name: name, Value: JSON.stringify({ mode: 'auto' }) } }, type);
  }
  if (request.body.includes('Action=Publish')) {
    return { status: 200, type: 'text/xml', body: '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>' };
  }
  return json(404, { message: 'not stubbed' });
}

/** The requests of one call, by the code under test. */
async function requestsOf(call: () => Promise<unknown>): Promise<{ result: unknown; error: unknown; requests: Captured[] }> {
  captured = [];
  let result: unknown;
  let error: unknown;
  try {
    result = await call();
  } catch (e) {
    error = e;
  }
  return { result, error, requests: captured };
}

/** A request as the service reads it: method, path, target and parsed body. */
const wire = (requests: Captured[]) =>
  requests.map((r) => ({ method: r.method, url: r.url, target: r.target, body: r.body.startsWith('{') ? (JSON.parse(r.body) as unknown) : r.body }));

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', target: String(req.headers['x-amz-target'] ?? ''), body };
      captured.push(request);
      const answer = respond(request);
      res.writeHead(answer.status, { 'content-type': answer.type });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    RECTIFY_SDK_MAX_ATTEMPTS: '1',
  });

  // Prepare: the modules bundled exactly as the functions are
  outRoot = mkdtempSync(path.join(tmpdir(), 'rectify-sdk-rewrites-'));
  const load = async <T>(entry: string): Promise<T> => {
    const outDir = path.join(outRoot, path.basename(entry, '.ts'));
    await bundleFunction({ entry, outDir });
    return (await import(pathToFileURL(path.join(outDir, ENTRY_FILE)).href)) as T;
  };
  const [securityHub, securityHubV2, policy, notify] = await Promise.all([
    load<SecurityHubModule>('tasks/aws/securityHub.ts'),
    load<SecurityHubV2Module>('tasks/aws/securityHubV2.ts'),
    load<PolicyModule>('tasks/aws/policyParameter.ts'),
    load<NotifyModule>('tasks/aws/notify.ts'),
  ]);
  bundled = { securityHub, securityHubV2, policy, notify };
}, 180_000);

afterAll(async () => {
  process.env = savedEnv;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(outRoot, { recursive: true, force: true });
});

describe('the SDK as bundled', () => {
  it('reads a finding from Security Hub as the SDK does, with the resource Details as Security Hub sent them', async () => {
    // Act
    const ref = { id: HUB_FINDING.Id, productArn: HUB_FINDING.ProductArn };
    const fromSource = await requestsOf(() => source.readFindingFromHub(ref));
    const fromBundle = await requestsOf(() => bundled.securityHub.readFindingFromHub(ref));

    // Assess: the same request; the same finding, but for Details (the model drops what it does not know)
    expect(wire(fromBundle.requests)).toEqual(wire(fromSource.requests));
    const withoutDetails = (finding: unknown) => {
      const f = finding as typeof HUB_FINDING;
      return { ...f, Resources: f.Resources.map(({ Details: _details, ...resource }) => resource) };
    };
    expect(fromSource.result).toBeDefined();
    expect(withoutDetails(fromBundle.result)).toEqual(withoutDetails(fromSource.result));
    expect((fromBundle.result as typeof HUB_FINDING).Resources[0]!.Details).toEqual(HUB_FINDING.Resources[0]!.Details);
    expect((fromSource.result as typeof HUB_FINDING).Resources[0]!.Details).toEqual({
      AwsEc2SecurityGroup: { GroupId: 'sg-0123456789abcdef0', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }] },
    });
    const request = (finding: unknown) => toRemediationRequest({ finding, source: 'automatic' });
    expect(request(fromBundle.result)).toEqual(request(fromSource.result));
  });

  it("reads an OCSF finding back with the same filters, sent as written (the filters are documents in the bundle)", async () => {
    // Act
    const ref = { id: OCSF_FINDING.finding_info.uid, productArn: OCSF_FINDING.metadata.product.uid, account: OCSF_FINDING.cloud.account.uid };
    const fromSource = await requestsOf(() => sourceV2.readFindingV2(ref));
    const fromBundle = await requestsOf(() => bundled.securityHubV2.readFindingV2(ref));

    // Assess
    expect(fromSource.error).toBeUndefined();
    expect(wire(fromBundle.requests)).toEqual(wire(fromSource.requests));
    expect((wire(fromSource.requests)[0]!.body as { Filters: { CompositeFilters: unknown[] } }).Filters.CompositeFilters).toHaveLength(1);
    expect(fromBundle.result).toEqual(OCSF_FINDING);
    expect(fromSource.result).toEqual(OCSF_FINDING);
  });

  it('sends the same outcome finding and workflow update', async () => {
    // Prepare
    const finding = { ...HUB_FINDING, Network: undefined, Id: 'rectify/exec-1', Types: ['Software and Configuration Checks/Rectify Remediation'] };
    const writeBack = { status: 'RESOLVED' as const, note: 'Rectify REMEDIATED [execution exec-1]', fields: { rectifyOutcome: 'REMEDIATED' } };
    delete finding.Network;
    finding.Resources = [{ ...finding.Resources[0]!, Details: undefined as never }];

    // Act
    const imports = await Promise.all([source, bundled.securityHub].map((m) => requestsOf(() => m.importFindings([finding as never]))));
    const updates = await Promise.all([source, bundled.securityHub].map((m) => requestsOf(() => m.updateFindings([{ id: finding.Id, productArn: finding.ProductArn }], writeBack))));

    // Assess
    expect(imports.map((i) => i.error)).toEqual([undefined, undefined]);
    expect(wire(imports[1]!.requests)).toEqual(wire(imports[0]!.requests));
    expect(imports[1]!.result).toEqual(imports[0]!.result);
    expect(wire(updates[1]!.requests)).toEqual(wire(updates[0]!.requests));
    expect(updates[1]!.result).toEqual(updates[0]!.result);
  });

  it('reads the policy and publishes to SNS as the SDK does', async () => {
    // Act
    const policies = await Promise.all([sourceReadPolicy, bundled.policy.readPolicy].map((read) => requestsOf(() => read('/rectify/policy'))));
    const published = await Promise.all([sourceNotify, bundled.notify.notify].map((send) => requestsOf(() => send('arn:aws:sns:eu-west-1:111111111111:t', 'subject', 'message'))));

    // Assess
    expect(policies[1]!.result).toEqual(policies[0]!.result);
    expect(wire(policies[1]!.requests)).toEqual(wire(policies[0]!.requests));
    expect(published.map((p) => p.error)).toEqual([undefined, undefined]);
    expect(wire(published[1]!.requests)).toEqual(wire(published[0]!.requests));
  });

  it.each(['missing', 'throttled'])('raises the same error name, message and fault for a %s parameter', async (name) => {
    // Act
    const fromSource = await requestsOf(() => sourceReadPolicy(name));
    const fromBundle = await requestsOf(() => bundled.policy.readPolicy(name));

    // Assess: what Rectify reads of an SDK error (defineTask's throttling check, the kill-switch log)
    const seen = (error: unknown) => {
      const e = error as Error & { $fault?: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, message: e.message, fault: e.$fault, status: e.$metadata?.httpStatusCode };
    };
    expect(fromSource.error).toBeInstanceOf(Error);
    expect(seen(fromBundle.error)).toEqual(seen(fromSource.error));
    expect(seen(fromSource.error).name).toBe(name === 'missing' ? 'ParameterNotFound' : 'ThrottlingException');
  });
});
