import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskMigration, MigrationsOnDisk } from '../adapter.js';
import { readMigrationBytes } from '../migration-file.js';
import { prismaChecksum } from './checksum.js';

/**
 * A migration directory on disk, in Prisma's order. `path` is its migration.sql; `script` is the
 * text as Prisma reads it (UTF-8, invalid bytes replaced), undefined when there is no migration.sql;
 * `checksum` is Prisma's checksum of it.
 */
export interface PrismaMigrationFile extends DiskMigration {
  dir: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Lists the migration directories the way Prisma 6.6+ does: the direct sub-directories of the
 * migrations folder, sorted with localeCompare. A directory without migration.sql is kept so that
 * it can be reported by name.
 */
export function listPrismaMigrations(dir: string): MigrationsOnDisk & { migrations: PrismaMigrationFile[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { location: dir, exists: false, migrations: [] };
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => join(dir, a).localeCompare(join(dir, b)));
  const migrations = names.map((name): PrismaMigrationFile => {
    const migrationDir = join(dir, name);
    const scriptPath = join(migrationDir, 'migration.sql');
    if (!existsSync(scriptPath)) return { name, dir: migrationDir, path: scriptPath, script: undefined, checksum: undefined, invalidUtf8At: undefined, listedIn: migrationDir };
    const bytes = readMigrationBytes(scriptPath, `migration "${name}"`);
    const script = bytes.toString('utf8');
    return { name, dir: migrationDir, path: scriptPath, script, checksum: prismaChecksum(script), invalidUtf8At: firstInvalidUtf8(bytes, script) };
  });
  return { location: dir, exists: true, migrations };
}

/** Byte offset of the first byte sequence that is not valid UTF-8, or undefined. */
export function firstInvalidUtf8(bytes: Uint8Array, decoded?: string): number | undefined {
  // Decoding replaces invalid sequences with U+FFFD: without one in the text, the bytes were valid.
  if (decoded !== undefined && !decoded.includes('\uFFFD')) return undefined;
  try {
    strictUtf8.decode(bytes);
    return undefined;
  } catch {
    /* find where */
  }
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k]!;
      let low = 0x80;
      let high = 0xbf;
      if (k === 1 && lead === 0xe0) low = 0xa0;
      if (k === 1 && lead === 0xed) high = 0x9f;
      if (k === 1 && lead === 0xf0) low = 0x90;
      if (k === 1 && lead === 0xf4) high = 0x8f;
      if (byte < low || byte > high) return i;
    }
    i += length;
  }
  return undefined;
}
