#!/usr/bin/env node
import { Command } from 'commander';
import './node-globals.js';
import { LOCKSTEP_VERSION } from '../version.js';
import { baselineCommand } from './commands/baseline.js';
import { deployCommand } from './commands/deploy.js';
import { detectCommand } from './commands/detect.js';
import { doctorCommand } from './commands/doctor.js';
import { driftCommand } from './commands/drift.js';
import { lintCommand } from './commands/lint.js';
import { resolveCommand } from './commands/resolve.js';
import { statusCommand } from './commands/status.js';
import { ExitCode } from '../errors.js';
import { useBaselineWasmCompiler } from '../util/wasm-compiler.js';
import { addExamples } from './help-examples.js';

// Every command is one pass over its input: WebAssembly (the SQL parser, PGlite) runs best on
// V8's baseline compiler alone here (src/util/wasm-compiler.ts).
useBaselineWasmCompiler();

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

// Usage errors exit 2 (help and --version exit 0), for the program and every command.
const exitOnUsageError = (error: { code: string }) => {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') process.exit(ExitCode.Ok);
  process.exit(ExitCode.Usage);
};
for (const command of [program, ...program.commands]) command.exitOverride(exitOnUsageError).showHelpAfterError();

// Output piped into a reader that stops early (`lockstep lint | head`) ends the process quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

await program.parseAsync(process.argv);
