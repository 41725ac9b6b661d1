import { ExitCode, LockstepError } from '../errors.js';
import { SqlSyntaxError } from '../sql/postgres/parser.js';
import { splitStatements, type SqlStatement } from '../sql/postgres/statements.js';
import { sha256Hex } from '../util/hash.js';
import { nulByteProblem } from '../util/sql-text.js';
import { missingFileText } from './missing-file.js';
import type { Workspace } from './workspace.js';

/**
 * `transaction`: the whole file in one transaction with its history row: all or nothing.
 * `statements`: one statement at a time, progress recorded after each, because PostgreSQL refuses
 * some statement of the file inside a transaction block (or the file manages its own).
 */
export type MigrationMode = 'transaction' | 'statements';

/** A migration file as read from disk, before it is checked. */
export interface MigrationSource {
  name: string;
  /** Path of the script relative to the project, for messages. */
  file: string;
  /** undefined when the file does not exist. */
  script: string | undefined;
  checksum: string | undefined;
  invalidUtf8At: number | undefined;
  /** The ORM's own ordering time (Drizzle's journal `when`), carried into its history row. */
  createdAt?: number | undefined;
  /** When the file is missing: what lists the migration anyway (Drizzle's journal, a migration folder), relative to the project. */
  listedIn?: string | undefined;
}

export interface PreparedMigration {
  name: string;
  file: string;
  checksum: string;
  statements: SqlStatement[];
  mode: MigrationMode;
  /** Why the migration runs statement by statement, e.g. "CREATE INDEX CONCURRENTLY at line 3". */
  modeReason: string | undefined;
  /**
   * Statements mode: the index of a COMMIT that the file writes with no BEGIN before it, to leave
   * the transaction its runner opened (Drizzle's `COMMIT;--> statement-breakpoint` convention).
   * lockstep opens that transaction: the statements up to the COMMIT apply together, the ones
   * after it one by one.
   */
  leavesTransactionAt?: number | undefined;
  createdAt?: number | undefined;
}

interface Problem {
  message: string;
  /** A problem with the file itself (missing, empty, not UTF-8) rather than its SQL. */
  fileLevel: boolean;
}

/** SHA-256 of each statement's text: what a resume checks the completed statements against. */
export function statementHashes(statements: SqlStatement[]): string[] {
  return statements.map((s) => sha256Hex(s.text).slice(0, 16));
}

async function prepareOne(source: MigrationSource): Promise<PreparedMigration | Problem> {
  if (source.script === undefined || source.checksum === undefined) {
    return { message: missingFileText(source.file, source.name, source.listedIn), fileLevel: true };
  }
  if (source.invalidUtf8At !== undefined) {
    const line = source.script.slice(0, source.invalidUtf8At).split('\n').length;
    return {
      message: `${source.file} is not valid UTF-8: the first invalid byte is at offset ${source.invalidUtf8At} (around line ${line}). Save the file as UTF-8.`,
      fileLevel: true,
    };
  }
  const nul = nulByteProblem(source.file, source.script);
  if (nul) return { message: `${nul}.`, fileLevel: true };
  const script = source.script.replace(/^\uFEFF/, '');
  if (script.trim() === '') {
    return {
      message: `${source.file} is empty. An empty migration file is usually a truncated copy; if the migration is meant to do nothing, write a comment in it (e.g. "-- This migration is intentionally empty.").`,
      fileLevel: true,
    };
  }
  let statements: SqlStatement[];
  try {
    statements = await splitStatements(script);
  } catch (error) {
    if (error instanceof SqlSyntaxError) {
      return { message: `${source.file}:${error.line}:${error.column}: ${error.message}`, fileLevel: false };
    }
    throw error;
  }
  const outside = statements.find((s) => s.outsideTransaction);
  const control = statements.find((s) => s.transactionControl);
  // A first COMMIT with no BEGIN before it ends the transaction the file expects to start in; only
  // when nothing before it refuses a transaction block can that transaction be given to it.
  const leaves = control?.transactionControl === 'commit' && (!outside || outside.index > control.index) ? control : undefined;
  let modeReason: string | undefined;
  if (leaves) {
    modeReason = `its COMMIT at line ${leaves.line} ends the transaction the statements before it run in${outside ? `, and ${outside.outsideTransaction} at line ${outside.line} cannot run inside one` : ''}`;
  } else if (outside) modeReason = `${outside.outsideTransaction} at line ${outside.line} cannot run inside a transaction`;
  else if (control)
    modeReason = `the file controls its own transactions (${control.text.split(/\s/)[0]!.toUpperCase()} at line ${control.line})`;
  return {
    name: source.name,
    file: source.file,
    checksum: source.checksum,
    statements,
    mode: modeReason ? 'statements' : 'transaction',
    modeReason,
    ...(leaves ? { leavesTransactionAt: leaves.index } : {}),
    createdAt: source.createdAt,
  };
}

/**
 * Reads and parses every pending migration before any is applied, so that a missing, empty,
 * non-UTF-8 or syntactically invalid file, or one with a NUL byte, stops the deploy with nothing changed.
 */
export async function prepareMigrations(sources: MigrationSource[], command: string): Promise<PreparedMigration[]> {
  const results = await Promise.all(sources.map(prepareOne));
  const problems = results.filter((r): r is Problem => 'fileLevel' in r);
  if (problems.length === 0) return results as PreparedMigration[];
  const fileLevel = problems.some((p) => p.fileLevel);
  throw new LockstepError({
    code: fileLevel ? 'LS_MIGRATION_FILE' : 'LS_MIGRATION_SYNTAX',
    message:
      problems.length === 1
        ? `A pending migration cannot be applied: ${problems[0]!.message}`
        : `${problems.length} pending migrations cannot be applied:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    state: 'Unchanged: lockstep checks every pending migration before applying any, so none was applied.',
    recovery: [`Fix the file${problems.length > 1 ? 's' : ''} named above, then run \`lockstep ${command}\` again.`],
    exitCode: fileLevel ? ExitCode.Usage : ExitCode.Failed,
    details: { problems: problems.map((p) => p.message) },
  });
}

/** The named migrations of the workspace as sources to prepare, in the order given. */
export function migrationSources(workspace: Pick<Workspace, 'disk' | 'rel'>, names: string[]): MigrationSource[] {
  const byName = new Map(workspace.disk.migrations.map((m) => [m.name, m]));
  return names.map((name) => {
    const file = byName.get(name)!;
    return {
      name,
      file: workspace.rel(file.path),
      script: file.script,
      checksum: file.checksum,
      invalidUtf8At: file.invalidUtf8At,
      createdAt: file.createdAt,
      listedIn: file.listedIn && workspace.rel(file.listedIn),
    };
  });
}
