import { displayIdent, quoteIdent, type PgSession } from '../db/postgres/session.js';

/** A table with the columns of an ORM's history table, found in the database. */
export interface HistoryShapedTable {
  schema: string;
  table: string;
  /** schema.table as SQL writes it. */
  qualified: string;
  /** Rows in it; undefined when the role may not read it. */
  rows: number | undefined;
}

/**
 * Tables outside PostgreSQL's own schemas that have every one of `columns` (an ORM's history
 * table has a shape of its own: Drizzle's `hash` and `created_at`, Prisma's `migration_name` and
 * `checksum`), other than `except`, with how many rows each holds. At most ten.
 */
export async function historyShapedTables(
  session: PgSession,
  columns: string[],
  except: { schema: string; table: string },
): Promise<HistoryShapedTable[]> {
  const found = await session.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND NOT (n.nspname = $2 AND c.relname = $3)
        AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY($1::text[])) = cardinality($1::text[])
      ORDER BY 1, 2 LIMIT 10`,
    [columns, except.schema, except.table],
  );
  const out: HistoryShapedTable[] = [];
  for (const { schema, table } of found) {
    const quoted = `${quoteIdent(schema)}.${quoteIdent(table)}`;
    let rows: number | undefined;
    try {
      const [row] = await session.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quoted}`);
      rows = Number(row?.n ?? 0);
    } catch {
      rows = undefined;
    }
    out.push({ schema, table, qualified: `${displayIdent(schema)}.${displayIdent(table)}`, rows });
  }
  return out;
}
