import { DescribeStateMachineCommand, SFNClient, UpdateStateMachineCommand, type LoggingConfiguration } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { RemediationFailedError } from '../../domain/errors.js';
import { chooseValue, SOURCE_WORDS } from '../controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { creationChange } from '../createdResources.js';
import { createLogGroup, deleteCreatedLogGroup, logGroupArnFor, logGroupExists } from '../logGroups.js';
import { logGroupNameFor, requireLogDeliveryRole, LOG_DELIVERY_ACTIONS, LOG_GROUP } from './logDestination.js';

/** The playbook's id, the value of the `rectify:created-by` tag on the log group it creates (the id below is a literal: tools read it from the source). */
const PLAYBOOK_ID = 'stepfunctions-enable-logging';
/** Log levels by how much they log: a level passes a minimum when it logs at least as much. */
const LEVELS = ['FATAL', 'ERROR', 'ALL'] as const;
type Level = (typeof LEVELS)[number];
const atLeast = (level: string, minimum: Level) => LEVELS.indexOf(level as Level) >= LEVELS.indexOf(minimum);

const Parameters = z.object({
  /** StepFunctions.1's `logLevel`, the minimum level (Enum ALL, ERROR, FATAL; no Security Hub default: then any level but OFF passes). */
  logLevel: z.tuple([z.enum(LEVELS)]).transform(([level]) => level).optional(),
});
type Parameters = z.infer<typeof Parameters>;

const Settings = z.object({
  /** The level a state machine that does not log is set to; at least the finding's `logLevel`. No default: the finding's, else ERROR. */
  logLevel: z.enum(LEVELS).optional(),
  /** Retention of the log group Rectify creates (a CloudWatch Logs retention value). @default 365 */
  retentionInDays: z.union([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map((d) => z.literal(d))).default(365),
  /** A KMS key to encrypt the created log group with (its key policy must allow CloudWatch Logs). @default CloudWatch Logs' own keys */
  kmsKeyId: z.string().min(1).optional(),
});
type Settings = z.infer<typeof Settings>;
type Ctx = PlaybookContext<Settings, Parameters>;

/** The state machine's logging as Step Functions reports it, and whether Rectify's log group for it existed. */
type LoggingSnapshot = { level: string; includeExecutionData: boolean; destinations: string[]; logGroupExisted: boolean };

async function describe(ctx: Ctx) {
  return ctx.aws.client(SFNClient).send(new DescribeStateMachineCommand({ stateMachineArn: ctx.resource.id }));
}
const destinationsOf = (logging: LoggingConfiguration | undefined) =>
  (logging?.destinations ?? []).map((d) => d.cloudWatchLogsLogGroup?.logGroupArn).filter((arn): arn is string => Boolean(arn));

async function setLogging(ctx: Ctx, level: string, includeExecutionData: boolean, destinations: readonly string[]): Promise<void> {
  const loggingConfiguration: LoggingConfiguration = {
    level: level as LoggingConfiguration['level'],
    includeExecutionData,
    ...(destinations.length ? { destinations: destinations.map((logGroupArn) => ({ cloudWatchLogsLogGroup: { logGroupArn } })) } : {}),
  };
  await ctx.aws.client(SFNClient).send(new UpdateStateMachineCommand({ stateMachineArn: ctx.resource.id, loggingConfiguration }));
}

function levelsFor(ctx: Ctx): { minimum: Level | undefined; target: Level; words: string } {
  const chosen = chooseValue(ctx, 'logLevel', { name: 'logLevel', value: ctx.settings.logLevel }, (setting, control) => atLeast(setting, control));
  const target = chosen.value ?? 'ERROR';
  return { minimum: ctx.parameters.logLevel, target, words: chosen.value ? `${target} (${SOURCE_WORDS[chosen.source]})` : `${target} (any level but OFF passes: Security Hub's default)` };
}
const passes = (level: string, minimum: Level | undefined) => level !== 'OFF' && (!minimum || atLeast(level, minimum));

/**
 * Turns on logging to CloudWatch Logs for a Step Functions state machine (StepFunctions.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/stepfunctions-controls.html#stepfunctions-1;
 * AWS Config rule `step-functions-state-machine-logging-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/step-functions-state-machine-logging-enabled.html:
 * NON_COMPLIANT when logging is off, or below the control's minimum `logLevel` when the finding
 * sets one). `verify` evaluates exactly that. A state machine that names a log group already
 * keeps it; otherwise Rectify creates `/aws/vendedlogs/states/<name>-Logs`, tagged
 * `rectify:created-by`, with a retention, and rollback deletes it again. Execution data stays out
 * of the logs unless it was logged before. The state machine's role must be allowed to deliver
 * logs: Rectify checks it with IAM's policy simulation and stops, naming what to grant, rather
 * than edit a customer's role. CloudWatch Logs bills the logs: every plan is disruptive.
 * Not emulated: moto 5.2.1 has no IAM SimulatePrincipalPolicy (tested with aws-sdk-client-mock).
 */
export const enableStateMachineLogging = definePlaybook<LoggingSnapshot, { description: string }, Settings, Parameters>({
  id: 'stepfunctions-enable-logging',
  title: 'Turn on CloudWatch Logs logging for a Step Functions state machine',
  controls: ['StepFunctions.1'],
  resourceType: 'AwsStepFunctionStateMachine',
  impact: 'disruptive',
  creates: [LOG_GROUP],
  permissions: [
    'iam:SimulatePrincipalPolicy',
    'logs:CreateLogGroup',
    'logs:DeleteLogGroup',
    'logs:ListTagsForResource',
    'logs:PutRetentionPolicy',
    'logs:TagResource',
    ...LOG_DELIVERY_ACTIONS,
    'states:DescribeStateMachine',
    'states:UpdateStateMachine',
  ],
  settings: Settings,
  parameters: { control: 'StepFunctions.1', schema: Parameters },
  notEmulated: 'moto 5.2.1 has no IAM SimulatePrincipalPolicy, with which the playbook checks that the state machine role can deliver logs',

  async snapshot(ctx) {
    const machine = await describe(ctx);
    return {
      level: machine.loggingConfiguration?.level ?? 'OFF',
      includeExecutionData: machine.loggingConfiguration?.includeExecutionData ?? false,
      destinations: destinationsOf(machine.loggingConfiguration),
      logGroupExisted: await logGroupExists(ctx, logGroupNameFor(machine.name ?? ctx.resource.name)),
    };
  },

  async plan(ctx, current) {
    const { minimum, target, words } = levelsFor(ctx);
    if (passes(current.level, minimum)) return { summary: `State machine ${ctx.resource.name} logs at ${current.level}`, changes: [] };
    const machine = await describe(ctx);
    if (!machine.roleArn) throw new RemediationFailedError(`State machine ${ctx.resource.id} has no role (finding ${ctx.request.findingId}); Rectify changed nothing`);
    await requireLogDeliveryRole(ctx, machine.roleArn);
    const group = logGroupNameFor(ctx.resource.name);
    const creates = current.destinations.length === 0;
    const changes = [
      ...(creates
        ? [creationChange(LOG_GROUP, group, `retention ${ctx.settings.retentionInDays} days, ${ctx.settings.kmsKeyId ? `encrypted with ${ctx.settings.kmsKeyId}` : "encrypted with CloudWatch Logs' keys"}`)]
        : []),
      { description: `Set the logging level of state machine ${ctx.resource.id} from ${current.level} to ${target}, to ${creates ? group : current.destinations.join(', ')}` },
    ];
    const why =
      `it adds cost: CloudWatch Logs bills the ingestion and storage of the state machine's execution history events at ${target}; executions are unaffected`;
    return { summary: `Turn on logging at ${words} for state machine ${ctx.resource.name} (disruptive: ${why})`, impact: { level: 'disruptive', why }, changes };
  },

  async apply(ctx) {
    const { minimum, target } = levelsFor(ctx);
    const machine = await describe(ctx);
    const level = machine.loggingConfiguration?.level ?? 'OFF';
    if (passes(level, minimum)) return;
    await requireLogDeliveryRole(ctx, machine.roleArn ?? '');
    let destinations = destinationsOf(machine.loggingConfiguration);
    if (destinations.length === 0) {
      const group = logGroupNameFor(ctx.resource.name);
      if (!(await logGroupExists(ctx, group))) await createLogGroup(ctx, group, { playbookId: PLAYBOOK_ID, retentionInDays: ctx.settings.retentionInDays, kmsKeyId: ctx.settings.kmsKeyId });
      destinations = [logGroupArnFor(ctx, group)];
    }
    await setLogging(ctx, target, machine.loggingConfiguration?.includeExecutionData ?? false, destinations);
  },

  async verify(ctx) {
    const { minimum } = levelsFor(ctx);
    const level = (await describe(ctx)).loggingConfiguration?.level ?? 'OFF';
    return { compliant: passes(level, minimum), detail: `State machine ${ctx.resource.name} logs at ${level}${minimum ? ` (the control asks for at least ${minimum})` : ''}` };
  },

  async rollback(ctx, snapshot) {
    const machine = await describe(ctx);
    const now = machine.loggingConfiguration;
    const same =
      (now?.level ?? 'OFF') === snapshot.level &&
      (now?.includeExecutionData ?? false) === snapshot.includeExecutionData &&
      JSON.stringify(destinationsOf(now)) === JSON.stringify(snapshot.destinations);
    if (!same) await setLogging(ctx, snapshot.level, snapshot.includeExecutionData, snapshot.destinations);
    const group = logGroupNameFor(ctx.resource.name);
    if (!snapshot.logGroupExisted && (await logGroupExists(ctx, group))) await deleteCreatedLogGroup(ctx, group, PLAYBOOK_ID);
  },
});
