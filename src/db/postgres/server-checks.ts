import { quoteIdent, type PgSession } from './session.js';

export interface ConnectionHeadroom {
  maxConnections: number;
  reserved: number;
  inUse: number;
  available: number;
  roleLimit: number | null;
  roleInUse: number;
  databaseLimit: number | null;
  databaseInUse: number;
}

export async function connectionHeadroom(session: PgSession): Promise<ConnectionHeadroom> {
  const [row] = await session.query<{
    max: number;
    reserved: number;
    in_use: number;
    role_limit: number;
    role_in_use: number;
    db_limit: number;
    db_in_use: number;
  }>(
    `SELECT current_setting('max_connections')::int AS max,
            current_setting('superuser_reserved_connections')::int
              + coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int AS reserved,
            (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS in_use,
            (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user) AS role_limit,
            (SELECT count(*) FROM pg_stat_activity WHERE usename = current_user AND backend_type = 'client backend')::int AS role_in_use,
            (SELECT datconnlimit FROM pg_database WHERE datname = current_database()) AS db_limit,
            (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend')::int AS db_in_use`,
  );
  const r = row!;
  return {
    maxConnections: r.max,
    reserved: r.reserved,
    inUse: r.in_use,
    available: r.max - r.reserved - r.in_use,
    roleLimit: r.role_limit >= 0 ? r.role_limit : null,
    roleInUse: r.role_in_use,
    databaseLimit: r.db_limit >= 0 ? r.db_limit : null,
    databaseInUse: r.db_in_use,
  };
}

/** A warning when a rolling deploy could run the server out of connections, or undefined. */
export function headroomWarning(h: ConnectionHeadroom): string | undefined {
  const problems: string[] = [];
  const tight = (free: number, limit: number) => free < Math.max(3, Math.ceil(limit * 0.1));
  if (tight(h.available, h.maxConnections)) {
    problems.push(
      `${h.inUse} of ${h.maxConnections} connections are in use and ${h.reserved} are reserved for superusers, leaving ${Math.max(0, h.available)}`,
    );
  }
  if (h.roleLimit !== null && tight(h.roleLimit - h.roleInUse, h.roleLimit)) {
    problems.push(`this role may open ${h.roleLimit} connections and has ${h.roleInUse} open`);
  }
  if (h.databaseLimit !== null && tight(h.databaseLimit - h.databaseInUse, h.databaseLimit)) {
    problems.push(`this database accepts ${h.databaseLimit} connections and has ${h.databaseInUse} open`);
  }
  if (problems.length === 0) return undefined;
  return `Connection headroom is tight: ${problems.join('; ')}. During a rolling deploy the new replicas open their pools before the old ones close; lower the pool size (e.g. connection_limit in the app's URL) or raise the limit before deploying.`;
}

export interface InvalidIndex {
  schema: string;
  name: string;
  table: string;
}

/** Indexes left INVALID by a failed CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY). */
export async function invalidIndexes(session: PgSession, schemas?: string[]): Promise<InvalidIndex[]> {
  return session.query<InvalidIndex>(
    `SELECT n.nspname AS schema, c.relname AS name, t.relname AS "table"
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class t ON t.oid = i.indrelid
      WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
      ORDER BY 1, 2`,
    [schemas ?? null],
  );
}

export interface IndexState {
  schema: string;
  valid: boolean;
  /** The server's CREATE INDEX for it (pg_get_indexdef). */
  definition: string;
  /** Whether it indexes `table` (an index of that name may belong to another table of the schema). */
  onTable: boolean;
}

/** The state of index `name` in the schema of `table` (resolved through the search_path when unqualified). */
export async function indexState(
  session: PgSession,
  table: { schema: string | undefined; table: string },
  name: string,
): Promise<IndexState | undefined> {
  const qualified = table.schema ? `${quoteIdent(table.schema)}.${quoteIdent(table.table)}` : quoteIdent(table.table);
  const [row] = await session.query<{ schema: string; valid: boolean; definition: string; onTable: boolean }>(
    `SELECT n.nspname AS schema, i.indisvalid AS valid, pg_get_indexdef(c.oid) AS definition, i.indrelid = to_regclass($1) AS "onTable"
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_index i ON i.indexrelid = c.oid
      WHERE c.relname = $2 AND c.relkind = 'i'
        AND n.oid = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass($1))`,
    [qualified, name],
  );
  return row;
}

export function dropIndexSql(index: { schema: string; name: string }): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(index.schema)}.${quoteIdent(index.name)};`;
}

export interface LockBlocker {
  pid: number;
  applicationName: string;
  user: string | null;
  state: string | null;
  transactionStart: Date | null;
  query: string | null;
  relation: string;
  mode: string;
}

/** Sessions that hold locks on the given relations: who a lock_timeout was waiting behind. */
export async function lockBlockers(session: PgSession, relations: string[]): Promise<LockBlocker[]> {
  if (relations.length === 0) return [];
  const rows = await session.query<{
    pid: number;
    application_name: string;
    usename: string | null;
    state: string | null;
    xact_start: Date | null;
    query: string | null;
    relation: string;
    mode: string;
  }>(
    `SELECT DISTINCT ON (l.pid) l.pid, a.application_name, a.usename, a.state, a.xact_start, left(a.query, 200) AS query,
            l.relation::regclass::text AS relation, l.mode
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.granted AND l.pid <> pg_backend_pid() AND l.locktype = 'relation'
        AND l.relation IN (SELECT to_regclass(r) FROM unnest($1::text[]) AS r)
      ORDER BY l.pid, a.xact_start NULLS LAST
      LIMIT 5`,
    [relations],
  );
  return rows.map((r) => ({
    pid: r.pid,
    applicationName: r.application_name ?? '',
    user: r.usename,
    state: r.state,
    transactionStart: r.xact_start,
    query: r.query,
    relation: r.relation,
    mode: r.mode,
  }));
}
