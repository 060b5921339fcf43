import { CancelRotateSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { chooseValue, ParameterValue, SOURCE_WORDS } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { readRotation, ROTATION_NOT_EMULATED, type SecretRotation } from './secretRotation.js';

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9_$-]+)?$/;

const Parameters = z.object({
  // Security Hub: Integer 1-365 days, no default (without it the control checks only that rotation is on).
  maximumAllowedRotationFrequency: ParameterValue.integer(1, 365).optional(),
});
const Settings = z.object({
  /**
   * Rotation functions by secret name prefix (`{ "prod/rds/": "arn:aws:lambda:…:function:rds-rotation" }`),
   * used only for a secret that names no rotation function; the longest matching prefix wins.
   * Rectify never creates a rotation function: it must exist, with Secrets Manager allowed to invoke it.
   */
  rotationFunctions: z.record(z.string().min(1), z.string().regex(LAMBDA_ARN, 'must be a Lambda function ARN')).default({}),
  /** Days between rotations; without it the finding's maximumAllowedRotationFrequency, else the secret's own schedule, else 30. */
  rotationDays: z.number().int().min(1).max(365).optional(),
});
type Settings = z.infer<typeof Settings>;
type Params = z.infer<typeof Parameters>;
type Ctx = PlaybookContext<Settings, Params>;

/**
 * What rollback restores: whether rotation is on and, when it is, its schedule (Secrets Manager
 * keeps the rules of a secret whose rotation is off; they do nothing then). The rotation function
 * is not kept: no call removes it from a secret, and with rotation off it is never invoked (the
 * plan says so).
 */
type Snapshot = { rotationEnabled: boolean; automaticallyAfterDays?: number; scheduleExpression?: string };

const DEFAULT_DAYS = 30;
const IMPACT = {
  level: 'disruptive',
  why: "from the first scheduled rotation the secret's value changes: applications that cache it or copy it into configuration fail until they read it again; the rotation function also changes the credential at its source (database, API)",
} as const;

/** The strictest frequency verify holds the secret to, with where it came from. */
function maximumDays(ctx: Ctx) {
  return chooseValue(ctx, 'maximumAllowedRotationFrequency', { name: 'rotationDays', value: ctx.settings.rotationDays }, (setting, control) => setting <= control);
}

function rotationFunctionFor(ctx: Ctx, secret: SecretRotation): string | undefined {
  if (secret.rotationLambdaArn) return secret.rotationLambdaArn;
  const prefix = Object.keys(ctx.settings.rotationFunctions)
    .filter((p) => secret.name.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : ctx.settings.rotationFunctions[prefix];
}

function evaluate(ctx: Ctx, secret: SecretRotation): { compliant: boolean; detail: string } {
  const max = maximumDays(ctx).value;
  if (!secret.rotationEnabled) return { compliant: false, detail: `Secret ${secret.name}: automatic rotation is off` };
  if (max !== undefined && !(secret.frequencyDays !== undefined && secret.frequencyDays <= max)) {
    const every = secret.frequencyDays === undefined ? `on schedule ${secret.scheduleExpression}` : `every ${secret.frequencyDays} days`;
    return { compliant: false, detail: `Secret ${secret.name}: rotates ${every}, more than the ${max} days allowed` };
  }
  return { compliant: true, detail: `Secret ${secret.name}: rotates automatically${secret.frequencyDays === undefined ? '' : ` every ${secret.frequencyDays} days`}` };
}

const send = (ctx: PlaybookContext<unknown>) => ctx.aws.client(SecretsManagerClient);

/**
 * Turns on automatic rotation of a Secrets Manager secret with the rotation function it already
 * names, or one the policy names for it (SecretsManager.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-1,
 * severity medium; AWS Config rule `secretsmanager-rotation-enabled-check`,
 * https://docs.aws.amazon.com/config/latest/developerguide/secretsmanager-rotation-enabled-check.html:
 * NON_COMPLIANT when the secret is not scheduled for rotation, or rotates less often than
 * `maximumAllowedRotationFrequency` days when that parameter is set). Rectify never invents a
 * rotation function: a secret with none, and no `rotationFunctions` setting for its name, is
 * refused. Rotation starts on schedule (`RotateImmediately: false`: Secrets Manager only runs the
 * function's testSecret step now), so nothing changes value at apply time. `verify` reads
 * `RotationEnabled` and the schedule. Rollback turns rotation off again (CancelRotateSecret) or
 * puts the earlier schedule back. Not emulated: see {@link ROTATION_NOT_EMULATED}.
 */
export const enableRotation = definePlaybook<Snapshot, { description: string }, Settings, Params>({
  id: 'secretsmanager-enable-rotation',
  title: 'Turn on automatic rotation of a Secrets Manager secret with its existing rotation function',
  controls: ['SecretsManager.1'],
  resourceType: 'AwsSecretsManagerSecret',
  impact: IMPACT.level,
  settings: Settings,
  parameters: { control: 'SecretsManager.1', schema: Parameters },
  notEmulated: ROTATION_NOT_EMULATED,
  permissions: ['lambda:InvokeFunction', 'secretsmanager:CancelRotateSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:RotateSecret'],

  async snapshot(ctx) {
    const s = await readRotation(ctx);
    if (!s.rotationEnabled) return { rotationEnabled: false };
    return {
      rotationEnabled: true,
      ...(s.automaticallyAfterDays !== undefined ? { automaticallyAfterDays: s.automaticallyAfterDays } : {}),
      ...(s.scheduleExpression ? { scheduleExpression: s.scheduleExpression } : {}),
    };
  },

  async plan(ctx) {
    const secret = await readRotation(ctx);
    const state = evaluate(ctx, secret);
    if (state.compliant) return { summary: state.detail, changes: [] };
    const fn = rotationFunctionFor(ctx, secret);
    if (!fn && !secret.rotationEnabled) {
      throw new RemediationFailedError(
        `Secret ${ctx.resource.id} (finding ${ctx.request.findingId}) names no rotation function, and the policy's rotationFunctions setting has none for its name. ` +
          'Rectify does not invent one: set up rotation for it (a Secrets Manager rotation template or managed rotation), or name its function in playbookSettings, then re-run. Rectify changed nothing.',
      );
    }
    const max = maximumDays(ctx);
    const days = max.value ?? secret.automaticallyAfterDays ?? DEFAULT_DAYS;
    const why = max.value === undefined ? (secret.automaticallyAfterDays !== undefined ? "the secret's own schedule" : 'the default') : SOURCE_WORDS[max.source];
    const named = secret.rotationLambdaArn ? 'the function the secret names' : 'the function the policy names for it (it stays set on the secret after a rollback, unused while rotation is off)';
    return {
      summary: `Rotate secret ${secret.name} automatically every ${days} days (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `${secret.rotationEnabled ? 'Change the rotation schedule of' : 'Turn on automatic rotation of'} secret ${ctx.resource.id} to every ${days} days (${why}) with ${fn ? `${named}, ${fn}` : 'its managed rotation'}; ` +
            'the first rotation happens on schedule, not now (Secrets Manager tests the function first)',
        },
      ],
    };
  },

  async apply(ctx) {
    const secret = await readRotation(ctx);
    if (evaluate(ctx, secret).compliant) return;
    const fn = rotationFunctionFor(ctx, secret);
    const days = maximumDays(ctx).value ?? secret.automaticallyAfterDays ?? DEFAULT_DAYS;
    await send(ctx).send(
      new RotateSecretCommand({
        SecretId: ctx.resource.id,
        ...(fn && !secret.rotationLambdaArn ? { RotationLambdaARN: fn } : {}),
        RotationRules: { AutomaticallyAfterDays: days },
        RotateImmediately: false,
      }),
    );
  },

  async verify(ctx) {
    return evaluate(ctx, await readRotation(ctx));
  },

  async rollback(ctx, snapshot) {
    const live = await readRotation(ctx);
    if (!snapshot.rotationEnabled) {
      if (live.rotationEnabled) await send(ctx).send(new CancelRotateSecretCommand({ SecretId: ctx.resource.id }));
      return;
    }
    if (live.automaticallyAfterDays === snapshot.automaticallyAfterDays && live.scheduleExpression === snapshot.scheduleExpression) return;
    const rules = snapshot.scheduleExpression ? { ScheduleExpression: snapshot.scheduleExpression } : { AutomaticallyAfterDays: snapshot.automaticallyAfterDays };
    await send(ctx).send(new RotateSecretCommand({ SecretId: ctx.resource.id, RotationRules: rules, RotateImmediately: false }));
  },
});
