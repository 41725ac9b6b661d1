#!/usr/bin/env node
import './node-globals.js';
import { cliProgram } from './program.js';
import { ExitCode } from '../errors.js';
import { allowPhaseCollection } from '../util/memory.js';
import { useBaselineWasmCompiler } from '../util/wasm-compiler.js';

// Every command is one pass over its input: WebAssembly (the SQL parser, PGlite) runs best on
// V8's baseline compiler alone here (src/util/wasm-compiler.ts).
useBaselineWasmCompiler();
allowPhaseCollection();

const program = cliProgram();

// Usage errors exit 2 (help and --version exit 0), for the program and every command.
const exitOnUsageError = (error: { code: string }) => {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')
    process.exit(ExitCode.Ok);
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
