import { setFlagsFromString } from 'node:v8';

let baselineCompilerOnly = false;

/**
 * For the `lockstep` CLI process only: compile WebAssembly (the SQL parser, PGlite, Prisma's schema
 * parser) with V8's baseline compiler alone. Every command is one pass over its input, and
 * optimising the WebAssembly in the background costs more CPU than it saves (measured: 500 migration
 * files parse in 40 ms instead of 100 ms, and a 500-migration replay into PGlite uses about a third
 * less CPU). V8 flags are process-wide, so the library never sets this on its own: it would slow
 * down other WebAssembly in the host process (the embedded database, the application's own). The
 * application that `lockstep deploy -- <command>` starts is a process of its own and keeps V8's
 * defaults.
 */
export function useBaselineWasmCompiler(): void {
  if (baselineCompilerOnly) return;
  baselineCompilerOnly = true;
  try {
    setFlagsFromString('--liftoff-only');
  } catch {
    /* an engine without this flag compiles as usual */
  }
}

/** Whether the CLI asked for the baseline compiler (parse-ahead workers follow it). */
export function baselineWasmCompilerOnly(): boolean {
  return baselineCompilerOnly;
}
