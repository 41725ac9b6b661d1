import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../../errors.js';
import { sha256Hex } from '../../util/hash.js';
import type { DiskMigration, MigrationsOnDisk } from '../adapter.js';
import { readMigrationBytes, shownPath } from '../migration-file.js';
import { firstInvalidUtf8 } from '../../util/sql-text.js';

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
  if (!existsSync(path))
    return { name, path, script: undefined, checksum: undefined, invalidUtf8At: undefined, createdAt, listedIn };
  const bytes = readMigrationBytes(path, `migration "${name}"`);
  // drizzle-orm hashes the decoded text, exactly as read.
  const script = bytes.toString();
  return { name, path, script, checksum: sha256Hex(script), invalidUtf8At: firstInvalidUtf8(bytes, script), createdAt };
}

function journalError(journalFile: string, problem: string) {
  return usageError('LS_DRIZZLE_JOURNAL', `${shownPath(journalFile)} ${problem}.`, [
    `Restore the journal from version control (drizzle-kit writes it: git checkout -- ${shownPath(journalFile)}), or regenerate the migrations with drizzle-kit generate, then run the command again.`,
  ]);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The journal's entries, each with a tag and a time, or a usage error saying what is wrong with them. */
function journalEntries(journalFile: string, journal: unknown): Array<{ tag: string; when: number }> {
  if (journal === null || typeof journal !== 'object' || Array.isArray(journal)) {
    throw journalError(
      journalFile,
      `is not a drizzle-kit journal: it is ${kindOf(journal)}, where an object with an "entries" array is expected`,
    );
  }
  const entries = (journal as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) {
    throw journalError(
      journalFile,
      entries === undefined
        ? 'has no "entries" array'
        : `has "entries" that is ${kindOf(entries)}, where an array of migrations is expected`,
    );
  }
  const problems: string[] = [];
  const valid: Array<{ tag: string; when: number }> = [];
  entries.forEach((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`entry ${i} is ${kindOf(entry)}, not a migration`);
      return;
    }
    const { tag, when } = entry as JournalEntry;
    if (typeof tag !== 'string' || tag === '') problems.push(`entry ${i} has no "tag" (the migration's file name)`);
    else if (typeof when !== 'number' || !Number.isFinite(when)) problems.push(`entry ${i} (${tag}) has no numeric "when"`);
    else valid.push({ tag, when });
  });
  if (problems.length > 0)
    throw journalError(
      journalFile,
      `has ${problems.length === 1 ? 'an entry' : `${problems.length} entries`} that drizzle-orm cannot apply: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; ...' : ''}`,
    );
  return valid;
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
    const text = readMigrationBytes(journalFile, "drizzle-kit's migration journal").toString('utf8');
    let journal: unknown;
    try {
      journal = JSON.parse(text);
    } catch (error) {
      throw journalError(journalFile, `is not valid JSON: ${(error as Error).message}`);
    }
    const entries = journalEntries(journalFile, journal);
    if (entries.length === 0) {
      const sqlFiles = readdirSync(out)
        .filter((name) => name.endsWith('.sql'))
        .sort();
      if (sqlFiles.length > 0) {
        const shown = sqlFiles.slice(0, 3).join(', ') + (sqlFiles.length > 3 ? ', ...' : '');
        throw journalError(
          journalFile,
          `lists no migrations, but ${shownPath(out)} has ${sqlFiles.length} SQL file${sqlFiles.length === 1 ? '' : 's'} (${shown}): drizzle-orm would apply none of them. The journal was reset, or not committed with the files`,
        );
      }
    }
    const migrations = entries.map((entry) =>
      readMigrationFile(entry.tag, join(out, `${entry.tag}.sql`), entry.when, journalFile),
    );
    return { location: out, exists: true, layout: 'journal', migrations };
  }
  if (!existsSync(out) || !statSync(out).isDirectory())
    return { location: out, exists: false, layout: 'journal', migrations: [] };
  const migrations = migrationFolders(out).map((name) =>
    readMigrationFile(name, join(out, name, 'migration.sql'), folderMillis(name)!, join(out, name)),
  );
  return { location: out, exists: true, layout: migrations.length > 0 ? 'folders' : 'journal', migrations };
}
