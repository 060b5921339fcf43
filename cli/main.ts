import './quiet.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { MODES } from '../tasks/domain/constants.js';
import { DECISIONS } from '../workflows/local/decisions.js';
import { ExitCode, explainError } from './errors.js';
import { installLifecycle } from './lifecycle.js';
import { TARGET_OPTIONS } from './target.js';

installLifecycle();
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

// Commands load their modules when they run: `rectify mode get` should not pay for the CDK and the local runtime.
const lazy =
  <M, K extends keyof M>(load: () => Promise<M>, name: K) =>
  async (...args: unknown[]): Promise<void> => {
    await ((await load())[name] as (...a: unknown[]) => unknown)(...args);
  };
const simulateCommand = lazy(() => import('./commands/simulate.js'), 'simulateCommand');
const testCommand = lazy(() => import('./commands/test.js'), 'testCommand');
const sandboxCommand = lazy(() => import('./commands/sandbox.js'), 'sandboxCommand');
const playbooksCommand = lazy(() => import('./commands/playbooks.js'), 'playbooksCommand');
const docsCommand = lazy(() => import('./commands/playbooks.js'), 'docsCommand');
const modeGetCommand = lazy(() => import('./commands/mode.js'), 'modeGetCommand');
const modeSetCommand = lazy(() => import('./commands/mode.js'), 'modeSetCommand');
const resetBreakerCommand = lazy(() => import('./commands/mode.js'), 'resetBreakerCommand');
const traceCommand = lazy(() => import('./commands/trace.js'), 'traceCommand');
const reportCommand = lazy(() => import('./commands/report.js'), 'reportCommand');
const exemptionsAddCommand = lazy(() => import('./commands/exemptions.js'), 'exemptionsAddCommand');
const exemptionsListCommand = lazy(() => import('./commands/exemptions.js'), 'exemptionsListCommand');
const exemptionsRemoveCommand = lazy(() => import('./commands/exemptions.js'), 'exemptionsRemoveCommand');

const program = new Command()
  .name('rectify')
  .version(version, '-V, --version', 'print the version')
  .exitOverride()
  .description('Closed-loop remediation of Security Hub findings — run, test and inspect Rectify locally.')
  .showHelpAfterError();

program
  .command('simulate')
  .description('Run one scenario (setup, finding, approval decision) through intake and the workflow')
  .argument('<scenario>', 'scenario JSON file')
  .option('--endpoint <url>', 'use this moto server and leave its state for inspection')
  .addOption(new Option('--decision <decision>', 'approval decision').choices([...DECISIONS]))
  .addOption(new Option('--mode <mode>', 'override the scenario mode').choices([...MODES]))
  .option('--json', 'print one JSON object with the result')
  .action(simulateCommand);

program
  .command('test')
  .description("Run every scenario in a directory and check its expect block")
  .argument('<dir>', 'directory of scenario JSON files')
  .option('--endpoint <url>', 'use this moto server')
  .option('--json', 'print the results as JSON')
  .action(testCommand);

program
  .command('trace')
  .description('Draw a local execution as the Step Functions console would: graph, path taken, each state\'s input, output, duration, retries and error')
  .argument('<execution>', 'execution name (or a unique prefix), as printed by sandbox and simulate')
  .option('--html <file>', 'where to write the page (default .rectify/traces/<execution>.html, or under $RECTIFY_HOME)')
  .option('--json', 'print the states as JSON instead')
  .addHelpText('after', '\nExample:\n  npx rectify trace S3-8-a-1a2b --html trace.html')
  .action(traceCommand);

program
  .command('playbooks')
  .description('List the registered playbooks')
  .option('--json', 'print JSON')
  .action(playbooksCommand);

program
  .command('sandbox')
  .description('The main job, locally: start moto, build a two-account estate, run its findings through Rectify, show what happened')
  .argument('[action]', '"stop": stop a sandbox kept running with --keep')
  .option('--auto-approve', 'approve the production change without waiting for a person (for scripts)')
  .option('--keep', 'leave moto running afterwards, to explore with mode, exemptions, report and trace (Ctrl-C or `rectify sandbox stop` ends it)')
  .option('--json', 'print the results as JSON')
  .addHelpText(
    'after',
    '\nExamples:\n  npm run sandbox                    # waits for you to approve in a browser\n  npm run sandbox -- --auto-approve  # for scripts and CI\n' +
      '  npm run sandbox -- --keep          # then explore its state; prints the commands\n  npx rectify sandbox stop           # stops a kept sandbox',
  )
  .action(sandboxCommand);

const withTarget = (command: Command) => {
  for (const [flags, description] of TARGET_OPTIONS) command.option(flags, description);
  return command;
};

const mode = program.command('mode').description('Read or change the mode, per-control settings and circuit breakers (no deploy needed)');
withTarget(mode.command('get').description('Show the global mode, per-control settings and breaker states').option('--json', 'print JSON')).action(modeGetCommand);
withTarget(
  mode
    .command('set')
    .description(`Set the global mode (${MODES.join(' | ')}) or, with --control, one control (auto | approve | off)`)
    .argument('<value>', 'the mode or control setting')
    .option('--control <id>', 'a Security Hub control id, e.g. EC2.19'),
).action(modeSetCommand);
withTarget(
  mode.command('reset-breaker').description('Close a circuit breaker and clear its history').argument('<scope>', 'an account id, or "global"'),
).action(resetBreakerCommand);

withTarget(
  program
    .command('report')
    .description('How well the automation works: outcomes, success and rollback rates, time to remediate, approval latency')
    .option('--since <when>', 'a duration (7d, 24h) or a date', '30d')
    .option('--json', 'print JSON')
    .option('--html <file>', 'write an HTML report: every execution with a link to its trace, and the trends as charts')
    .option('--state-machine <arn>', 'the deployed state machine (stack output StateMachineArn): the HTML links each execution to the Step Functions console'),
).action(reportCommand);

const exemptions = program.command('exemptions').description('The central exemption register');
withTarget(
  exemptions
    .command('add')
    .description('Exempt a resource, an account, or an account for one control, until a date')
    .option('--resource <arn>', 'a resource ARN')
    .option('--account <id>', 'an account id')
    .option('--control <id>', 'with --account: only this control')
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--by <name>', 'who asked for it')
    .requiredOption('--expires <YYYY-MM-DD>', 'last exempt day (required; at most the policy maximum away)'),
).action(exemptionsAddCommand);
withTarget(exemptions.command('list').description('List register entries').option('--json', 'print JSON')).action(exemptionsListCommand);
withTarget(exemptions.command('remove').description('Remove an entry').argument('<scope>', 'the scope shown by list')).action(exemptionsRemoveCommand);

program
  .command('docs')
  .description('Regenerate docs/playbooks.md from the playbook registry')
  .action(docsCommand);

program
  .command('moto')
  .description('Local AWS emulator tooling')
  .command('ensure')
  .description('Install moto into the project virtualenv when it is missing')
  .action(async () => {
    const { ensureMoto } = await import('../workflows/local/moto.js');
    process.stdout.write(`moto is available through ${ensureMoto()}\n`);
  });

// Exit codes (README, "Exit codes"): the table is ExitCode in errors.ts; commands set CHECK_FAILED themselves.
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander has already printed its message (or the help, or the version)
    process.exitCode = error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  } else {
    const { message, exitCode } = explainError(error);
    process.stderr.write(`rectify: ${message}\n`);
    if (process.env.RECTIFY_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    process.exitCode = exitCode;
  }
}
