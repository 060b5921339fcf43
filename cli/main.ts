import './quiet.js';
import { Command, Option } from 'commander';
import { MODES } from '../tasks/domain/constants.js';
import { docsCommand, playbooksCommand } from './commands/playbooks.js';
import { sandboxCommand } from './commands/sandbox.js';
import { simulateCommand } from './commands/simulate.js';
import { testCommand } from './commands/test.js';
import { ensureMoto } from '../workflows/local/moto.js';
import { DECISIONS } from '../workflows/local/scenario.js';

const program = new Command()
  .name('rectify')
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
  .command('playbooks')
  .description('List the registered playbooks')
  .option('--json', 'print JSON')
  .action(playbooksCommand);

program
  .command('sandbox')
  .description('Start moto, run the example findings through Rectify and print what happened')
  .option('--dir <dir>', 'scenario directory', 'scenarios')
  .option('--json', 'print the results as JSON')
  .action(sandboxCommand);

program
  .command('docs')
  .description('Regenerate docs/playbooks.md from the playbook registry')
  .action(docsCommand);

program
  .command('moto')
  .description('Local AWS emulator tooling')
  .command('ensure')
  .description('Install moto into the project virtualenv when it is missing')
  .action(() => {
    const python = ensureMoto();
    process.stdout.write(`moto is available through ${python}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`rectify: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
