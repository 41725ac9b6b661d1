import { hostname, userInfo } from 'node:os';
import { insertSql, SqlExpression } from '../db/postgres/literal.js';
import { quoteIdent, type PgSession } from '../db/postgres/session.js';
import { redact, redactDeep } from '../util/redact.js';
import { LOCKSTEP_VERSION } from '../version.js';

export interface AuditSettings {
  enabled: boolean;
  /** Schema of the audit table; created if missing. Default `lockstep`. */
  schema: string;
  table: string;
}

export const DEFAULT_AUDIT: AuditSettings = { enabled: true, schema: 'lockstep', table: 'audit_log' };

/** Every event the audit table records (docs/deploy.md, section 6, lists them; a test keeps it so). */
export const AUDIT_EVENTS = [
  'run-started',
  'run-finished',
  'run-failed',
  'migration-started',
  'statement-completed',
  'migration-applied',
  'migration-failed',
  'lock-retry',
  'invalid-index-dropped',
  'index-already-built',
  'lint-suppressed',
  'lint-overridden',
  'resolved-applied',
  'resolved-rolled-back',
  'baselined',
] as const;

export type AuditEventName = (typeof AUDIT_EVENTS)[number];

export interface AuditEvent {
  event: AuditEventName;
  migration?: string | undefined;
  checksum?: string | undefined;
  attempt?: number | undefined;
  statementsTotal?: number | undefined;
  statementsDone?: number | undefined;
  statementHashes?: string[] | undefined;
  /** Milliseconds, or an expression the server computes when the row is written inside a batch. */
  durationMs?: number | SqlExpression | undefined;
  lockWaits?: number | undefined;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

export interface AuditRunContext {
  runId: string;
  command: string;
  orm: string;
  historyTable: string;
}

/**
 * lockstep's own durable record of every run, attempt and failure ("what ran, when, and what did
 * it say"), in a table of its own schema so that it never makes a database look non-empty to an
 * ORM. Writes are best effort: if the table cannot be created or written, lockstep warns once and
 * goes on without it.
 */
export class AuditLog {
  private disabledReason: string | undefined;
  readonly qualifiedName: string;

  private constructor(
    private readonly session: PgSession,
    settings: AuditSettings,
    private readonly context: AuditRunContext,
  ) {
    this.qualifiedName = `${quoteIdent(settings.schema)}.${quoteIdent(settings.table)}`;
    if (!settings.enabled) this.disabledReason = 'turned off';
  }

  get enabled(): boolean {
    return this.disabledReason === undefined;
  }

  get whyDisabled(): string | undefined {
    return this.disabledReason;
  }

  /** Creates the table if needed. Call while holding the migration lock. */
  static async open(session: PgSession, settings: AuditSettings, context: AuditRunContext): Promise<AuditLog> {
    const log = new AuditLog(session, settings, context);
    if (!settings.enabled) return log;
    try {
      const access = await log.access(settings);
      if (!access.found) await session.exec(auditDdl(log.qualifiedName, settings));
      else if (!access.writable)
        log.disabledReason = `the database role may not read and write the audit table ${log.qualifiedName} (it needs USAGE on schema ${quoteIdent(settings.schema)} and SELECT, INSERT on the table)`;
    } catch (error) {
      log.disabledReason = `the audit table ${log.qualifiedName} could not be created: ${redact((error as Error).message)}`;
    }
    return log;
  }

  /** For read-only commands: the audit table if it exists and the role may read it, without creating it. */
  static async openExisting(session: PgSession, settings: AuditSettings, context: AuditRunContext): Promise<AuditLog> {
    const log = new AuditLog(session, settings, context);
    if (!settings.enabled) return log;
    const access = await log.access(settings);
    if (!access.found) log.disabledReason = 'the audit table does not exist yet';
    else if (!access.readable) log.disabledReason = `the database role may not read the audit table ${log.qualifiedName}`;
    return log;
  }

  /** Whether the table exists, and what the session's role may do with it (found in the catalog: to_regclass needs USAGE on the schema). */
  private async access(settings: AuditSettings): Promise<{ found: boolean; readable: boolean; writable: boolean }> {
    const [row] = await this.session.query<{ found: boolean; readable: boolean | null; writable: boolean | null }>(
      `SELECT t.oid IS NOT NULL AS found,
              CASE WHEN t.oid IS NULL THEN NULL ELSE has_schema_privilege($2, 'USAGE') AND has_table_privilege(t.oid, 'SELECT') END AS readable,
              CASE WHEN t.oid IS NULL THEN NULL ELSE has_schema_privilege($2, 'USAGE') AND has_table_privilege(t.oid, 'SELECT') AND has_table_privilege(t.oid, 'INSERT') END AS writable
         FROM (SELECT (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $2 AND c.relname = $1) AS oid) t`,
      [settings.table, settings.schema],
    );
    return { found: Boolean(row?.found), readable: Boolean(row?.readable), writable: Boolean(row?.writable) };
  }

  /**
   * Appends an event. Outside a transaction it commits on its own; inside the migration's
   * transaction it commits or rolls back with it. A failed write disables the log for the run.
   */
  async record(event: AuditEvent): Promise<void> {
    if (!this.enabled) return;
    const row = this.row(event);
    const columns = Object.keys(row);
    try {
      await this.session.query(
        `INSERT INTO ${this.qualifiedName} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        Object.values(row),
      );
    } catch (error) {
      this.disabledReason = `writing to ${this.qualifiedName} failed: ${redact((error as Error).message)}`;
      throw new AuditWriteError(this.disabledReason);
    }
  }

  /** The INSERT of `event` as SQL text, to send in one batch with other statements; undefined when the log is off. */
  recordSql(event: AuditEvent): string | undefined {
    return this.enabled ? insertSql(this.qualifiedName, this.row(event)) : undefined;
  }

  /** Stops writing for the rest of the run, with the reason. */
  disable(reason: string): void {
    this.disabledReason = reason;
  }

  private row(event: AuditEvent): Record<string, unknown> {
    return {
      run_id: this.context.runId,
      command: this.context.command,
      event: event.event,
      orm: this.context.orm,
      history_table: this.context.historyTable,
      migration: event.migration ?? null,
      checksum: event.checksum ?? null,
      attempt: event.attempt ?? null,
      statements_total: event.statementsTotal ?? null,
      statements_done: event.statementsDone ?? null,
      statement_hashes: event.statementHashes ?? null,
      duration_ms:
        event.durationMs === undefined
          ? null
          : event.durationMs instanceof SqlExpression
            ? event.durationMs
            : Math.round(event.durationMs),
      lock_waits: event.lockWaits ?? null,
      error_code: event.errorCode ?? null,
      error_message: event.errorMessage === undefined ? null : redact(event.errorMessage),
      detail: event.detail === undefined ? null : JSON.stringify(redactDeep(event.detail)),
      lockstep_version: LOCKSTEP_VERSION,
      client_host: CLIENT_HOST,
      os_user: OS_USER,
    };
  }

  /**
   * The statement hashes recorded when a migration last started statement by statement (or last
   * failed): what a resume checks the completed statements against.
   */
  async recordedStatementHashes(migration: string): Promise<string[] | undefined> {
    if (!this.enabled) return undefined;
    const [row] = await this.session.query<{ statement_hashes: string[] | null }>(
      `SELECT statement_hashes FROM ${this.qualifiedName}
        WHERE migration = $1 AND history_table = $2 AND event IN ('migration-started', 'migration-failed') AND statement_hashes IS NOT NULL
        ORDER BY id DESC LIMIT 1`,
      [migration, this.context.historyTable],
    );
    return row?.statement_hashes ?? undefined;
  }

  /**
   * Migrations whose last attempt ran statement by statement and did not finish (it failed or its
   * process died), and that were not resolved since: for ORMs whose history keeps no failures,
   * this is what blocks the next deploy.
   */
  async openFailures(): Promise<Map<string, OpenFailure>> {
    const open = new Map<string, OpenFailure>();
    if (!this.enabled) return open;
    const rows = await this.session.query<{
      migration: string;
      event: AuditEventName;
      statements_done: number | null;
      error_message: string | null;
      at: Date;
      mode: string | null;
    }>(
      `SELECT DISTINCT ON (migration) migration, event, statements_done, error_message, at, detail->>'mode' AS mode
         FROM ${this.qualifiedName}
        WHERE history_table = $1 AND migration IS NOT NULL
          AND event IN ('migration-started', 'statement-completed', 'migration-failed', 'migration-applied', 'resolved-applied', 'resolved-rolled-back')
        ORDER BY migration, id DESC`,
      [this.context.historyTable],
    );
    for (const row of rows) {
      const unfinished = row.event === 'migration-started' || row.event === 'statement-completed';
      if (unfinished || (row.event === 'migration-failed' && row.mode === 'statements')) {
        open.set(row.migration, {
          statementsDone: row.statements_done ?? 0,
          at: row.at,
          error: unfinished ? undefined : (row.error_message ?? undefined),
        });
      }
    }
    return open;
  }

  /** The previous run on this history table, if it started and never finished: its process died. */
  async interruptedPreviousRun(): Promise<{ runId: string; startedAt: Date; host: string | null; pid: number } | undefined> {
    if (!this.enabled) return undefined;
    const [row] = await this.session.query<{
      run_id: string;
      at: Date;
      client_host: string | null;
      backend_pid: number;
      finished: boolean;
    }>(
      `SELECT s.run_id, s.at, s.client_host, s.backend_pid,
              EXISTS (SELECT 1 FROM ${this.qualifiedName} e WHERE e.run_id = s.run_id AND e.event IN ('run-finished', 'run-failed')) AS finished
         FROM ${this.qualifiedName} s
        WHERE s.event = 'run-started' AND s.command = 'deploy' AND s.history_table = $1 AND s.run_id <> $2
        ORDER BY s.id DESC LIMIT 1`,
      [this.context.historyTable, this.context.runId],
    );
    if (!row || row.finished) return undefined;
    return { runId: row.run_id, startedAt: row.at, host: row.client_host, pid: row.backend_pid };
  }
}

export class AuditWriteError extends Error {}

/** A statement-by-statement migration that stopped part-way and is not resolved. */
export interface OpenFailure {
  statementsDone: number;
  at: Date;
  /** The error, or undefined when the process applying it died. */
  error: string | undefined;
}

function auditDdl(qualified: string, settings: AuditSettings): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(settings.schema)};
CREATE TABLE IF NOT EXISTS ${qualified} (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at               timestamptz NOT NULL DEFAULT clock_timestamp(),
  run_id           uuid NOT NULL,
  command          text NOT NULL,
  event            text NOT NULL,
  orm              text NOT NULL,
  history_table    text NOT NULL,
  migration        text,
  checksum         text,
  attempt          integer,
  statements_total integer,
  statements_done  integer,
  statement_hashes text[],
  duration_ms      integer,
  lock_waits       integer,
  error_code       text,
  error_message    text,
  detail           jsonb,
  lockstep_version text NOT NULL,
  client_host      text,
  os_user          text,
  db_user          text NOT NULL DEFAULT current_user,
  backend_pid      integer NOT NULL DEFAULT pg_backend_pid()
);
CREATE INDEX IF NOT EXISTS ${quoteIdent(`${settings.table}_migration_idx`)} ON ${qualified} (history_table, migration, id);`;
}

const CLIENT_HOST = safeHostname();
const OS_USER = safeUser();

function safeHostname(): string | null {
  try {
    return hostname();
  } catch {
    return null;
  }
}

function safeUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}
