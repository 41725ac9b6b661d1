import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * For the `lockstep` CLI process only: lets lockstep run a full garbage collection between two
 * phases that each hold a large WebAssembly instance (PGlite with its in-memory data directory, then
 * Prisma's schema parser), so that the second does not add to the first in the process's peak
 * memory. The library never turns this on: V8 flags are process-wide, and a host application
 * decides about its own garbage collection.
 */
export function allowPhaseCollection(): void {
  if (collect) return;
  try {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    collect = undefined;
  }
}

/** A full garbage collection when the CLI allowed it; otherwise nothing. */
export function collectBetweenPhases(): void {
  collect?.();
}

/**
 * Before a phase that reads a big input (a migration file of many megabytes): when the CLI allowed
 * phase collections, V8 keeps its heap small from here on (collecting sooner rather than growing),
 * which lowers the process's peak memory for a few percent of time. Otherwise nothing.
 */
export function economiseMemory(): void {
  if (!collect) return;
  try {
    setFlagsFromString('--optimize-for-size');
  } catch {
    // Only a memory economy: without it the run is the same.
  }
}
