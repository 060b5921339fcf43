import {
  CancelRotateSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  type DescribeSecretCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { rotateSecret as playbook } from '../../../tasks/playbooks/secretsmanager/rotateSecret.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';
import { stubbedClients } from '../../support/stubbedClients.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/orders/db-AbCdEf';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rds-rotation';
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000 - 60_000);

/**
 * moto runs a rotation function only in Docker, so Secrets Manager is stubbed as the API reference
 * documents RotateSecret without parameters: it rotates now with the stored function, the new
 * version takes AWSCURRENT and LastRotatedDate is set (or, with `functionFails`, the function
 * fails and the current version stays). Both variants leave rotation turned on, as RotateSecret
 * may; CancelRotateSecret turns it off.
 */
function stubbedSecrets(initial: Partial<DescribeSecretCommandOutput> = {}, options: { parameters?: Record<string, string[]>; settings?: unknown; functionFails?: boolean } = {}) {
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  const sm = mockClient(client);
  const secret: Partial<DescribeSecretCommandOutput> = {
    ARN: SECRET_ARN,
    Name: 'prod/orders/db',
    RotationEnabled: false,
    RotationLambdaARN: FUNCTION_ARN,
    LastRotatedDate: daysAgo(120),
    VersionIdsToStages: { v1: ['AWSCURRENT'] },
    ...initial,
  };
  sm.on(DescribeSecretCommand).callsFake(async () => structuredClone(secret));
  sm.on(RotateSecretCommand).callsFake(async () => {
    secret.RotationEnabled = true;
    if (!options.functionFails) {
      secret.VersionIdsToStages = { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] };
      secret.LastRotatedDate = new Date();
    }
    return { ARN: SECRET_ARN, VersionId: 'v2' };
  });
  sm.on(CancelRotateSecretCommand).callsFake(async () => {
    secret.RotationEnabled = false;
    return { ARN: SECRET_ARN };
  });
  const request = requestFor({ resourceType: 'AwsSecretsManagerSecret', resourceId: SECRET_ARN, controlId: 'SecretsManager.4', controlParameters: options.parameters ?? {} });
  return { sm, secret, ctx: createPlaybookContext(playbook, request, stubbedClients([client]), options.settings) };
}

describe('rotateSecret (SecretsManager.4), Secrets Manager stubbed', () => {
  it('rotates a secret last rotated 120 days ago now, saying it cannot be undone, and reads the new rotation date back', async () => {
    // Prepare
    const { sm, ctx } = stubbedSecrets();
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ rotationEnabled: false, currentVersionId: 'v1' });
    expect(plan.impact).toMatchObject({ level: 'disruptive', why: expect.stringMatching(/cannot be undone/) });
    expect(plan.summary).toMatch(/last rotated 120 days ago \(limit 90 days\); limit Security Hub's default/);
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Rotate secret ${SECRET_ARN} now with its rotation function ${FUNCTION_ARN}; the version that is current today stays readable as AWSPREVIOUS`,
    ]);
    expect(sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET_ARN, RotateImmediately: true }]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: 'Secret prod/orders/db was last rotated 0 days ago (limit 90 days)' });
  });

  it("verify answers non-compliant past the finding's limit and for a secret never rotated, compliant within it", async () => {
    // Prepare
    const old = stubbedSecrets({ LastRotatedDate: daysAgo(40) }, { parameters: { maxDaysSinceRotation: ['30'] } });
    const never = stubbedSecrets({ LastRotatedDate: undefined });
    const recent = stubbedSecrets({ LastRotatedDate: daysAgo(40) });
    // Act
    const results = [await playbook.verify(old.ctx), await playbook.verify(never.ctx), await playbook.verify(recent.ctx)];
    // Assess
    expect(results).toEqual([
      { compliant: false, detail: 'Secret prod/orders/db was last rotated 40 days ago (limit 30 days)' },
      { compliant: false, detail: 'Secret prod/orders/db has never been rotated (limit 90 days)' },
      { compliant: true, detail: 'Secret prod/orders/db was last rotated 40 days ago (limit 90 days)' },
    ]);
  });

  it('rolls back a rotation whose function failed: rotation is off again and the same version is current', async () => {
    // Prepare
    const { sm, ctx } = stubbedSecrets({}, { functionFails: true });
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(sm.commandCalls(CancelRotateSecretCommand)).toHaveLength(1);
    expect(actionsSentTo({ SecretsManager: sm })).toEqual(new Set(playbook.permissions));
  });

  it('fails the rollback of a completed rotation, naming both versions, since it cannot be undone', async () => {
    // Prepare
    const { ctx } = stubbedSecrets();
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    const rollingBack = playbook.rollback(ctx, before);
    // Assess
    await expect(rollingBack).rejects.toThrow(/was rotated: version v2 is now current and v1 is AWSPREVIOUS. A rotation cannot be undone/);
  });

  it('changes nothing when applied a second time, and plans nothing for a recently rotated secret', async () => {
    // Prepare
    const { sm, ctx } = stubbedSecrets();
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const recent = stubbedSecrets({ LastRotatedDate: daysAgo(10) });
    // Act
    await playbook.apply(ctx, plan);
    const recentPlan = await playbook.plan(recent.ctx, await playbook.snapshot(recent.ctx));
    // Assess
    expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(1);
    expect(recentPlan.changes).toEqual([]);
  });

  it('refuses a secret with no rotation function, and a setting looser than the finding, changing nothing', async () => {
    // Prepare
    const none = stubbedSecrets({ RotationLambdaARN: undefined });
    const loose = stubbedSecrets({}, { parameters: { maxDaysSinceRotation: ['30'] }, settings: { maxDaysSinceRotation: 60 } });
    // Act
    const planningNone = Promise.resolve().then(async () => playbook.plan(none.ctx, await playbook.snapshot(none.ctx))).then(() => 'planned', (e: Error) => e.message);
    const planningLoose = Promise.resolve().then(async () => playbook.plan(loose.ctx, await playbook.snapshot(loose.ctx))).then(() => 'planned', (e: Error) => e.message);
    // Assess
    expect(await planningNone).toMatch(/names no rotation function.*Rectify changed nothing/);
    expect(await planningLoose).toMatch(/maxDaysSinceRotation \(60\) is less strict than the control's maxDaysSinceRotation \(30/);
    expect(none.sm.commandCalls(RotateSecretCommand)).toEqual([]);
    expect(loose.sm.commandCalls(RotateSecretCommand)).toEqual([]);
  });

  it('fails the snapshot of a secret that does not exist', async () => {
    // Prepare
    const gone = stubbedSecrets();
    gone.sm.on(DescribeSecretCommand).rejects(Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' }));
    // Act & Assess
    await expect(playbook.snapshot(gone.ctx)).rejects.toThrow(/can't find/);
  });
});
