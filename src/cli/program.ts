import { Command } from 'commander';
import { LOCKSTEP_VERSION } from '../version.js';
import { baselineCommand } from './commands/baseline.js';
import { deployCommand } from './commands/deploy.js';
import { detectCommand } from './commands/detect.js';
import { doctorCommand } from './commands/doctor.js';
import { driftCommand } from './commands/drift.js';
import { lintCommand } from './commands/lint.js';
import { resolveCommand } from './commands/resolve.js';
import { statusCommand } from './commands/status.js';
import { addExamples } from './help-examples.js';

/** The `lockstep` command line: every command with its options, not parsed yet (the docs' tests read it too). */
export function cliProgram(): Command {
  const program = new Command('lockstep')
    .description('Safe database migrations in production for Prisma, Drizzle and TypeORM projects.')
    .version(LOCKSTEP_VERSION)
    .enablePositionalOptions()
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 a check or migration failed, 2 usage or configuration error,\n' +
        '3 blocked (an earlier failed migration, a database that needs a baseline, or the migration lock held elsewhere),\n' +
        '  or drift found (drift, deploy --verify, baseline --check).\n' +
        'Docs: README.md, docs/cli.md',
    );

  program.addCommand(deployCommand());
  program.addCommand(statusCommand());
  program.addCommand(detectCommand());
  program.addCommand(driftCommand());
  program.addCommand(lintCommand());
  program.addCommand(doctorCommand());
  program.addCommand(resolveCommand());
  program.addCommand(baselineCommand());
  for (const command of [program, ...program.commands]) addExamples(command);
  return program;
}
