import { ExitCode } from './errors.js';

/** One entry of the catalogue of LS_* codes. */
export interface ErrorCodeEntry {
  /**
   * The exit code of a command that stops with this error (see ExitCode), or `null` for a warning:
   * reported (as a `warning` event with --json) while the command goes on.
   */
  exit: number | null;
  /** What happened, in one line. */
  meaning: string;
  /** What to do about it. The error's own text names the files, tables and commands. */
  action: string;
  /** The Prisma error code lockstep reports instead in a Prisma project, where Prisma has one for the same state. */
  prisma?: string;
}

const { Failed, Usage, Blocked } = ExitCode;
const WARNING = null;

/**
 * Every LS_* code lockstep reports, in one table: docs/errors.md is generated from it
 * (`npm run docs:errors`), and a test fails when a code used in src/ is missing here, when a code
 * here is no longer used, when an error's exit code differs from its entry, or when docs/errors.md
 * is stale. The messages themselves stay where the errors are made; this table is what the codes
 * mean and what to do, for the reference page.
 */
export const ERROR_CODES = {
  LS_ALREADY_APPLIED: {
    exit: Usage,
    meaning: '`lockstep resolve --applied` named a migration that the history already records as applied.',
    action: 'Nothing to do; `lockstep status` shows the history.',
    prisma: 'P3008',
  },
  LS_APP_START: {
    exit: 127,
    meaning:
      'The migrations were applied, but the app command after `--` could not be started (exit 127 when there is no such command, 126 when it cannot be run).',
    action: 'Fix the command after `--`: it runs without a shell, so use an absolute path or a command on PATH.',
  },
  LS_AUDIT_DISABLED: {
    exit: WARNING,
    meaning:
      "lockstep's audit table (`lockstep.audit_log`) cannot be created, read or written with this role, or was turned off; the command goes on without it.",
    action:
      'Grant the role the privileges the warning names (or create the `lockstep` schema for it), or accept running without the audit log (`--no-audit`).',
  },
  LS_AUTH_FAILED: {
    exit: Usage,
    meaning: 'PostgreSQL rejected the password of the user in the database URL.',
    action: 'Fix the password in the URL (or the secret it comes from), then run the command again.',
  },
  LS_AUTH_REFUSED: {
    exit: Usage,
    meaning: 'PostgreSQL refused the login of the user in the database URL (no pg_hba.conf entry, a role that cannot log in).',
    action: 'Use a role that may log in from this host, or have the server allow it, then run the command again.',
  },
  LS_BAD_DATABASE_URL: {
    exit: Usage,
    meaning: 'The database URL cannot be parsed, or is not a PostgreSQL URL.',
    action: 'Fix the URL where the error says it comes from (--url, the ORM configuration or DATABASE_URL).',
  },
  LS_BAD_OPTION: {
    exit: Usage,
    meaning:
      'A command-line option has a value lockstep cannot use (a duration, a number, a pattern), or options contradict each other.',
    action: 'Fix the value as the error describes, then run the command again.',
  },
  LS_BASELINE_DRIFT: {
    exit: Blocked,
    meaning: '`lockstep baseline --check`: the live schema does not match the migrations it would record as applied.',
    action: 'Baseline up to the migration the database really matches (`--to <name>`), or bring the database in line first.',
  },
  LS_BASELINE_EMPTY: {
    exit: Usage,
    meaning: 'The database has no tables, so it cannot already contain the migrations that baseline would record as applied.',
    action: 'Run `lockstep deploy` instead: it applies the migrations to the empty database.',
  },
  LS_BLOCKED: {
    exit: Blocked,
    meaning: 'An earlier migration failed and is still recorded as failed, so deploy applies nothing until it is resolved.',
    action:
      'Fix the migration, then `lockstep deploy --resume`, or mark it with `lockstep resolve --rolled-back <name>` or `--applied <name>`.',
    prisma: 'P3009',
  },
  LS_CONFIG_INVALID: {
    exit: Usage,
    meaning: 'lockstep.config.json (or a setting in it) is not valid: not JSON, an unknown setting, a value of the wrong kind.',
    action: 'Fix the setting the error names, then run the command again.',
  },
  LS_CONFIG_NOT_FOUND: {
    exit: Usage,
    meaning: 'The file that `--config` names does not exist.',
    action:
      "Pass the path of the ORM's config file (drizzle.config.ts, the TypeORM data source, prisma.config.ts or the schema).",
  },
  LS_CONNECTION_HEADROOM: {
    exit: WARNING,
    meaning: 'The server has few free connection slots left; a deploy takes one, and the app may run out.',
    action: 'Raise max_connections or lower the pools of the app, or deploy when fewer clients are connected.',
  },
  LS_CONNECTION_LOST: {
    exit: Failed,
    meaning: 'The connection to PostgreSQL broke while the command ran; the error says how far it got.',
    action:
      'Run `lockstep status` to see what is recorded, then run the command again (`lockstep deploy --resume` for a migration that stopped part-way).',
  },
  LS_CONNECT_FAILED: {
    exit: Usage,
    meaning: 'A session on PostgreSQL could not be opened, for a reason the error quotes.',
    action: 'Fix what the error names in the database URL or on the server, then run the command again.',
  },
  LS_CONNECT_REFUSED: {
    exit: Usage,
    meaning: 'No server is listening at the host and port of the database URL.',
    action: 'Start PostgreSQL, or fix the host and port in the URL, then run the command again.',
  },
  LS_CONNECT_TIMEOUT: {
    exit: Usage,
    meaning: 'The database server could not be reached, or did not answer in time.',
    action: 'Check the host, the network path (firewall, VPN) and that the server is up, then run the command again.',
  },
  LS_DATABASE_MISSING: {
    exit: Usage,
    meaning: 'The database named in the URL does not exist on the server.',
    action: 'Create the database (`createdb <name>`) or fix its name in the URL, then run the command again.',
  },
  LS_DIALECT_UNSUPPORTED: {
    exit: Usage,
    meaning: 'The database URL or the project is for a database other than PostgreSQL, which lockstep does not support yet.',
    action: "Point lockstep at a PostgreSQL database, or use the ORM's own tool for this one.",
  },
  LS_DRIFT: {
    exit: Blocked,
    meaning:
      'The live database differs from what replaying the migration history produces (`lockstep drift`, `deploy --verify`).',
    action:
      'Read the differences (`lockstep drift`; `lockstep drift --sql` prints the SQL that reconciles them): turn a hand-made change into a migration, or undo it.',
  },
  LS_DRIFT_EXTENSION_UNAVAILABLE: {
    exit: Failed,
    meaning: 'Replaying the history stopped at a migration that creates an extension the scratch database does not have.',
    action:
      "Replay into a real PostgreSQL that has the extension (`--shadow-url` or SHADOW_DATABASE_URL), or install it on the shadow database's server.",
  },
  LS_DRIFT_HISTORY_INCOMPLETE: {
    exit: Failed,
    meaning: 'The history records migrations as applied whose files are not on disk, so the history cannot be replayed.',
    action: 'Restore the missing migration files (from version control), then run the command again.',
  },
  LS_DRIFT_REPLAY_FAILED: {
    exit: Failed,
    meaning:
      'Replaying the migration history into the scratch database failed at a migration (it does not parse, has no file, or its SQL failed).',
    action:
      'Fix the migration the error names, or replay into a real PostgreSQL with `--shadow-url` when the scratch database lacks something.',
  },
  LS_DRIFT_SCHEMA_SKIPPED: {
    exit: Usage,
    meaning: "The project's schema file cannot be compared with the migrations, for the reason the error gives.",
    action: 'Fix the schema file or its setting as the error says, or leave out the schema comparison.',
  },
  LS_DRIFT_SCHEMA_UNSUPPORTED: {
    exit: Usage,
    meaning: '`lockstep drift --schema-only` compares Prisma and Drizzle schema files; TypeORM projects have none to compare.',
    action: 'Run `lockstep drift` without --schema-only against a database.',
  },
  LS_DRIFT_TYPEORM_RUNNER: {
    exit: Failed,
    meaning: "Replaying a TypeORM migration into PGlite needs more of TypeORM's QueryRunner than `queryRunner.query()`.",
    action:
      'Replay into a real, empty scratch database (`--shadow-url` or SHADOW_DATABASE_URL), where the migration runs through TypeORM itself.',
  },
  LS_DRIZZLE_CONFIG: {
    exit: Usage,
    meaning: 'drizzle.config could not be read or evaluated, or lacks what lockstep needs from it.',
    action: 'Fix drizzle.config as the error says (drizzle-kit reads it the same way), then run the command again.',
  },
  LS_DRIZZLE_JOURNAL: {
    exit: Usage,
    meaning:
      "Drizzle's migration journal (`meta/_journal.json`) is missing, unreadable or inconsistent with the migration files.",
    action: 'Restore the journal from version control, or regenerate the migrations with drizzle-kit.',
  },
  LS_DRIZZLE_SCHEMA: {
    exit: Usage,
    meaning: 'The `schema` setting of drizzle.config matches no file, or the schema file does not load.',
    action: 'Fix `schema` in drizzle.config, or the error in the schema file, then run the command again.',
  },
  LS_DRIZZLE_SNAPSHOT: {
    exit: Usage,
    meaning: 'A drizzle-kit snapshot file is not valid JSON.',
    action: 'Restore it from version control (drizzle-kit writes it), then run the command again.',
  },
  LS_DRIZZLE_TABLE_UPGRADE: {
    exit: Blocked,
    meaning:
      'The Drizzle history table is in drizzle-orm 0.x format, and some of its rows match no migration folder, so it cannot be upgraded to the v1 format safely.',
    action:
      'Compare the rows with the migration folders and fix the mismatch (or let drizzle-kit upgrade the table), then run the command again.',
  },
  LS_EDITED: {
    exit: WARNING,
    meaning:
      'A migration file was changed after it was applied (its checksum no longer matches the history); the change never ran.',
    action: 'Restore the file, and put the change in a new migration. With `--strict` this stops the deploy (LS_STRICT).',
  },
  LS_EMBEDDED_BUSY: {
    exit: Blocked,
    meaning: 'The embedded database in `.lockstep/pglite` is in use by another lockstep process.',
    action: 'Wait for the other process (its pid is in the error) to finish, then run the command again.',
  },
  LS_EMBEDDED_SERVE: {
    exit: Usage,
    meaning: 'The embedded database could not be served to the app over the PostgreSQL protocol.',
    action: 'Fix what the error names (often a port in use), or give the app a database URL instead of `--embedded`.',
  },
  LS_EMPTY_DATABASE_URL: {
    exit: Usage,
    meaning: 'A database URL is set but empty: usually a secret that is missing in this environment.',
    action: 'Set the URL (or the secret it comes from); an empty URL is never taken as a request for the embedded database.',
  },
  LS_FILE_MISSING: {
    exit: WARNING,
    meaning: 'A migration listed on disk (in the journal or a migration folder) has no SQL file.',
    action: 'Restore the file from version control, or remove the entry that lists it.',
  },
  LS_GIT: {
    exit: Usage,
    meaning: '`lockstep lint --since` needs git, which could not be run or could not list the changed files.',
    action: 'Install git or fix the reference given to --since, or name the migration files to lint.',
  },
  LS_HAS_HISTORY: {
    exit: Usage,
    meaning: 'baseline is for a database without a migration history, and this one has one.',
    action: 'Run `lockstep deploy` to apply what is pending, or `lockstep resolve` for single migrations.',
  },
  LS_HISTORY_ELSEWHERE: {
    exit: Usage,
    meaning:
      "The database has tables, and its migration history is in another table than the one the project's configuration names.",
    action: 'Point the configuration at the table that holds the history (the error names it), then run the command again.',
  },
  LS_HOST_UNKNOWN: {
    exit: Usage,
    meaning: 'The host name in the database URL does not resolve.',
    action: 'Fix the host in the URL (or the DNS it depends on), then run the command again.',
  },
  LS_INTERNAL: {
    exit: Failed,
    meaning: 'lockstep stopped on an unexpected error: a bug in lockstep.',
    action:
      'Run `lockstep status` to see what is recorded, run the command again with LOCKSTEP_DEBUG=1 for details, and report it.',
  },
  LS_LINT_FAILED: {
    exit: Failed,
    meaning: 'The pending migrations have error-level lint findings, so deploy applied none of them.',
    action:
      'Change the migrations as each fix says (`lockstep lint --explain <rule>`), suppress a finding with a reason, or deploy with `--accept-lint-errors "<reason>"`.',
  },
  LS_LINT_FILE: {
    exit: Usage,
    meaning: '`lockstep lint` cannot read one of the files it was given (missing, a folder, not UTF-8).',
    action: 'Fix or leave out the files the error lists, then run the command again.',
  },
  LS_LINT_OVERRIDDEN: {
    exit: WARNING,
    meaning:
      'The deploy went ahead despite lint errors, as `--accept-lint-errors` asked; the reason and the findings are in the audit log.',
    action: 'Nothing; the override is recorded.',
  },
  LS_LINT_TOO_LARGE: {
    exit: Usage,
    meaning: "A statement is too large for PostgreSQL's parser to handle in one piece.",
    action: 'Split the statement (or the generated data) into smaller ones.',
  },
  LS_LOCK_DISABLED: {
    exit: WARNING,
    meaning: 'PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK is set, so no migration lock is taken and concurrent deploys are not excluded.',
    action: 'Unset it unless only one deploy can ever run at a time.',
  },
  LS_LOCK_NOT_GRANTED: {
    exit: Failed,
    meaning: 'A migration statement waited for its table lock past lock_timeout on every retry; the migration was rolled back.',
    action:
      'Deploy when the table is less busy, find the session holding the lock, or raise `--lock-retries` / `--lock-timeout`.',
  },
  LS_LOCK_TIMEOUT: {
    exit: Blocked,
    meaning: 'The migration lock is held by another deploy, and it was not released within `--lock-wait`.',
    action: 'Wait for the other deploy to finish (the error names its session), or raise `--lock-wait`.',
  },
  LS_MIGRATIONS_GLOB: {
    exit: WARNING,
    meaning:
      "A pattern in the TypeORM data source's migrations, entities or subscribers matched no file, or matches TypeScript from compiled JavaScript.",
    action: 'Fix the pattern in the data source (or build the project first).',
  },
  LS_MIGRATIONS_MISSING: {
    exit: Usage,
    meaning: 'No migration files were found, but the database has migrations recorded: this build is missing its migrations.',
    action:
      'Include the migrations folder in the build or image (check .dockerignore and build steps), or point --project at it.',
  },
  LS_MIGRATION_FAILED: {
    exit: Failed,
    meaning: "A migration's SQL failed; the error says which statement and what the database holds now.",
    action: 'Fix the migration, then `lockstep deploy --resume` (or `lockstep resolve` when it was applied by hand).',
    prisma: 'P3018',
  },
  LS_MIGRATION_FILE: {
    exit: Usage,
    meaning: 'A migration file cannot be used: missing, unreadable, empty, not UTF-8 or containing a NUL byte.',
    action: 'Fix the file the error names, then run the command again.',
  },
  LS_MIGRATION_SYNTAX: {
    exit: Failed,
    meaning: 'A pending migration does not parse as PostgreSQL SQL, so no migration was applied.',
    action: 'Fix the SQL at the line and column the error gives, then run the command again.',
  },
  LS_MISSING_ON_DISK: {
    exit: WARNING,
    meaning: 'The history records a migration whose file is not on disk.',
    action: 'Restore the file if it was deleted by mistake; with `--strict` this stops the deploy (LS_STRICT).',
  },
  LS_NEEDS_BASELINE: {
    exit: Blocked,
    meaning: 'The database has tables but no migration recorded, so it was built some other way; deploy changes nothing.',
    action: 'Record the migrations the database already contains with `lockstep baseline`, then deploy.',
    prisma: 'P3005',
  },
  LS_NOTHING_TO_RESUME: {
    exit: WARNING,
    meaning: '`--resume` was given, but no migration is recorded as failed.',
    action: 'Nothing; the deploy goes on as without --resume.',
  },
  LS_NOT_FAILED: {
    exit: Usage,
    meaning: '`lockstep resolve --rolled-back` named a migration that is not recorded as failed.',
    action: 'Check the migration name and its state with `lockstep status`.',
    prisma: 'P3011 / P3012',
  },
  LS_NO_CONNECTION_SLOTS: {
    exit: Usage,
    meaning: 'The server has no free connection slot (too many clients).',
    action: 'Free connections or raise max_connections, then run the command again.',
  },
  LS_NO_DATABASE_URL: {
    exit: Usage,
    meaning: 'No database URL was found in any of the places lockstep looks (the error lists them).',
    action: 'Set DATABASE_URL or the URL in the ORM configuration, pass --url, or use the embedded database with --embedded.',
  },
  LS_NO_MIGRATIONS: {
    exit: Usage,
    meaning: 'The project has no migrations on disk, so there is nothing to deploy or report on.',
    action: "Generate the migrations with the ORM's tool, or point --project at the folder that has them.",
  },
  LS_NO_PROJECT: {
    exit: Usage,
    meaning: 'The project directory does not exist, or no Prisma, Drizzle or TypeORM project was found in it.',
    action: 'Run lockstep in the project directory, or pass --project (and --orm when its files are elsewhere).',
  },
  LS_OUT_OF_ORDER: {
    exit: Failed,
    meaning:
      'Pending migrations are older than the newest applied one. For Drizzle, deploy refuses them (Drizzle would skip them silently); elsewhere it is a warning.',
    action:
      'Apply them anyway with `--allow-out-of-order` when they do not depend on the newer ones, or give them newer timestamps.',
  },
  LS_PERMISSION_DENIED: {
    exit: Usage,
    meaning: 'The database role lacks a privilege the command needs; the error names it and the GRANT that gives it.',
    action: 'Run the GRANT the error shows (as the owner), or use a role that has the privilege.',
  },
  LS_POOLED_URL: {
    exit: WARNING,
    meaning:
      'The database URL looks like a connection pooler in transaction mode, which breaks session-level locks and settings.',
    action: 'Deploy through a direct (session) URL, e.g. the one the ORM calls directUrl.',
  },
  LS_PREVIOUS_RUN_INTERRUPTED: {
    exit: WARNING,
    meaning: 'The previous deploy stopped before it finished; what it applied in a transaction was rolled back with it.',
    action: 'Nothing; pending migrations are applied now. `lockstep status` shows the history.',
  },
  LS_PRISMA_CONFIG: {
    exit: Usage,
    meaning: 'prisma.config.ts could not be loaded.',
    action: 'Fix the error in prisma.config.ts (or install the packages it imports), then run the command again.',
  },
  LS_PRISMA_SCHEMA_INVALID: {
    exit: Usage,
    meaning: 'The Prisma schema is not valid, so it cannot be compared with the migrations.',
    action: 'Fix the schema (`prisma validate` shows the same errors), then run the command again.',
  },
  LS_PRISMA_SCHEMA_MISSING: {
    exit: Usage,
    meaning: 'prisma.config.ts names a schema that does not exist.',
    action: 'Fix `schema` in prisma.config.ts, then run the command again.',
  },
  LS_PROVIDER_UNSUPPORTED: {
    exit: Usage,
    meaning: 'The project uses a database other than PostgreSQL, which lockstep does not support yet.',
    action: "Deploy this project with the ORM's own tool until then.",
  },
  LS_RESUME_MISMATCH: {
    exit: Failed,
    meaning: 'A failed migration cannot be resumed: its statements that completed before the failure have changed since.',
    action: 'Restore the statements that ran as they were, or resolve the migration by hand with `lockstep resolve`.',
  },
  LS_RESUME_UNVERIFIED: {
    exit: WARNING,
    meaning:
      "The audit log has no record of a resumed migration's statements, so lockstep cannot check that the ones that ran are unchanged.",
    action: 'Make sure the statements before the failed one are unchanged.',
  },
  LS_SERVER_UNAVAILABLE: {
    exit: Usage,
    meaning: 'The server is not accepting connections (starting up, shutting down, in recovery).',
    action: 'Wait until the server accepts connections, then run the command again.',
  },
  LS_SEVERAL_ORMS: {
    exit: Usage,
    meaning: 'The project uses more than one ORM, and lockstep does not guess which one to use.',
    action: 'Choose one with `--orm prisma|drizzle|typeorm`.',
  },
  LS_SHADOW_IS_LIVE: {
    exit: Usage,
    meaning: '`--shadow-url` names the live database itself.',
    action: 'Pass a separate, empty scratch database as --shadow-url.',
  },
  LS_SHADOW_NOT_EMPTY: {
    exit: Usage,
    meaning: 'The `--shadow-url` database is not empty; lockstep replays the migrations only into an empty one.',
    action: 'Pass an empty scratch database (or empty this one).',
  },
  LS_SSL: {
    exit: Usage,
    meaning: 'The TLS handshake with the server failed.',
    action: "Fix sslmode in the URL (or the server's certificate setup), then run the command again.",
  },
  LS_STRICT: {
    exit: Failed,
    meaning:
      '`--strict` (or `strict` in lockstep.config.json) refused the deploy: applied migrations were edited or are missing on disk, or pending ones are out of order.',
    action: 'Fix what the error lists, or deploy without --strict.',
  },
  LS_TYPEORM_DATA_SOURCE: {
    exit: Usage,
    meaning:
      'The TypeORM data source was not found, does not load, does not export exactly one DataSource, or TypeORM refused it.',
    action: 'Fix the data source (the typeorm CLI refuses it too), or set typeorm.dataSource in lockstep.config.json.',
  },
  LS_TYPEORM_DUPLICATE: {
    exit: Usage,
    meaning: 'Two TypeORM migrations have the same name (often the TypeScript sources and the compiled JavaScript both matched).',
    action: 'Make the migrations pattern of the data source match one set of files.',
  },
  LS_TYPEORM_ENTITY_LOAD: {
    exit: Usage,
    meaning: 'A file matched by the entities or subscribers of the TypeORM data source does not load.',
    action: 'Fix the file, or the pattern in the data source so that it matches only the files it should.',
  },
  LS_TYPEORM_MIGRATION_LOAD: {
    exit: Usage,
    meaning:
      'A file matched by the migrations of the TypeORM data source does not load, or exports something that is not a migration class.',
    action: 'Fix the file, or the migrations pattern so that it matches only migration files.',
  },
  LS_TYPEORM_MIGRATION_NAME: {
    exit: Usage,
    meaning: 'A TypeORM migration class name does not end with the 13-digit timestamp TypeORM orders migrations by.',
    action: 'Rename the class (and its `name`) to end with its timestamp, as `typeorm migration:create` does.',
  },
  LS_TYPEORM_TRANSACTION_MODE: {
    exit: Usage,
    meaning: 'migrationsTransactionMode is "all", but a migration sets its own `transaction` property; TypeORM refuses this too.',
    action: 'Remove the `transaction` property, or change migrationsTransactionMode to "each".',
  },
  LS_UNKNOWN_CHECK: {
    exit: Usage,
    meaning: '`lockstep doctor` was given a check id that does not exist.',
    action: 'Run `lockstep doctor --list-checks` for the ids.',
  },
  LS_UNKNOWN_MIGRATION: {
    exit: Usage,
    meaning: 'The migration named on the command line is not on disk or not in the history.',
    action: 'Check the name with `lockstep status`.',
    prisma: 'P3017',
  },
  LS_UNKNOWN_RULE: {
    exit: Usage,
    meaning: '`lockstep lint --explain` named a rule that does not exist.',
    action: 'Run `lockstep lint --list-rules` for the rule names.',
  },
} as const satisfies Record<`LS_${string}`, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
