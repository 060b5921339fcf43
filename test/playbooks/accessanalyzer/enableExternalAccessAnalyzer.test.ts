import {
  AccessAnalyzerClient,
  ConflictException,
  CreateAnalyzerCommand,
  DeleteAnalyzerCommand,
  ListAnalyzersCommand,
  ResourceNotFoundException,
  type AnalyzerSummary,
} from '@aws-sdk/client-accessanalyzer';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { ANALYZER_NAME, enableExternalAccessAnalyzer as playbook } from '../../../tasks/playbooks/accessanalyzer/enableExternalAccessAnalyzer.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';

/** One region's analyzers, answered as IAM Access Analyzer documents (moto has no Access Analyzer). New analyzers are ACTIVE at once. */
function fakeAnalyzer(initial: Partial<AnalyzerSummary>[] = []) {
  const analyzers = new Map<string, AnalyzerSummary>();
  const add = (a: Partial<AnalyzerSummary>) =>
    analyzers.set(a.name!, { arn: `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/${a.name}`, createdAt: new Date(), status: 'ACTIVE', type: 'ACCOUNT', ...a } as AnalyzerSummary);
  initial.forEach(add);
  const client = new AccessAnalyzerClient({ region: 'us-east-1' });
  const stub = mockClient(client);
  // Two pages when there are two or more analyzers: the playbook must read them all.
  stub.on(ListAnalyzersCommand).callsFake(({ nextToken }) => {
    const all = [...analyzers.values()];
    return nextToken ? { analyzers: all.slice(1) } : { analyzers: all.slice(0, 1), nextToken: all.length > 1 ? 'page-2' : undefined };
  });
  stub.on(CreateAnalyzerCommand).callsFake(({ analyzerName, type }) => {
    if (analyzers.has(analyzerName)) throw new ConflictException({ message: `analyzer ${analyzerName} exists`, resourceId: analyzerName, resourceType: 'Analyzer', $metadata: {} });
    add({ name: analyzerName, type });
    return { arn: analyzers.get(analyzerName)!.arn };
  });
  stub.on(DeleteAnalyzerCommand).callsFake(({ analyzerName }) => {
    if (!analyzers.delete(analyzerName)) throw new ResourceNotFoundException({ message: 'no such analyzer', resourceId: analyzerName, resourceType: 'Analyzer', $metadata: {} });
    return {};
  });
  const clients: AwsClients = { account: ACCOUNT, region: 'us-east-1', client: <C>() => client as unknown as C };
  return { analyzers, stub, clients };
}

describe('enableExternalAccessAnalyzer (IAM.28) with Access Analyzer stubbed on its documented inputs and outputs', () => {
  const stubs: { restore(): void }[] = [];
  afterEach(() => stubs.splice(0).forEach((stub) => stub.restore()));
  function setUp(initial: Partial<AnalyzerSummary>[] = []) {
    const fake = fakeAnalyzer(initial);
    stubs.push(fake.stub);
    const contextFor = (controlId = 'IAM.28') =>
      createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${ACCOUNT}`, controlId }), fake.clients, undefined, controlId);
    return { ...fake, contextFor };
  }

  it.each(['IAM.28', 'cis-aws-foundations-benchmark/v/3.0.0/1.20', 'cis-aws-foundations-benchmark/v/5.0.0/1.19'])(
    'a %s finding creates an ACCOUNT analyzer and leaves an unused-access analyzer alone',
    async (controlId) => {
      // Prepare
      const { analyzers, stub, contextFor } = setUp([{ name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS' }]);
      const ctx = contextFor(controlId);
      // Act
      const snapshot = await playbook.snapshot(ctx);
      const plan = await playbook.plan(ctx, snapshot);
      await playbook.apply(ctx, plan);
      // Assess
      expect(snapshot).toEqual({ activeExternal: [], rectifyAnalyzer: false });
      expect(plan.changes.map((c) => c.description)).toEqual([`Create the IAM Access Analyzer analyzer ${ANALYZER_NAME} of type ACCOUNT in account ${ACCOUNT} in us-east-1`]);
      expect(plan.impact?.level).toBe('non-disruptive');
      expect(stub.commandCalls(CreateAnalyzerCommand).map((c) => c.args[0].input)).toEqual([{ analyzerName: ANALYZER_NAME, type: 'ACCOUNT' }]);
      expect(await playbook.verify(ctx)).toEqual({
        compliant: true,
        detail: `account ${ACCOUNT} in us-east-1 has an active external access analyzer: ${ANALYZER_NAME} (ACCOUNT) (IAM.28)`,
      });
      expect([...analyzers.keys()].sort()).toEqual([ANALYZER_NAME, 'unused']);
    },
  );

  it('verify answers non-compliant without an active external access analyzer, counting neither unused-access nor failed ones', async () => {
    // Prepare
    const { contextFor } = setUp([
      { name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS' },
      { name: 'broken', type: 'ACCOUNT', status: 'FAILED' },
    ]);
    // Act
    const result = await playbook.verify(contextFor());
    // Assess
    expect(result).toEqual({ compliant: false, detail: `account ${ACCOUNT} in us-east-1 has no active external access analyzer (IAM.28)` });
  });

  it('plans nothing where an organization analyzer is active, on the second page', async () => {
    // Prepare
    const { stub, contextFor } = setUp([{ name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS' }, { name: 'org', type: 'ORGANIZATION' }]);
    const ctx = contextFor();
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toContain('org (ORGANIZATION)');
    expect(stub.commandCalls(CreateAnalyzerCommand)).toHaveLength(0);
  });

  it('rolls back by deleting the analyzer it created, twice without harm', async () => {
    // Prepare
    const { analyzers, contextFor } = setUp();
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(analyzers.size).toBe(0);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const { stub, contextFor } = setUp();
    const ctx = contextFor();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(stub.commandCalls(CreateAnalyzerCommand)).toHaveLength(1);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it('refuses when an analyzer of its name exists but is not active, and its rollback leaves that analyzer alone', async () => {
    // Prepare
    const { analyzers, contextFor } = setUp([{ name: ANALYZER_NAME, status: 'DISABLED' }]);
    const ctx = contextFor();
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const planning = (async () => playbook.plan(ctx, snapshot))();
    await playbook.rollback(ctx, snapshot);
    // Assess
    await expect(planning).rejects.toThrow(/has an analyzer named rectify-external-access that is not an active external access analyzer/);
    expect(analyzers.get(ANALYZER_NAME)?.status).toBe('DISABLED');
  });

  it('needs exactly the actions it declares (the permission proof for a playbook moto cannot run)', async () => {
    // Prepare
    const { stub, contextFor } = setUp();
    const ctx = contextFor();
    const before = await playbook.snapshot(ctx);
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    await playbook.verify(ctx);
    await playbook.rollback(ctx, before);
    // Assess
    expect(actionsSentTo({ AccessAnalyzer: stub })).toEqual(new Set(playbook.permissions));
  });
});
