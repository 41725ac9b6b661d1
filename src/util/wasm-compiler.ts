import { setFlagsFromString } from 'node:v8';

let baselineCompilerOnly = false;

/**
 * For a short CLI process only (`lockstep lint`, `lockstep drift`): compile WebAssembly (the SQL
 * parser, PGlite) with V8's baseline compiler alone. Such a run is one pass, and optimising the
 * WebAssembly in the background costs more CPU than it saves (measured: 1,000 migration files parse
 * in about half the time). V8 flags are process-wide, so the library never sets this on its own: it
 * would slow down other WebAssembly in the host process (the embedded database, the application's own).
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
