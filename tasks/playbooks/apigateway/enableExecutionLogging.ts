import { APIGatewayClient, GetAccountCommand, type Stage } from '@aws-sdk/client-api-gateway';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { chooseValue, SOURCE_WORDS } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { getStage, methodSettingsOf, patchStage, stageLabel, STAGE_PERMISSIONS } from './restApiStage.js';

const LEVELS = ['ERROR', 'INFO'] as const;
type Level = (typeof LEVELS)[number];

const Parameters = z.object({
  /** APIGateway.1's `loggingLevel` (Enum ERROR, INFO; Security Hub has no default: then both pass). */
  loggingLevel: z
    .tuple([z.enum(LEVELS)])
    .transform(([level]) => level)
    .optional(),
});
type Parameters = z.infer<typeof Parameters>;

const Settings = z.object({
  /**
   * The level a stage that does not log is set to. No default: the finding's `loggingLevel`
   * applies, else ERROR (the least volume, so the least CloudWatch Logs cost). When the finding
   * sets `loggingLevel`, a different setting is refused: Security Hub would still fail the stage.
   */
  loggingLevel: z.enum(LEVELS).optional(),
});
type Settings = z.infer<typeof Settings>;

/** The execution-logging level of the stage (`*\/*`) and of every method with its own settings; `OFF` where none is set. */
type ExecutionLoggingSnapshot = { levels: Record<string, string> };
type Ctx = PlaybookContext<Settings, Parameters>;

const STAGE_KEY = '*/*';

function levelsOf(stage: Stage): Record<string, string> {
  const levels: Record<string, string> = { [STAGE_KEY]: 'OFF' };
  for (const [key, settings] of Object.entries(methodSettingsOf(stage))) levels[key] = settings.loggingLevel ?? 'OFF';
  return Object.fromEntries(Object.entries(levels).sort(([a], [b]) => a.localeCompare(b)));
}

/** The levels that pass, and the level a failing stage gets, each with where it came from. */
function levelsFor(ctx: Ctx): { passing: readonly string[]; target: Level; words: string } {
  const chosen = chooseValue(ctx, 'loggingLevel', { name: 'loggingLevel', value: ctx.settings.loggingLevel }, (setting, control) => setting === control);
  const control = ctx.parameters.loggingLevel;
  const passing: readonly string[] = control ? [control] : LEVELS;
  const target = chosen.value ?? 'ERROR';
  const words = chosen.value ? `${target} (${SOURCE_WORDS[chosen.source]})` : `${target} (ERROR or INFO pass: Security Hub's default; ERROR logs the least)`;
  return { passing, target, words };
}

const failing = (levels: Record<string, string>, passing: readonly string[]) => Object.keys(levels).filter((key) => !passing.includes(levels[key]!));
const keyWords = (key: string) => (key === STAGE_KEY ? 'the stage' : `method ${key.slice(key.lastIndexOf('/') + 1)} ${key.slice(0, key.lastIndexOf('/')).replace(/~1/g, '/')}`);
const levelPatch = (keys: readonly string[], level: (key: string) => string) =>
  keys.map((key) => ({ op: 'replace' as const, path: `/${key}/logging/loglevel`, value: level(key) }));

/**
 * API Gateway writes execution logs with the account's CloudWatch Logs role (account settings,
 * per region). Without one it refuses the change; Rectify will not create or set an account-wide
 * role on its own, so it stops before any change and says what to do.
 */
async function requireLoggingRole(ctx: Ctx): Promise<string> {
  const { cloudwatchRoleArn } = await ctx.aws.client(APIGatewayClient).send(new GetAccountCommand({}));
  if (!cloudwatchRoleArn) {
    throw new RemediationFailedError(
      `Cannot turn on execution logging for REST API stage ${ctx.resource.id} (finding ${ctx.request.findingId}): API Gateway in account ` +
        `${ctx.resource.account}, region ${ctx.resource.region} has no CloudWatch Logs role (account settings, cloudwatchRoleArn), so it cannot write ` +
        'the logs. Rectify does not create or set this account-wide role itself: set one whose trust policy allows apigateway.amazonaws.com and ' +
        'that has the AmazonAPIGatewayPushToCloudWatchLogs managed policy, then run the remediation again. Nothing was changed.',
    );
  }
  return cloudwatchRoleArn;
}

/**
 * Turns on execution logging for a REST API stage and for every method of it whose own settings
 * turn logging off (APIGateway.1, https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-1;
 * AWS Config rule `api-gw-execution-logging-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/api-gw-execution-logging-enabled.html:
 * NON_COMPLIANT when logging is not enabled for all methods of the stage, or `loggingLevel` is
 * neither ERROR nor INFO, or not the control's `loggingLevel` parameter when the finding sets
 * one). `verify` checks the stage-wide level and every method's own. Methods already at a
 * passing level keep it; data tracing, metrics and access logging stay as they are.
 *
 * API Gateway writes the logs with the account's CloudWatch Logs role; without one the plan
 * stops before any change (see {@link requireLoggingRole}). The logs go to log group
 * `API-Gateway-Execution-Logs_<restApiId>/<stage>`, which API Gateway creates with no retention,
 * and CloudWatch Logs bills their ingestion and storage: every plan is disruptive and says so.
 * REST APIs only: WebSocket stages (AwsApiGatewayV2Stage) are not covered.
 */
export const enableExecutionLogging = definePlaybook<ExecutionLoggingSnapshot, { description: string }, Settings, Parameters>({
  id: 'apigateway-enable-execution-logging',
  title: 'Turn on execution logging for an API Gateway REST API stage',
  controls: ['APIGateway.1'],
  resourceType: 'AwsApiGatewayStage',
  impact: 'disruptive',
  permissions: [...STAGE_PERMISSIONS],
  settings: Settings,
  parameters: { control: 'APIGateway.1', schema: Parameters },

  snapshot: async (ctx) => ({ levels: levelsOf(await getStage(ctx)) }),

  async plan(ctx, current) {
    const { passing, target, words } = levelsFor(ctx);
    const keys = failing(current.levels, passing);
    if (keys.length === 0) return { summary: `REST API stage ${stageLabel(ctx)} logs every method at ${passing.join(' or ')}`, changes: [] };
    const role = await requireLoggingRole(ctx);
    const why =
      `it adds cost: CloudWatch Logs bills the ingestion and storage of the execution logs in log group API-Gateway-Execution-Logs_${stageLabel(ctx)}, ` +
      `which API Gateway creates with no retention (kept until someone sets one); requests are unaffected. Written with the account's role ${role}`;
    return {
      summary: `Turn on execution logging at ${words} for REST API stage ${stageLabel(ctx)} (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: keys.map((key) => ({
        description: `Set the execution-logging level of ${keyWords(key)} on REST API stage ${ctx.resource.id} from ${current.levels[key]} to ${target}`,
      })),
    };
  },

  async apply(ctx) {
    const { passing, target } = levelsFor(ctx);
    const keys = failing(levelsOf(await getStage(ctx)), passing);
    if (keys.length === 0) return;
    await requireLoggingRole(ctx);
    await patchStage(ctx, levelPatch(keys, () => target));
  },

  async verify(ctx) {
    const { passing } = levelsFor(ctx);
    const levels = levelsOf(await getStage(ctx));
    const keys = failing(levels, passing);
    return {
      compliant: keys.length === 0,
      detail:
        keys.length === 0
          ? `REST API stage ${stageLabel(ctx)} logs every method at ${passing.join(' or ')}`
          : `REST API stage ${stageLabel(ctx)} does not log at ${passing.join(' or ')}: ${keys.map((key) => `${keyWords(key)} is ${levels[key]}`).join(', ')}`,
    };
  },

  async rollback(ctx, snapshot) {
    const now = levelsOf(await getStage(ctx));
    const changed = Object.keys(snapshot.levels).filter((key) => now[key] !== snapshot.levels[key]);
    await patchStage(ctx, levelPatch(changed, (key) => snapshot.levels[key]!));
  },
});
