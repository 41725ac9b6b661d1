/**
 * The project side of `lockstep lint`: which migration files to lint when none are named (the
 * pending ones, or all of them without a database), and which ones a branch added (`--since`).
 * This is the only module of the linter that knows how a project stores its migrations; it works
 * through the ORM-neutral workspace that deploy and status use.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { AuditLog } from '../audit/audit-log.js';
import type { PgSession } from '../db/postgres/session.js';
import { resolveAuditSettings } from '../deploy/options.js';
import { openWorkspace, withSession, type Workspace } from '../deploy/workspace.js';
import { usageError } from '../errors.js';
import type { DiskMigration, OrmName } from '../orm/adapter.js';
import { nulByteProblem } from '../util/sql-text.js';
import { displayPath } from './read-sources.js';
import type { LintSource } from './types.js';

export interface ProjectSelection {
  sources: LintSource[];
  /** A session on the project's database, when one is configured (for table sizes and the server version). */
  session: PgSession | undefined;
  /** The database, described without secrets. */
  database: string | undefined;
  notes: string[];
  /** The sources are the pending migrations, in the order the next deploy runs them. */
  pending: boolean;
  /** SQL files of the migrations folder that the ORM never runs (a Drizzle file the journal does not list). */
  unlisted: Array<{ path: string; sql: string; message: string }>;
}

export interface ProjectLintOptions {
  project?: string | undefined;
  orm?: OrmName | undefined;
  config?: string | undefined;
  url?: string | undefined;
}

function open(options: ProjectLintOptions): Promise<Workspace> {
  return openWorkspace(
    {
      ...(options.project ? { project: options.project } : {}),
      ...(options.orm ? { orm: options.orm } : {}),
      ...(options.config ? { config: options.config } : {}),
      ...(options.url !== undefined ? { url: options.url } : {}),
      embedded: 'placeholder',
      cliFlags: '',
    },
    'lint',
  );
}

/**
 * Calls `fn` with the project's pending migrations and a session on its database; with no
 * database URL configured, with all of its migrations and no session.
 */
export async function withPendingMigrations<T>(
  options: ProjectLintOptions,
  fn: (selection: ProjectSelection) => Promise<T>,
): Promise<T> {
  const workspace = await open(options);
  const all = workspace.disk.migrations;
  const folder = displayPath(workspace.disk.location);
  refuseNothingToLint(workspace);
  const unlisted = unlistedMigrations(workspace);
  if (workspace.target.kind === 'embedded') {
    const { sources, notes } = readMigrations(workspace, all);
    return fn({
      sources,
      session: undefined,
      database: undefined,
      pending: false,
      unlisted,
      notes: [
        `No database URL is configured: linting all ${plural(sources.length, 'migration')} in ${folder}. Pass --url (or set DATABASE_URL) to lint only the pending ones and grade findings by table size.`,
        ...notes,
      ],
    });
  }
  return withSession(workspace, async (session, history) => {
    const audit = await AuditLog.openExisting(session, resolveAuditSettings(workspace.config, {}), {
      runId: randomUUID(),
      command: 'lint',
      orm: workspace.orm.orm,
      historyTable: history.qualifiedName,
    });
    const statuses = (await history.exists()) ? await history.statuses(all, audit) : [];
    // Everything not applied runs on the next deploy (a failed migration once it is resolved as rolled back).
    const done = new Set(statuses.filter((s) => s.state === 'applied').map((s) => s.name));
    const pending = all.filter((m) => !done.has(m.name));
    const { sources, notes } = readMigrations(workspace, pending);
    return fn({
      sources,
      session,
      database: workspace.targetDescription,
      pending: true,
      unlisted,
      notes: [
        `${pending.length} of ${plural(all.length, 'migration')} in ${folder} ${pending.length === 1 ? 'is' : 'are'} pending on ${workspace.targetDescription}.`,
        ...notes,
      ],
    });
  });
}

/**
 * A project whose migrations lockstep finds none of is not linted as if all were well: a TypeORM
 * `migrations` pattern that matches no file (which TypeORM itself reports as "No migrations are
 * pending"), or a migrations folder that does not exist.
 */
function refuseNothingToLint(workspace: Workspace): void {
  if (workspace.disk.migrations.length > 0) return;
  const where = displayPath(workspace.disk.location);
  if (workspace.orm.orm === 'typeorm') {
    const source = workspace.orm.configFile ? displayPath(workspace.orm.configFile) : 'the data source';
    throw usageError(
      'LS_NO_MIGRATIONS',
      `Nothing to lint: the migrations of ${source} (${where}) match no file, so TypeORM would find no migration either.`,
      [
        `Check the \`migrations\` option of ${source}: a pattern relative to the data source (\`\${__dirname}/migration/*.{ts,js}\`) matches both the TypeScript sources and the compiled files. \`lockstep detect\` shows what lockstep found.`,
        'To lint SQL files directly, name them: `lockstep lint path/to/file.sql`.',
      ],
    );
  }
  if (!workspace.disk.exists) {
    throw usageError('LS_NO_MIGRATIONS', `Nothing to lint: the migrations folder ${where} does not exist.`, [
      `Run lockstep in the project directory (or pass --project), or point the ORM's configuration at its migrations. \`lockstep detect\` shows where lockstep looked.`,
    ]);
  }
}

/** The SQL files of a Drizzle migrations folder whose names meta/_journal.json does not list: the migrator never runs them. */
function unlistedMigrations(workspace: Workspace): Array<{ path: string; sql: string; message: string }> {
  if (workspace.orm.orm !== 'drizzle') return [];
  const out = workspace.disk.location;
  const journal = join(out, 'meta', '_journal.json');
  if (!existsSync(journal)) return [];
  const listed = new Set(workspace.disk.migrations.map((m) => `${m.name}.sql`));
  let names: string[];
  try {
    names = readdirSync(out).filter((name) => name.endsWith('.sql') && !listed.has(name));
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    const path = join(out, name);
    return {
      path: displayPath(path),
      sql: readFileSync(path, 'utf8'),
      message: `${displayPath(path)} is not listed in ${displayPath(journal)}: drizzle-kit migrate, drizzle-orm's migrate() and lockstep deploy never run it.`,
    };
  });
}

function readMigrations(workspace: Workspace, migrations: DiskMigration[]): { sources: LintSource[]; notes: string[] } {
  const problems: string[] = [];
  const sources: LintSource[] = [];
  const classes: string[] = [];
  for (const migration of migrations) {
    const path = displayPath(migration.path);
    if (migration.script === undefined && workspace.orm.orm === 'typeorm') classes.push(migration.name);
    else if (migration.script === undefined) problems.push(`${path} does not exist (migration "${migration.name}")`);
    else if (migration.invalidUtf8At !== undefined)
      problems.push(
        `${path} is not valid UTF-8: the first invalid byte is at offset ${migration.invalidUtf8At}; save the file as UTF-8`,
      );
    else if (nulByteProblem(path, migration.script)) problems.push(nulByteProblem(path, migration.script)!);
    else sources.push({ path, sql: migration.script });
  }
  if (problems.length > 0) {
    throw usageError(
      'LS_LINT_FILE',
      problems.length === 1
        ? `Cannot lint: ${problems[0]}.`
        : `Cannot lint ${problems.length} migrations:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      ['Fix the migrations named above, then run `lockstep lint` again.'],
    );
  }
  const notes =
    classes.length > 0
      ? [
          `${plural(classes.length, 'TypeORM migration')} ${classes.length === 1 ? 'is a class' : 'are classes'}, not SQL, and ${classes.length === 1 ? 'was' : 'were'} not linted (${classes.slice(0, 3).join(', ')}${classes.length > 3 ? ', ...' : ''}); lint the SQL they run by passing it as files.`,
        ]
      : [];
  return { sources, notes };
}

/**
 * The migration files added or changed between `ref` and HEAD (`git diff --name-only
 * --diff-filter=AM ref...HEAD`), limited to the project's migrations folder: the pull-request gate.
 */
export async function migrationsChangedSince(
  options: ProjectLintOptions,
  ref: string,
): Promise<{ paths: string[]; unlisted: Array<{ path: string; sql: string; message: string }>; notes: string[] }> {
  const workspace = await open(options);
  const root = workspace.orm.root;
  const dir = workspace.disk.location;
  const top = git(['rev-parse', '--show-toplevel'], root, ref).trim();
  const changed = git(
    ['diff', '--name-only', '--diff-filter=AM', '-z', `${ref}...HEAD`, '--', relative(root, dir) || '.'],
    root,
    ref,
  )
    .split('\0')
    .filter(Boolean)
    .map((file) => resolve(top, file))
    .filter((file) => file.endsWith('.sql') && (file === dir || file.startsWith(dir + sep)));
  const folder = displayPath(dir);
  const unlisted = unlistedMigrations(workspace).filter((u) => changed.some((file) => displayPath(file) === u.path));
  return {
    paths: changed.filter((file) => !unlisted.some((u) => u.path === displayPath(file))),
    unlisted,
    notes: [
      changed.length === 0
        ? `No migration in ${folder} was added or changed since ${ref}.`
        : `${plural(changed.length, 'migration file')} in ${folder} added or changed since ${ref}.`,
    ],
  };
}

function git(args: string[], cwd: string, ref: string): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.error) {
    throw usageError('LS_GIT', `--since needs git, which could not be run: ${result.error.message}.`, [
      'Install git, or name the migration files to lint instead of using --since.',
    ]);
  }
  if (result.status !== 0) {
    const detail = (result.stderr || result.stdout).trim().split('\n')[0] ?? '';
    throw usageError('LS_GIT', `git could not list the files changed since "${ref}": ${detail}`, [
      `Check that ${cwd} is inside a git repository and that "${ref}" names a commit or branch there (in CI, fetch it first, e.g. git fetch origin main), then run \`lockstep lint --since ${ref}\` again.`,
    ]);
  }
  return result.stdout;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
