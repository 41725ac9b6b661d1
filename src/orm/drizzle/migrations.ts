import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../../errors.js';
import { sha256Hex } from '../../util/hash.js';
import type { DiskMigration, MigrationsOnDisk } from '../adapter.js';
import { firstInvalidUtf8 } from '../prisma/migrations.js';

/**
 * `journal`: drizzle-kit 0.x, `<out>/meta/_journal.json` and `<out>/<tag>.sql`; applied state is a
 * high-water mark on the journal's `when`. `folders`: drizzle-kit v1, `<out>/<timestamp>_<name>/migration.sql`;
 * applied state is the set of recorded names.
 */
export type DrizzleLayout = 'journal' | 'folders';

export interface DrizzleMigrations extends MigrationsOnDisk {
  layout: DrizzleLayout;
}

interface JournalEntry {
  idx?: number;
  when: number;
  tag: string;
  breakpoints?: boolean;
}

function readMigrationFile(name: string, path: string, createdAt: number, listedIn: string): DiskMigration {
  if (!existsSync(path)) return { name, path, script: undefined, checksum: undefined, invalidUtf8At: undefined, createdAt, listedIn };
  const bytes = readFileSync(path);
  // drizzle-orm hashes the decoded text, exactly as read.
  const script = bytes.toString();
  return { name, path, script, checksum: sha256Hex(script), invalidUtf8At: firstInvalidUtf8(bytes, script), createdAt };
}

/** Millis of a v1 folder name's leading YYYYMMDDHHMMSS, in UTC, as drizzle-orm computes it. */
export function folderMillis(name: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The layout of a migrations folder, from its names alone (no migration file is read). */
export function drizzleLayout(out: string): DrizzleLayout {
  if (existsSync(join(out, 'meta', '_journal.json'))) return 'journal';
  return migrationFolders(out).length > 0 ? 'folders' : 'journal';
}

/** v1 migration folders (`<timestamp>_<name>`), in name order. */
function migrationFolders(out: string): string[] {
  if (!existsSync(out) || !statSync(out).isDirectory()) return [];
  return readdirSync(out, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'meta' && folderMillis(entry.name) !== undefined)
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
}

export function listDrizzleMigrations(out: string): DrizzleMigrations {
  const journalFile = join(out, 'meta', '_journal.json');
  if (existsSync(journalFile)) {
    let journal: { entries?: JournalEntry[] };
    try {
      journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries?: JournalEntry[] };
    } catch (error) {
      throw usageError('LS_DRIZZLE_JOURNAL', `${journalFile} is not valid JSON: ${(error as Error).message}.`, ['Restore the journal from version control (drizzle-kit writes it), then run the command again.']);
    }
    const migrations = (journal.entries ?? []).map((entry) => readMigrationFile(entry.tag, join(out, `${entry.tag}.sql`), Number(entry.when), journalFile));
    return { location: out, exists: true, layout: 'journal', migrations };
  }
  if (!existsSync(out) || !statSync(out).isDirectory()) return { location: out, exists: false, layout: 'journal', migrations: [] };
  const migrations = migrationFolders(out).map((name) => readMigrationFile(name, join(out, name, 'migration.sql'), folderMillis(name)!, join(out, name)));
  return { location: out, exists: true, layout: migrations.length > 0 ? 'folders' : 'journal', migrations };
}
