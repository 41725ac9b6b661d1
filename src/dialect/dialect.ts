/**
 * The one interface a database implements. Everything above `src/dialect/` speaks to a database
 * through a {@link Dialect} and the {@link Session}s it opens; everything that knows the SQL, the
 * driver, the error codes, the locks or the catalog of one database lives in `src/dialect/<db>/`.
 *
 * The split follows what differs between PostgreSQL, MySQL/MariaDB and SQLite when migrations are
 * applied in production:
 * - how a session is opened and what identifies it on the server (backend pid, CONNECTION_ID());
 * - which errors mean "the lock was not granted in time", "the statement ran too long", "the
 *   connection is gone" (SQLSTATE 55P03, MySQL 1205, SQLITE_BUSY);
 * - how lock and statement timeouts are set (lock_timeout; lock_wait_timeout and
 *   max_statement_time; busy_timeout);
 * - the migration lock each ORM's own CLI takes (an advisory key; GET_LOCK names, which are
 *   server-wide; a lease row or file for SQLite), and who holds it;
 * - whether DDL is transactional (PostgreSQL and SQLite: yes; MySQL: every DDL statement commits);
 * - which statements cannot run inside a transaction (CREATE INDEX CONCURRENTLY; PRAGMA foreign_keys);
 * - splitting a script into statements, quoting identifiers, the column types of history tables;
 * - the catalog (for drift and for table sizes in lint) and a scratch database to replay into.
 */

import type { DatabaseUrl } from '../db/url.js';

/** The databases lockstep speaks to, by the name used in code, config and messages. */
export type DialectName = 'postgres' | 'mysql' | 'sqlite';

/** The dialects in the order detection tries them. */
export const DIALECT_NAMES: readonly DialectName[] = ['postgres', 'mysql', 'sqlite'];

/** One open connection. A dialect's own session type may add to it; code above the dialect uses only this. */
export interface Session {
  readonly dialect: DialectName;
  /** `server` for a network server, `embedded` for an in-process database (PGlite), `file` for a database file (SQLite). */
  readonly kind: 'server' | 'embedded' | 'file';
  /** The server's id of this session, as its lock and process views show it (pg_backend_pid(), CONNECTION_ID()); 0 where there is none. */
  readonly pid: number;
  /** The server version as a number that compares (PostgreSQL's server_version_num; MySQL 80036; SQLite 3045001). */
  readonly serverVersion: number;
  /** A parameterised query; placeholders are the dialect's own ($1 for PostgreSQL, ? for MySQL and SQLite). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `sql` exactly as written, as the dialect's command-line client would (one statement or a script). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * What an error means to the apply loop. `undefined` from {@link Dialect.classifyError}: an error
 * lockstep has no rule for, reported as the server sent it.
 */
export type ErrorClass =
  /** The lock was not granted in time; the statement changed nothing and may be retried. */
  | 'lock-timeout'
  /** Chosen as a deadlock victim; the transaction was rolled back and may be retried. */
  | 'deadlock'
  /** The statement ran longer than the statement timeout and was cancelled. */
  | 'statement-timeout'
  /** The connection is gone: nothing more can be written through it. */
  | 'connection-lost'
  | 'syntax'
  /** CREATE of something that exists (a table, an index, a type). */
  | 'duplicate-object'
  /** A reference to something that does not exist. */
  | 'undefined-object'
  | 'permission'
  /** The credentials were refused. */
  | 'authentication'
  /** The URL names a database that does not exist. */
  | 'unknown-database';

/** Errors the apply loop retries after a pause: the failed statement changed nothing. */
export const RETRYABLE: ReadonlySet<ErrorClass> = new Set(['lock-timeout', 'deadlock']);

/** Lock and statement timeouts for one statement or transaction, in milliseconds; 0 is no limit. */
export interface Timeouts {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/**
 * A migration lock as one tool keys it. The dialect turns it into its own lock: PostgreSQL an
 * advisory key (Prisma's 72707369, or lockstep's key for the history table), MySQL a GET_LOCK name
 * (Prisma's `prisma_migrate`, or lockstep's name, which includes the database because GET_LOCK
 * names are server-wide), SQLite a lease row written under BEGIN IMMEDIATE.
 */
export interface MigrationLockKey {
  /** Whose lock this is: the ORM's own (shared with its CLI) or lockstep's. */
  owner: 'prisma' | 'lockstep';
  /** The history table the lock protects, schema-qualified where the database has schemas. */
  historyTable: string;
  /** The database the URL names, where the lock name must include it (MySQL). */
  database?: string | undefined;
}

/** The session that holds a lock, as the server's process list describes it (pg_stat_activity, information_schema.PROCESSLIST). */
export interface LockHolder {
  /** The holder's session id on the server ({@link Session.pid}). */
  pid: number;
  applicationName: string;
  user: string | null;
  clientAddress: string | null;
  /** When the holding session connected: a session-level lock is held at most since then. */
  connectedAt: Date | null;
  state: string | null;
  stateSince: Date | null;
}

export type AcquireResult =
  | { acquired: true; waitedMs: number }
  | { acquired: false; waitedMs: number; holder: LockHolder | undefined };

export interface AcquireOptions {
  /** How long to wait in total; 0 tries once. */
  waitMs: number;
  /** Called about every `reportEveryMs` while waiting, with the current holder (if visible). */
  onWaiting?: (holder: LockHolder | undefined, waitedMs: number) => void;
  reportEveryMs?: number;
}

/** The migration lock: taken on the session that applies, always checked, released at the end. */
export interface MigrationLock {
  /** The lock as messages name it ("advisory lock 72707369, shared with prisma migrate"). */
  describe(key: MigrationLockKey): string;
  acquire(session: Session, key: MigrationLockKey, options: AcquireOptions): Promise<AcquireResult>;
  release(session: Session, key: MigrationLockKey): Promise<void>;
  /** Who holds it now, seen from another session (status); undefined when nobody does. */
  holder(session: Session, key: MigrationLockKey): Promise<LockHolder | undefined>;
  /** How a stuck holder is ended by hand, for recovery messages (`SELECT pg_terminate_backend(123);`). */
  endHolderCommand(holder: LockHolder): string | undefined;
}

/** One statement of a migration script as the dialect's splitter found it. */
export interface Statement {
  /** 0-based position in the script. */
  index: number;
  /** The statement's text exactly as in the file, without the terminating delimiter. */
  text: string;
  /** 1-based line and column where it starts, and the line where it ends. */
  line: number;
  column: number;
  endLine: number;
  /** Why the database refuses this statement inside a transaction, if it does. */
  outsideTransaction?: string | undefined;
  /** A statement whose locks never block reads and writes (CREATE INDEX CONCURRENTLY, ALGORITHM=INSTANT). */
  nonBlocking: boolean;
  /** Explicit transaction control written in the file. */
  transactionControl?: 'begin' | 'commit' | 'rollback' | 'other' | undefined;
  /** On a database without transactional DDL: this statement commits the open transaction (MySQL DDL). */
  commitsImplicitly?: boolean | undefined;
}

/**
 * The neutral column types of a history table. Each dialect maps them to its own, exactly as the
 * ORM's own runner creates them on that database (see `src/migration/history-table.ts`).
 */
export type HistoryColumnType =
  | 'serial-pk'
  | 'uuid-text'
  | 'text'
  | 'varchar-255'
  | 'integer'
  | 'unsigned-integer'
  | 'bigint'
  | 'timestamp-tz'
  | 'timestamp-ms';

/** Where a session connects: a URL, an embedded database or a file. */
export type ConnectTarget =
  /** `source` says where the URL came from, for messages: "DATABASE_URL", "--url", "url in drizzle.config.ts". */
  | { kind: 'server'; url: DatabaseUrl; source: string }
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'file'; path: string; source: string };

export interface ConnectOptions {
  /** Shown to the server as the client's name where it keeps one (application_name; program_name). */
  applicationName: string;
  /** The lockstep command that connects, for recovery messages ("lockstep deploy"). */
  command: string;
}

/** Sizes of one table, for lint's data-aware rules and for rehearsal estimates. */
export interface TableSize {
  /** schema.table as the dialect names it. */
  table: string;
  rows: number;
  bytes: number;
}

/** A database that exists only for one replay (drift, rehearse) and is removed when closed. */
export interface ScratchDatabase {
  session: Session;
  /** Removes the scratch database, also after a failure. */
  dispose(): Promise<void>;
}

/** One database, as lockstep speaks to it. */
export interface Dialect {
  readonly name: DialectName;
  /** For messages: "PostgreSQL", "MySQL/MariaDB", "SQLite". */
  readonly displayName: string;
  /** Whether a URL is for this dialect (by its scheme: postgres:, mysql:, file:/libsql:). */
  acceptsUrl(url: string): boolean;
  connect(target: ConnectTarget, options: ConnectOptions): Promise<Session>;
  /** A target without its secrets, for every message and log line. */
  describeTarget(target: ConnectTarget): string;

  classifyError(error: unknown): ErrorClass | undefined;
  /** The error's code as the server sent it (SQLSTATE, MySQL errno, SQLITE_* code), for messages. */
  errorCode(error: unknown): string | undefined;

  /** Statements that set the timeouts for the statements that follow on this session. */
  timeoutStatements(timeouts: Timeouts): string[];
  /** Statements that set the timeouts inside an open transaction only (SET LOCAL), where the dialect has them. */
  transactionTimeoutStatements?(timeouts: Timeouts): string[];

  readonly lock: MigrationLock;

  /** Whether DDL takes part in transactions (PostgreSQL, SQLite) or commits implicitly (MySQL). */
  readonly transactionalDdl: boolean;
  /** Splits a script into statements, as the database's own client would. */
  splitStatements(script: string): Promise<Statement[]>;
  quoteIdentifier(name: string): string;
  /** The dialect's type for one history-table column, as the ORM's runner writes it on this database. */
  historyColumnType(type: HistoryColumnType, orm: 'prisma' | 'drizzle' | 'typeorm'): string;

  /** Row and byte counts of tables, for lint's data-aware rules. */
  tableSizes?(session: Session, tables: readonly string[]): Promise<TableSize[]>;
  /** A scratch database to replay migrations into (PGlite for PostgreSQL, a temporary database for MySQL, `:memory:` for SQLite). */
  scratch?(): Promise<ScratchDatabase>;
}
