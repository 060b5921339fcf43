import {
  CancelRotateSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  type DescribeSecretCommandOutput,
  type RotateSecretCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableRotation as playbook } from '../../../tasks/playbooks/secretsmanager/enableRotation.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/orders/db-AbCdEf';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rds-rotation';

/**
 * moto runs a rotation function only in Docker, so Secrets Manager is stubbed with the behaviour
 * the API reference documents: RotateSecret stores the function and rules it is given (and keeps
 * the ones the secret has when it is given none; with neither a function nor managed rotation it
 * fails), turns rotation on, and with RotateImmediately false only tests the function;
 * CancelRotateSecret turns rotation off and keeps function and rules.
 */
function stubbedSecrets(initial: Partial<DescribeSecretCommandOutput> = {}, options: { parameters?: Record<string, string[]>; settings?: unknown } = {}) {
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  const sm = mockClient(client);
  const secret: Partial<DescribeSecretCommandOutput> = { ARN: SECRET_ARN, Name: 'prod/orders/db', Tags: [{ Key: 'team', Value: 'orders' }], ...initial };
  sm.on(DescribeSecretCommand).callsFake(async () => structuredClone(secret));
  sm.on(RotateSecretCommand).callsFake(async (input: RotateSecretCommandInput) => {
    if (!input.RotationLambdaARN && !secret.RotationLambdaARN) throw Object.assign(new Error('No Lambda rotation function ARN is associated with this secret.'), { name: 'InvalidRequestException' });
    if (input.RotationLambdaARN) secret.RotationLambdaARN = input.RotationLambdaARN;
    if (input.RotationRules) secret.RotationRules = input.RotationRules;
    secret.RotationEnabled = true;
    return { ARN: SECRET_ARN, Name: secret.Name };
  });
  sm.on(CancelRotateSecretCommand).callsFake(async () => {
    secret.RotationEnabled = false;
    return { ARN: SECRET_ARN, Name: secret.Name };
  });
  const request = requestFor({ resourceType: 'AwsSecretsManagerSecret', resourceId: SECRET_ARN, controlId: 'SecretsManager.1', controlParameters: options.parameters ?? {} });
  return { sm, secret, ctx: createPlaybookContext(playbook, request, stubbedClients([client]), options.settings) };
}
const rotateInputs = (sm: ReturnType<typeof stubbedSecrets>['sm']) => sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input);

describe('enableRotation (SecretsManager.1), Secrets Manager stubbed', () => {
  it('turns rotation back on with the function the secret names, on schedule, not now', async () => {
    // Prepare
    const { sm, secret, ctx } = stubbedSecrets({ RotationEnabled: false, RotationLambdaARN: FUNCTION_ARN });
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ rotationEnabled: false });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Turn on automatic rotation of secret ${SECRET_ARN} to every 30 days (the default) with the function the secret names, ${FUNCTION_ARN}; ` +
        'the first rotation happens on schedule, not now (Secrets Manager tests the function first)',
    ]);
    expect(rotateInputs(sm)).toEqual([{ SecretId: SECRET_ARN, RotationRules: { AutomaticallyAfterDays: 30 }, RotateImmediately: false }]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: 'Secret prod/orders/db: rotates automatically every 30 days' });
    expect(secret.Tags).toEqual([{ Key: 'team', Value: 'orders' }]);
    expect(actionsSentTo({ SecretsManager: sm })).toEqual(new Set(['secretsmanager:DescribeSecret', 'secretsmanager:RotateSecret', 'lambda:InvokeFunction']));
  });

  it('verify answers non-compliant for a secret without rotation, and for one rotating less often than the finding allows', async () => {
    // Prepare
    const off = stubbedSecrets();
    const slow = stubbedSecrets({ RotationEnabled: true, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 90 } }, { parameters: { maximumAllowedRotationFrequency: ['30'] } });
    // Act
    const results = [await playbook.verify(off.ctx), await playbook.verify(slow.ctx)];
    // Assess
    expect(results).toEqual([
      { compliant: false, detail: 'Secret prod/orders/db: automatic rotation is off' },
      { compliant: false, detail: 'Secret prod/orders/db: rotates every 90 days, more than the 30 days allowed' },
    ]);
  });

  it("shortens the schedule to the finding's maximum, and rollback puts the old schedule back", async () => {
    // Prepare
    const { sm, ctx } = stubbedSecrets({ RotationEnabled: true, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 90 } }, { parameters: { maximumAllowedRotationFrequency: ['30'] } });
    const before = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const fixed = await playbook.verify(ctx);
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes[0]!.description).toMatch(/^Change the rotation schedule of secret .* to every 30 days \(from the finding's control parameters\)/);
    expect(fixed.compliant).toBe(true);
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(rotateInputs(sm)).toEqual([
      { SecretId: SECRET_ARN, RotationRules: { AutomaticallyAfterDays: 30 }, RotateImmediately: false },
      { SecretId: SECRET_ARN, RotationRules: { AutomaticallyAfterDays: 90 }, RotateImmediately: false },
    ]);
  });

  it('uses the function the policy names for the secret, then rollback turns rotation off again', async () => {
    // Prepare
    const settings = { rotationFunctions: { 'prod/': 'arn:aws:lambda:us-east-1:123456789012:function:generic', 'prod/orders/': FUNCTION_ARN } };
    const { sm, ctx } = stubbedSecrets({}, { settings });
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(rotateInputs(sm)).toEqual([{ SecretId: SECRET_ARN, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 30 }, RotateImmediately: false }]);
    expect(sm.commandCalls(CancelRotateSecretCommand)).toHaveLength(1);
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
    expect(actionsSentTo({ SecretsManager: sm })).toEqual(new Set(playbook.permissions));
  });

  it('changes nothing when applied a second time, and plans nothing for a secret that rotates', async () => {
    // Prepare
    const { sm, ctx } = stubbedSecrets({ RotationEnabled: false, RotationLambdaARN: FUNCTION_ARN });
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const compliant = stubbedSecrets({ RotationEnabled: true, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 30 } });
    // Act
    await playbook.apply(ctx, plan);
    const compliantPlan = await playbook.plan(compliant.ctx, await playbook.snapshot(compliant.ctx));
    // Assess
    expect(rotateInputs(sm)).toHaveLength(1);
    expect(compliantPlan.changes).toEqual([]);
  });

  it('refuses a secret with no rotation function, and a setting looser than the finding, changing nothing', async () => {
    // Prepare
    const none = stubbedSecrets();
    const loose = stubbedSecrets({ RotationLambdaARN: FUNCTION_ARN }, { parameters: { maximumAllowedRotationFrequency: ['30'] }, settings: { rotationDays: 60 } });
    // Act
    const planningNone = Promise.resolve().then(async () => playbook.plan(none.ctx, await playbook.snapshot(none.ctx))).then(() => 'planned', (e: Error) => e.message);
    const planningLoose = Promise.resolve().then(async () => playbook.plan(loose.ctx, await playbook.snapshot(loose.ctx))).then(() => 'planned', (e: Error) => e.message);
    // Assess
    expect(await planningNone).toMatch(/names no rotation function.*Rectify does not invent one.*Rectify changed nothing/);
    expect(await planningLoose).toMatch(/rotationDays \(60\) is less strict than the control's maximumAllowedRotationFrequency \(30/);
    expect(rotateInputs(none.sm)).toEqual([]);
    expect(rotateInputs(loose.sm)).toEqual([]);
  });

  it('fails the snapshot of a secret that does not exist or is scheduled for deletion', async () => {
    // Prepare
    const gone = stubbedSecrets();
    gone.sm.on(DescribeSecretCommand).rejects(Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' }));
    const deleted = stubbedSecrets({ DeletedDate: new Date('2026-11-01T00:00:00Z') });
    // Act & Assess
    await expect(playbook.snapshot(gone.ctx)).rejects.toThrow(/can't find/);
    await expect(playbook.snapshot(deleted.ctx)).rejects.toThrow(/scheduled for deletion/);
  });
});
