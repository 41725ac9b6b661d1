#!/usr/bin/env node
import { Command } from 'commander';
import './node-globals.js';
import { LOCKSTEP_VERSION } from '../version.js';
import { ExitCode } from '../errors.js';
import { useBaselineWasmCompiler } from '../util/wasm-compiler.js';

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
      'Docs: README.md',
  );

/** The commands, in the order `lockstep --help` lists them. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  deploy: async () => (await import('./commands/deploy.js')).deployCommand(),
  status: async () => (await import('./commands/status.js')).statusCommand(),
  detect: async () => (await import('./commands/detect.js')).detectCommand(),
  drift: async () => (await import('./commands/drift.js')).driftCommand(),
  lint: async () => (await import('./commands/lint.js')).lintCommand(),
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand(),
  resolve: async () => (await import('./commands/resolve.js')).resolveCommand(),
  baseline: async () => (await import('./commands/baseline.js')).baselineCommand(),
};

// Only the command being run is loaded (a no-op deploy starts on every release); anything else
// (help, --version, a mistyped command, which commander answers with the list) loads them all.
const requested = process.argv[2];
const names = requested !== undefined && Object.hasOwn(COMMANDS, requested) ? [requested] : Object.keys(COMMANDS);
for (const command of await Promise.all(names.map((name) => COMMANDS[name]!()))) program.addCommand(command);

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
