import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskMigration, MigrationsOnDisk } from '../adapter.js';
import { readMigrationBytes } from '../migration-file.js';
import { prismaChecksum } from './checksum.js';
import { firstInvalidUtf8 } from '../../util/sql-text.js';

/**
 * A migration directory on disk, in Prisma's order. `path` is its migration.sql; `script` is the
 * text as Prisma reads it (UTF-8, invalid bytes replaced), undefined when there is no migration.sql;
 * `checksum` is Prisma's checksum of it.
 */
export interface PrismaMigrationFile extends DiskMigration {
  dir: string;
}

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
    if (!existsSync(scriptPath))
      return {
        name,
        dir: migrationDir,
        path: scriptPath,
        script: undefined,
        checksum: undefined,
        invalidUtf8At: undefined,
        listedIn: migrationDir,
      };
    const bytes = readMigrationBytes(scriptPath, `migration "${name}"`);
    const script = bytes.toString('utf8');
    return {
      name,
      dir: migrationDir,
      path: scriptPath,
      script,
      checksum: prismaChecksum(script),
      invalidUtf8At: firstInvalidUtf8(bytes, script),
    };
  });
  return { location: dir, exists: true, migrations };
}
