import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

/** What the SecretsManager playbooks read of a secret (DescribeSecret). */
export interface SecretRotation {
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** The rotation function the secret names; kept by Secrets Manager when rotation is turned off. */
  readonly rotationLambdaArn?: string;
  /** Days between rotations, from `AutomaticallyAfterDays` or a `rate(N days|hours)` schedule; undefined when only a cron schedule says it. */
  readonly frequencyDays?: number;
  readonly scheduleExpression?: string;
  readonly automaticallyAfterDays?: number;
  readonly lastRotatedDate?: Date;
  /** The version id that holds AWSCURRENT: a completed rotation moves it. */
  readonly currentVersionId?: string;
}

/** Days between rotations a `rate()` schedule means; undefined for `cron()` (its interval varies). */
function rateDays(expression: string | undefined): number | undefined {
  const match = /^rate\((\d+) (day|days|hour|hours)\)$/.exec(expression ?? '');
  if (!match) return undefined;
  return match[2]!.startsWith('day') ? Number(match[1]) : Number(match[1]) / 24;
}

/** The secret's rotation as Secrets Manager reports it. Throws when it does not exist or is scheduled for deletion. */
export async function readRotation(ctx: PlaybookContext<unknown>): Promise<SecretRotation> {
  const secret = await ctx.aws.client(SecretsManagerClient).send(new DescribeSecretCommand({ SecretId: ctx.resource.id }));
  if (secret.DeletedDate) {
    throw new RemediationFailedError(`Secret ${ctx.resource.id} (finding ${ctx.request.findingId}) is scheduled for deletion; Rectify changed nothing`);
  }
  const rules = secret.RotationRules ?? {};
  const current = Object.entries(secret.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  return {
    name: secret.Name ?? ctx.resource.id,
    rotationEnabled: secret.RotationEnabled === true,
    ...(secret.RotationLambdaARN ? { rotationLambdaArn: secret.RotationLambdaARN } : {}),
    ...(rules.AutomaticallyAfterDays !== undefined ? { automaticallyAfterDays: rules.AutomaticallyAfterDays } : {}),
    ...(rules.ScheduleExpression ? { scheduleExpression: rules.ScheduleExpression } : {}),
    ...((rules.AutomaticallyAfterDays ?? rateDays(rules.ScheduleExpression)) !== undefined
      ? { frequencyDays: rules.AutomaticallyAfterDays ?? rateDays(rules.ScheduleExpression) }
      : {}),
    ...(secret.LastRotatedDate ? { lastRotatedDate: secret.LastRotatedDate } : {}),
    ...(current ? { currentVersionId: current } : {}),
  };
}

/** Why moto cannot run these playbooks end to end (docs/moto-gaps.md). */
export const ROTATION_NOT_EMULATED =
  'moto 5.2.1 runs a rotation function only in Docker (RotateSecret invokes the Lambda function; none here), and RotateSecret without RotationLambdaARN clears the function the secret names instead of keeping it';
