/**
 * The one connection lockstep works through. Two drivers implement it: node-postgres for a real
 * server and PGlite for the embedded database. Everything above this file is driver-agnostic.
 */
export interface PgSession {
  readonly kind: 'server' | 'embedded';
  /** Backend process id of this session (pg_backend_pid()). */
  readonly pid: number;
  /** server_version_num, e.g. 150004. */
  readonly serverVersion: number;
  /** A parameterised query (extended protocol). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Sends `sql` as one simple-protocol query, exactly as written. Several statements in one call
   * run as one implicit transaction, as they do for `psql -c` and for Prisma's engine.
   */
  exec(sql: string): Promise<void>;
  /**
   * Like exec, calling `onStatementDone` each time one of the statements in `sql` completes. Only
   * sessions that see the server's CommandComplete messages have it (node-postgres).
   */
  execCounting?(sql: string, onStatementDone: () => void): Promise<void>;
  close(): Promise<void>;
}

/** How far a script got: how many of its statements completed. */
export interface ScriptProgress {
  completed: number;
}

/**
 * Runs single statements in order and stops at the first error, which it throws as the server
 * sent it; `progress.completed` then says how many statements completed before the failing one.
 * Where the session can count completed statements and the server (PostgreSQL 13 and later)
 * applies statement_timeout to each statement of a multi-statement query, the script travels as
 * one query: one round trip instead of one per statement. Outside an explicit transaction block
 * such a query is one implicit transaction, so scripts bring their own BEGIN and COMMIT.
 */
export async function execScript(session: PgSession, statements: readonly string[], progress: ScriptProgress): Promise<void> {
  progress.completed = 0;
  if (session.execCounting && session.serverVersion >= 130000) {
    // A newline before each `;` ends a statement that ends in a `--` comment.
    await session.execCounting(statements.join('\n;\n'), () => progress.completed++);
    return;
  }
  for (const statement of statements) {
    await session.exec(statement);
    progress.completed++;
  }
}

/** The fields of a PostgreSQL error that lockstep reads; both drivers provide them. */
export interface PgErrorFields {
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
  schema?: string;
  table?: string;
  constraint?: string;
}

/** An error the server sent (it has a SQLSTATE and a severity), as opposed to a socket or client error. */
export function isPgError(error: unknown): error is Error & PgErrorFields {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/** SQLSTATEs that mean "try again later; nothing was done by the failed statement". */
export const SQLSTATE = {
  lockNotAvailable: '55P03',
  deadlockDetected: '40P01',
  serializationFailure: '40001',
  queryCanceled: '57014',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  invalidCatalogName: '3D000',
  syntaxError: '42601',
  activeSqlTransaction: '25001',
  tooManyConnections: '53300',
  cannotConnectNow: '57P03',
  adminShutdown: '57P01',
  insufficientPrivilege: '42501',
} as const;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** An identifier as SQL needs it: bare when it is a plain lower-case name, quoted otherwise. */
export function displayIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdent(name);
}
