import type { PGlite } from '@electric-sql/pglite';
import type { PgSession } from './session.js';

/** A PgSession over an open PGlite database; `close` says how the caller lets it go. */
export async function pgliteSession(db: PGlite, close: () => Promise<void>): Promise<PgSession> {
  const [row] = (
    await db.query<{ pid: number; version: string }>(
      `SELECT pg_backend_pid() AS pid, current_setting('server_version_num') AS version`,
    )
  ).rows;
  return {
    kind: 'embedded',
    pid: row!.pid,
    serverVersion: Number(row!.version),
    async query<Row>(sql: string, params?: readonly unknown[]) {
      return (await db.query<Row>(sql, params as unknown[] | undefined)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    close,
  };
}
