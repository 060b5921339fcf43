import { CancelRotateSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { RemediationFailedError, RollbackFailedError } from '../../domain/errors.js';
import { chooseValue, ParameterValue, SOURCE_WORDS } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { readRotation, ROTATION_NOT_EMULATED, type SecretRotation } from './secretRotation.js';

const DAY_MS = 86_400_000;

const Parameters = z.object({
  // Security Hub: Integer 1-180 days, default 90.
  maxDaysSinceRotation: ParameterValue.integer(1, 180).default(90),
});
const Settings = z.object({
  /** A stricter age limit than the control's; never looser (refused when the plan is made). */
  maxDaysSinceRotation: z.number().int().min(1).max(180).optional(),
});
type Settings = z.infer<typeof Settings>;
type Params = z.infer<typeof Parameters>;
type Ctx = PlaybookContext<Settings, Params>;

/** What rollback can check: whether rotation was on, and which version held AWSCURRENT. */
type Snapshot = { rotationEnabled: boolean; currentVersionId?: string };

const IMPACT = {
  level: 'disruptive',
  why: "the secret's value changes now, and the rotation function changes the credential at its source: applications holding the old value fail until they read the secret again. It cannot be undone: rollback cannot bring the old credential back",
} as const;

const maxDays = (ctx: Ctx) =>
  chooseValue(ctx, 'maxDaysSinceRotation', { name: 'maxDaysSinceRotation', value: ctx.settings.maxDaysSinceRotation }, (setting, control) => setting <= control);

/**
 * The control's condition: rotated within the last maxDaysSinceRotation days. A secret never
 * rotated counts as not rotated (AWS does not say which date the rule uses then: fail closed).
 */
function evaluate(ctx: Ctx, secret: SecretRotation): { compliant: boolean; detail: string } {
  const limit = maxDays(ctx).value;
  if (!secret.lastRotatedDate) return { compliant: false, detail: `Secret ${secret.name} has never been rotated (limit ${limit} days)` };
  const days = Math.floor((Date.now() - secret.lastRotatedDate.getTime()) / DAY_MS);
  return { compliant: days <= limit, detail: `Secret ${secret.name} was last rotated ${days} days ago (limit ${limit} days)` };
}

const client = (ctx: PlaybookContext<unknown>) => ctx.aws.client(SecretsManagerClient);

/**
 * Rotates a Secrets Manager secret now with the rotation function it names (SecretsManager.4,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-4,
 * severity medium; AWS Config rule `secretsmanager-secret-periodic-rotation`,
 * https://docs.aws.amazon.com/config/latest/developerguide/secretsmanager-secret-periodic-rotation.html:
 * NON_COMPLIANT when the secret has not been rotated for more than `maxDaysSinceRotation` days,
 * default 90). `verify` reads `LastRotatedDate` (set when the rotation completes; Verify retries
 * while it runs). The fix is a rotation, which cannot be undone (decision 028): the plan says so
 * and waits for a person under the default policy, and rollback only turns rotation off again if
 * RotateSecret turned it on; once the rotation has completed, rollback fails and escalates, naming
 * the version that was current. A secret with no rotation function is refused (Rectify never
 * invents one; SecretsManager.1 names the way to add one). Not emulated: see {@link ROTATION_NOT_EMULATED}.
 */
export const rotateSecret = definePlaybook<Snapshot, { description: string }, Settings, Params>({
  id: 'secretsmanager-rotate-secret',
  title: 'Rotate a Secrets Manager secret now with its rotation function',
  controls: ['SecretsManager.4'],
  resourceType: 'AwsSecretsManagerSecret',
  impact: IMPACT.level,
  settings: Settings,
  parameters: { control: 'SecretsManager.4', schema: Parameters },
  notEmulated: ROTATION_NOT_EMULATED,
  permissions: ['lambda:InvokeFunction', 'secretsmanager:CancelRotateSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:RotateSecret'],

  async snapshot(ctx) {
    const s = await readRotation(ctx);
    return { rotationEnabled: s.rotationEnabled, ...(s.currentVersionId ? { currentVersionId: s.currentVersionId } : {}) };
  },

  async plan(ctx) {
    const secret = await readRotation(ctx);
    const state = evaluate(ctx, secret);
    if (state.compliant) return { summary: state.detail, changes: [] };
    if (!secret.rotationLambdaArn) {
      throw new RemediationFailedError(
        `Secret ${ctx.resource.id} (finding ${ctx.request.findingId}) names no rotation function, so it cannot be rotated without changing its value by hand. ` +
          'Rectify does not invent one: set up rotation for it (see SecretsManager.1), or rotate it by hand with its owner. Rectify changed nothing.',
      );
    }
    const limit = maxDays(ctx);
    return {
      summary: `Rotate secret ${secret.name} now (${state.detail}; limit ${SOURCE_WORDS[limit.source]}) (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [{ description: `Rotate secret ${ctx.resource.id} now with its rotation function ${secret.rotationLambdaArn}; the version that is current today stays readable as AWSPREVIOUS` }],
    };
  },

  async apply(ctx) {
    const secret = await readRotation(ctx);
    if (evaluate(ctx, secret).compliant) return;
    await client(ctx).send(new RotateSecretCommand({ SecretId: ctx.resource.id, RotateImmediately: true }));
  },

  async verify(ctx) {
    return evaluate(ctx, await readRotation(ctx));
  },

  async rollback(ctx, snapshot) {
    const live = await readRotation(ctx);
    if (!snapshot.rotationEnabled && live.rotationEnabled) await client(ctx).send(new CancelRotateSecretCommand({ SecretId: ctx.resource.id }));
    if (live.currentVersionId !== snapshot.currentVersionId) {
      throw new RollbackFailedError(
        `Secret ${ctx.resource.id} (finding ${ctx.request.findingId}) was rotated: version ${live.currentVersionId} is now current and ${snapshot.currentVersionId} is AWSPREVIOUS. ` +
          'A rotation cannot be undone (its function changed the credential at its source). Check that the applications using the secret read the new value.',
      );
    }
  },
});
