/**
 * A freshly initialised PGlite data directory, made once at build time (scripts/build-pglite-archive.mjs)
 * and shipped in dist/pglite/ as a brotli-compressed tar. Restoring it takes a fraction of a second
 * where PGlite's initdb takes several, which is most of the first run on the embedded database.
 * The archive is named after the PGlite version that made it; with no archive for the installed
 * version (a source checkout, a PGlite upgraded by hand) PGlite runs initdb as usual.
 */
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
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

/** The shipped initdb archive for the installed PGlite as an uncompressed tar, or undefined when there is none. */
export function shippedInitdbTar(): Buffer | undefined {
  const version = pgliteVersion();
  if (version === 'unknown') return undefined;
  try {
    return brotliDecompressSync(readFileSync(shippedArchivePath(version)));
  } catch {
    return undefined;
  }
}

/**
 * Restores the shipped archive into `dataDir`, which must not exist or be empty, and returns true;
 * false when there is no archive (PGlite then runs initdb). The files are written by Node.js itself
 * rather than through PGlite's `loadDataDir`, which copies them through its WebAssembly file system
 * and costs a second more. They go to a folder next to `dataDir` first and are renamed into place,
 * so that an interrupted restore never leaves a data directory that looks complete.
 */
export function restoreInitdbArchive(dataDir: string): boolean {
  const tar = shippedInitdbTar();
  if (!tar) return false;
  const partial = `${dataDir}.restore-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  try {
    extractTar(tar, partial);
    try {
      rmdirSync(dataDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    renameSync(partial, dataDir);
    return true;
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // Not restored: PGlite runs initdb in the (still empty) folder instead.
    mkdirSync(dataDir, { recursive: true });
    if (readdirSync(dataDir).length > 0) throw error;
    return false;
  }
}

/**
 * Writes a file whose end may be zeros (the WAL segment is 16 MB, mostly zeros): the bytes up to the
 * last non-zero one are written and the file is extended to its size, which reads back as zeros.
 */
function writeFile(path: string, content: Buffer, mode: number): void {
  let end = content.length;
  while (end > 0 && content[end - 1] === 0) end--;
  const fd = openSync(path, 'w', mode);
  try {
    if (end > 0) writeSync(fd, content, 0, end);
    if (end < content.length) ftruncateSync(fd, content.length);
  } finally {
    closeSync(fd);
  }
}

/** Extracts the ustar archive PGlite's dumpDataDir writes (directories and regular files only). */
function extractTar(tar: Buffer, into: string): void {
  mkdirSync(into, { recursive: true, mode: 0o700 });
  const text = (header: Buffer, from: number, to: number) =>
    header
      .subarray(from, to)
      .toString('utf8')
      .replace(/\0[\s\S]*$/, '');
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const prefix = text(header, 345, 500);
    const name = `${prefix ? `${prefix}/` : ''}${text(header, 0, 100)}`;
    const size = Number.parseInt(text(header, 124, 136).trim() || '0', 8);
    const mode = Number.parseInt(text(header, 100, 108).trim() || '0', 8) & 0o777;
    const type = String.fromCharCode(header[156]!);
    offset += 512;
    const parts = name.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.includes('..') || !Number.isFinite(size)) throw new Error(`unexpected entry ${name} in the initdb archive`);
    const target = join(into, ...parts);
    if (type === '5') mkdirSync(target, { recursive: true, mode: mode || 0o700 });
    else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFile(target, tar.subarray(offset, offset + size), mode || 0o600);
    } else throw new Error(`unexpected entry type ${type} in the initdb archive`);
    offset += Math.ceil(size / 512) * 512;
  }
  if (!readdirSync(into).includes('PG_VERSION')) throw new Error(`the initdb archive has no PG_VERSION`);
}

/**
 * PGlite's start parameters with a smaller buffer pool: lockstep's databases are small and short-lived,
 * and the default (128MB) is memory allocated and touched for nothing.
 */
export function pgliteStartParams(defaults: readonly string[]): string[] {
  return [...defaults, '-c', 'shared_buffers=32MB'];
}
