/**
 * `lint()`: the linter as `lockstep lint` runs it. Chooses the files (named ones, the ones a
 * branch added, or the project's pending migrations), reads the project's `lint` configuration,
 * connects to the database for table sizes when there is one to ask, and returns the report.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readConfigFile, CONFIG_FILE_NAME } from '../config/config-file.js';
import type { PgTarget } from '../db/postgres/connect.js';
import type { PgSession } from '../db/postgres/session.js';
import { usageError } from '../errors.js';
import type { OrmName } from '../orm/adapter.js';
import { readLintConfig, DEFAULT_PG_VERSION, type LintConfig } from './config.js';
import { lintSql } from './engine.js';
import { readSources } from './read-sources.js';
import { postgresTableStats } from './table-stats.js';
import type { LintReport, LintSource, Runner } from './types.js';

// The project's migrations and a database are loaded only when a run needs them: linting named
// files without --url starts without the ORM adapters and the database driver.
const projectFiles = () => import('./project-files.js');

/** What `lint()` takes. */
export interface LintOptions {
  /**
   * The project directory: its lockstep.config.json and, without files, its migrations.
   * @defaultValue the current directory
   */
  project?: string;
  /**
   * The ORM whose migrations to use when the project has several.
   * @defaultValue the one detected
   */
  orm?: OrmName;
  /**
   * The ORM's configuration file when it is not where lockstep looks (see ProjectOptions.config).
   * @defaultValue the one lockstep finds
   */
  config?: string;
  /**
   * A database to read table sizes from (and, without files, to find the pending migrations on). Never printed.
   * An empty string is a configuration error.
   * @defaultValue the project's URL when linting its pending migrations, else none: findings are not graded by table size
   */
  url?: string;
  /**
   * Files or directories (linted recursively, their `.sql` files in path order) to lint; `-` reads stdin.
   * @defaultValue none: the project's pending migrations (all of them without a database URL)
   */
  files?: string[];
  /**
   * Lint the project's migration files added or changed between this git ref and HEAD.
   * @defaultValue none
   */
  since?: string;
  /**
   * Supplies stdin's content when `files` contains `-`.
   * @defaultValue reads the process's standard input
   */
  stdin?: () => Promise<Buffer>;
  /**
   * The name stdin's findings are reported under.
   * @defaultValue `"<stdin>"`
   */
  stdinFilename?: string;
  /**
   * What will run the migrations, which decides transactions and timeouts.
   * @defaultValue `lint.runner` in lockstep.config.json, else `"lockstep"`
   */
  runner?: Runner;
  /**
   * PostgreSQL major version the migrations target, e.g. `16`.
   * @defaultValue `lint.postgresVersion` in lockstep.config.json, else the database's, else `14`
   */
  postgresVersion?: number;
}

export async function lint(options: LintOptions = {}): Promise<LintReport> {
  const root = resolve(options.project ?? process.cwd());
  if (options.project && (!existsSync(root) || !statSync(root).isDirectory())) {
    throw usageError('LS_NO_PROJECT', `The project directory ${root} does not exist.`, [
      'Pass --project with the directory that holds lockstep.config.json or the migrations.',
    ]);
  }
  const config = projectLintConfig(root);
  const files = options.files ?? [];
  if (files.length > 0 && options.since) {
    throw usageError('LS_BAD_OPTION', 'Name files to lint or pass --since, not both.', [
      'Drop the file arguments to lint what changed since the ref, or drop --since to lint the named files.',
    ]);
  }
  const runner = options.runner ?? config.runner ?? 'lockstep';

  if (files.length > 0 || options.since) {
    let notes: string[] = [];
    let paths = files;
    let unlisted: RunContext['unlisted'] = [];
    if (options.since) {
      const { migrationsChangedSince } = await projectFiles();
      const changed = await migrationsChangedSince(
        { project: options.project, orm: options.orm, config: options.config },
        options.since,
      );
      paths = changed.paths;
      notes = changed.notes;
      unlisted = changed.unlisted;
    }
    const sources =
      paths.length > 0
        ? await readSources(paths, {
            ...(options.stdin ? { stdin: options.stdin } : {}),
            ...(options.stdinFilename ? { stdinFilename: options.stdinFilename } : {}),
          })
        : [];
    // The migrations a branch adds all run in the next deploy, in folder order; named files are linted each on its own.
    return withOptionalDatabase(options.url, (session, database) =>
      run(sources, { options, config, runner, session, database, notes, sequence: Boolean(options.since), unlisted }),
    );
  }

  const { withPendingMigrations } = await projectFiles();
  return withPendingMigrations(
    { project: options.project, orm: options.orm, config: options.config, url: options.url },
    (selection) =>
      run(selection.sources, {
        options,
        config,
        runner,
        session: selection.session,
        database: selection.database,
        notes: selection.notes,
        sequence: selection.pending,
        unlisted: selection.unlisted,
      }),
  );
}

interface RunContext {
  options: LintOptions;
  config: LintConfig;
  runner: Runner;
  session: PgSession | undefined;
  database: string | undefined;
  notes: string[];
  /** The sources run in this order in one deploy (lintSql's `sequence`). */
  sequence: boolean;
  /** Files of the migrations folder the ORM never runs (lintSql's `unlisted`). */
  unlisted: Array<{ path: string; sql: string; message: string }>;
}

function run(sources: LintSource[], ctx: RunContext): Promise<LintReport> {
  const serverVersion = ctx.session ? Math.floor(ctx.session.serverVersion / 10000) : undefined;
  return lintSql(sources, {
    runner: ctx.runner,
    postgresVersion: ctx.options.postgresVersion ?? ctx.config.postgresVersion ?? serverVersion ?? DEFAULT_PG_VERSION,
    config: ctx.config,
    notes: ctx.notes,
    sequence: ctx.sequence,
    unlisted: ctx.unlisted,
    ...(ctx.session ? { stats: postgresTableStats(ctx.session), database: ctx.database } : {}),
  });
}

function projectLintConfig(root: string): LintConfig {
  const file = readConfigFile(root);
  return readLintConfig(file.lint, file.file ?? CONFIG_FILE_NAME);
}

/** With `--url`, opens a session for table sizes; named files are never matched against a database the user did not name. */
async function withOptionalDatabase<T>(
  url: string | undefined,
  fn: (session: PgSession | undefined, database: string | undefined) => Promise<T>,
): Promise<T> {
  if (url === undefined) return fn(undefined, undefined);
  if (url.trim() === '') throw (await import('../project/database-url.js')).emptyUrlError('--url', 'lint');
  const { InvalidDatabaseUrl, parseDatabaseUrl } = await import('../db/url.js');
  const { connectPostgres, describeTarget } = await import('../db/postgres/connect.js');
  let target: PgTarget;
  try {
    target = { kind: 'server', url: parseDatabaseUrl(url), source: '--url' };
  } catch (error) {
    if (error instanceof InvalidDatabaseUrl)
      throw usageError('LS_BAD_DATABASE_URL', `The database URL from --url is not usable: ${error.message}.`, [
        'Fix --url, then run `lockstep lint` again.',
      ]);
    throw error;
  }
  if (target.url.dialect !== 'postgres') {
    throw usageError(
      'LS_DIALECT_UNSUPPORTED',
      `The database URL from --url is a ${target.url.dialect} URL; lockstep lint reads table sizes from PostgreSQL.`,
      ['Pass a postgresql:// URL, or lint without --url.'],
    );
  }
  const session = await connectPostgres(target, 'lockstep lint', 'lint');
  try {
    return await fn(session, describeTarget(target));
  } finally {
    await session.close();
  }
}
