/**
 * A freshly initialised PGlite data directory, made once at build time (scripts/build-pglite-archive.mjs)
 * and shipped in dist/pglite/ as a brotli-compressed tar. Restoring it takes a fraction of a second
 * where PGlite's initdb takes several, which is most of the first run on the embedded database.
 * The archive is named after the PGlite version that made it; with no archive for the installed
 * version (a source checkout, a PGlite upgraded by hand) PGlite runs initdb as usual.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

const require = createRequire(import.meta.url);

/** PGlite's version, from its package.json next to the resolved entry point (the package does not export that file). */
export function pgliteVersion(): string {
  try {
    const entry = require.resolve('@electric-sql/pglite');
    return String((JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version);
  } catch {
    return 'unknown';
  }
}

/** The file name of the archive for a PGlite version. */
export const initdbArchiveName = (version: string) => `initdb-${version}.tar.br`;

/** Where the build puts the archive: dist/pglite/, next to dist/db/postgres/ where this module runs from. */
export function shippedArchivePath(version: string = pgliteVersion()): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pglite', initdbArchiveName(version));
}

/** The shipped initdb archive for the installed PGlite, uncompressed, or undefined when there is none. */
export function shippedInitdbArchive(): Blob | undefined {
  const version = pgliteVersion();
  if (version === 'unknown') return undefined;
  let compressed: Buffer;
  try {
    compressed = readFileSync(shippedArchivePath(version));
  } catch {
    return undefined;
  }
  try {
    return new Blob([brotliDecompressSync(compressed)]);
  } catch {
    return undefined;
  }
}

/**
 * PGlite's start parameters with a smaller buffer pool: lockstep's databases are small and short-lived,
 * and the default (128MB) is memory allocated and touched for nothing.
 */
export function pgliteStartParams(defaults: readonly string[]): string[] {
  return [...defaults, '-c', 'shared_buffers=32MB'];
}
