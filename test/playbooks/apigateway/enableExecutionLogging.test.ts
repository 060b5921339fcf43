import { APIGatewayClient, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { beforeEach, describe, expect, it } from 'vitest';
import { enableExecutionLogging as playbook } from '../../../tasks/playbooks/apigateway/enableExecutionLogging.js';
import { useMoto } from '../../support/moto.js';
import { createStages, stageContext, stageOf, type StageRef } from './stageFixtures.js';

const LOGS_ROLE = 'arn:aws:iam::123456789012:role/apigateway-cloudwatch-logs';
/** The stage does not log, and its GET / method turns logging off on its own too. */
const NOT_LOGGING = [
  { op: 'replace', path: '/*/*/logging/loglevel', value: 'OFF' },
  { op: 'replace', path: '/~1/GET/logging/loglevel', value: 'OFF' },
  { op: 'replace', path: '/~1/GET/logging/dataTrace', value: 'true' },
];
const levelsOf = async (clients: Parameters<typeof stageOf>[0], ref: StageRef) =>
  Object.fromEntries(Object.entries((await stageOf(clients, ref)).methodSettings ?? {}).map(([key, s]) => [key, s.loggingLevel]));

describe('enableExecutionLogging (APIGateway.1) against moto', () => {
  const aws = useMoto();
  const setAccountRole = (value: string) =>
    aws.clients().client(APIGatewayClient).send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value }] }));
  const contextFor = (ref: StageRef, options?: Parameters<typeof stageContext>[4]) => stageContext(playbook, aws.clients(), ref, 'APIGateway.1', options);

  beforeEach(async () => {
    await setAccountRole(LOGS_ROLE);
  });

  it('logs the stage and the method that turned logging off at ERROR, a disruptive plan naming the cost, and leaves the rest and the other stage alone', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), { prod: NOT_LOGGING, test: NOT_LOGGING });
    const ctx = contextFor(prod);
    const before = await stageOf(aws.clients(), prod);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ levels: { '*/*': 'OFF', '~1/GET': 'OFF' } });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set the execution-logging level of the stage on REST API stage ${prod.arn} from OFF to ERROR`,
      `Set the execution-logging level of method GET / on REST API stage ${prod.arn} from OFF to ERROR`,
    ]);
    expect(plan.summary).toContain("at ERROR (ERROR or INFO pass: Security Hub's default; ERROR logs the least)");
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toContain(`log group API-Gateway-Execution-Logs_${prod.restApiId}/prod`);
    expect(plan.impact?.why).toContain(LOGS_ROLE);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `REST API stage ${prod.restApiId}/prod logs every method at ERROR or INFO` });
    const after = await stageOf(aws.clients(), prod);
    expect(after).toEqual({
      ...before,
      methodSettings: {
        '*/*': { ...before.methodSettings!['*/*'], loggingLevel: 'ERROR' },
        '~1/GET': { ...before.methodSettings!['~1/GET'], loggingLevel: 'ERROR', dataTraceEnabled: true },
      },
    });
    expect(await levelsOf(aws.clients(), test)).toEqual({ '*/*': 'OFF', '~1/GET': 'OFF' });
  });

  it('verify answers non-compliant for a stage without logging, and for one method that turns it off', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), {
      test: [
        { op: 'replace', path: '/*/*/logging/loglevel', value: 'INFO' },
        { op: 'replace', path: '/~1/GET/logging/loglevel', value: 'OFF' },
      ],
    });
    // Act
    const results = [await playbook.verify(contextFor(prod)), await playbook.verify(contextFor(test))];
    // Assess
    expect(results).toEqual([
      { compliant: false, detail: `REST API stage ${prod.restApiId}/prod does not log at ERROR or INFO: the stage is OFF` },
      { compliant: false, detail: `REST API stage ${test.restApiId}/test does not log at ERROR or INFO: method GET / is OFF` },
    ]);
  });

  it("fixes to the finding's loggingLevel: a stage at ERROR fails a finding that asks for INFO, and is set to INFO", async () => {
    // Prepare
    const { prod } = await createStages(aws.clients(), { prod: [{ op: 'replace', path: '/*/*/logging/loglevel', value: 'ERROR' }] });
    const ctx = contextFor(prod, { controlParameters: { loggingLevel: ['INFO'] } });
    // Act
    const before = await playbook.verify(ctx);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `REST API stage ${prod.restApiId}/prod does not log at INFO: the stage is ERROR` });
    expect(plan.summary).toContain("at INFO (from the finding's control parameters)");
    expect(await levelsOf(aws.clients(), prod)).toEqual({ '*/*': 'INFO' });
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('refuses a setting that differs from the finding\'s loggingLevel, and a level Security Hub does not know, before any change', async () => {
    // Prepare
    const { prod } = await createStages(aws.clients(), { prod: NOT_LOGGING });
    const ctx = contextFor(prod, { settings: { loggingLevel: 'ERROR' }, controlParameters: { loggingLevel: ['INFO'] } });
    // Act
    const planning = playbook.snapshot(ctx).then((s) => playbook.plan(ctx, s));
    // Assess
    await expect(planning).rejects.toThrow(/less strict than the control's loggingLevel/);
    expect(() => contextFor(prod, { controlParameters: { loggingLevel: ['DEBUG'] } })).toThrow();
    expect(await levelsOf(aws.clients(), prod)).toEqual({ '*/*': 'OFF', '~1/GET': 'OFF' });
  });

  it("refuses, changing nothing, when the account has no CloudWatch Logs role for API Gateway, and creates none", async () => {
    // Prepare
    const { prod } = await createStages(aws.clients(), { prod: NOT_LOGGING });
    await setAccountRole('');
    const ctx = contextFor(prod);
    // Act
    const planning = await playbook
      .snapshot(ctx)
      .then((s) => playbook.plan(ctx, s))
      .catch((error: Error) => error);
    const applying = await playbook.apply(ctx, { summary: '', changes: [] }).catch((error: Error) => error);
    // Assess
    expect(String(planning)).toMatch(/has no CloudWatch Logs role .* Rectify does not create or set this account-wide role itself/);
    expect(String(applying)).toMatch(/has no CloudWatch Logs role/);
    expect(await levelsOf(aws.clients(), prod)).toEqual({ '*/*': 'OFF', '~1/GET': 'OFF' });
  });

  it('rolls back every level it changed, a stage that had no settings included', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), { prod: NOT_LOGGING });
    for (const ref of [prod, test]) {
      const ctx = contextFor(ref);
      const before = await playbook.snapshot(ctx);
      await playbook.apply(ctx, await playbook.plan(ctx, before));
      // Act
      await playbook.rollback(ctx, before);
      await playbook.rollback(ctx, before);
      // Assess
      expect(await playbook.snapshot(ctx)).toEqual(before);
      expect((await playbook.verify(ctx)).compliant).toBe(false);
    }
  });

  it('changes nothing when applied a second time, and plans nothing for a stage that logs at INFO', async () => {
    // Prepare
    const { prod, test } = await createStages(aws.clients(), { prod: NOT_LOGGING, test: [{ op: 'replace', path: '/*/*/logging/loglevel', value: 'INFO' }] });
    const ctx = contextFor(prod);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await stageOf(aws.clients(), prod);
    // Act
    await playbook.apply(contextFor(prod, { settings: { loggingLevel: 'INFO' } }), plan);
    const loggingCtx = contextFor(test);
    const loggingPlan = await playbook.plan(loggingCtx, await playbook.snapshot(loggingCtx));
    // Assess
    expect(await stageOf(aws.clients(), prod)).toEqual(afterFirst);
    expect(loggingPlan.changes).toEqual([]);
  });

  it('fails the snapshot of a stage that does not exist', async () => {
    // Prepare
    const { prod } = await createStages(aws.clients());
    // Act & Assess
    await expect(playbook.snapshot(contextFor({ ...prod, stageName: 'gone', arn: prod.arn.replace('/prod', '/gone') }))).rejects.toThrow();
  });
});
