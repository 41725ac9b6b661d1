/**
 * Reading a migration's SQL file, and what in its content PostgreSQL cannot take. A file that
 * cannot be read, or holds a NUL byte, stops the command with a usage error naming it (exit 2),
 * never with an internal error or a silently shortened migration.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { usageError, type LockstepError } from '../errors.js';

/** A path as messages show it: relative to the current directory when below it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The error for a migration file (or journal) that exists but cannot be read. */
export function unreadableFileError(path: string, what: string, error: unknown): LockstepError {
  const shown = shownPath(path);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied for the user lockstep runs as'
      : code === 'EISDIR'
        ? 'it is a directory, not a file'
        : `${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
  const fix =
    code === 'EISDIR'
      ? `${shown} must be a file holding the SQL: move the directory away and put the SQL in a file of that name`
      : code === 'EACCES' || code === 'EPERM'
        ? `Make ${shown} readable by the user lockstep runs as (e.g. chmod a+r ${shown})`
        : `Make ${shown} readable`;
  return usageError('LS_MIGRATION_FILE', `Cannot read ${shown} (${what}): ${reason}.`, [`${fix}, then run the command again.`], {
    file: shown,
  });
}

/** The bytes of a migration file, or a usage error naming it when it cannot be read. */
export function readMigrationBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw unreadableFileError(path, what, error);
  }
}
