import { registerSecret } from '../util/redact.js';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

/** A database URL taken apart. The raw string is kept only to connect; it is never printed. */
export interface DatabaseUrl {
  readonly dialect: Dialect;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  readonly params: URLSearchParams;
  /** Prisma's `schema` parameter: the schema that holds the history table and the search_path. */
  readonly schema: string | undefined;
}

const PG_PROTOCOLS = new Set(['postgres:', 'postgresql:']);
const MYSQL_PROTOCOLS = new Set(['mysql:', 'mariadb:']);

/** Thrown by parseDatabaseUrl with a message that never contains the URL itself. */
export class InvalidDatabaseUrl extends Error {}

export function parseDatabaseUrl(raw: string): DatabaseUrl {
  registerSecret(raw);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InvalidDatabaseUrl('the database URL is not a valid URL (expected postgresql://user:password@host:port/database)');
  }
  if (url.password)
    registerSecret(url.password, {
      ordinary: [safeDecode(url.username), safeDecode(url.pathname.replace(/^\//, '')), url.hostname],
    });
  let dialect: Dialect;
  if (PG_PROTOCOLS.has(url.protocol)) dialect = 'postgres';
  else if (MYSQL_PROTOCOLS.has(url.protocol)) dialect = 'mysql';
  else if (url.protocol === 'file:' || url.protocol === 'sqlite:') dialect = 'sqlite';
  else
    throw new InvalidDatabaseUrl(
      `the database URL has the unsupported scheme "${url.protocol.replace(/:$/, '')}" (expected postgresql://, mysql:// or file:)`,
    );

  const params = url.searchParams;
  // A `host` parameter (a socket directory) overrides the URL's host, as in libpq and Prisma.
  const socketHost = params.get('host');
  const host = socketHost || decode(url.hostname, 'host') || 'localhost';
  const defaultPort = dialect === 'mysql' ? 3306 : 5432;
  return {
    dialect,
    host,
    port: url.port ? Number(url.port) : defaultPort,
    database:
      decode(url.pathname.replace(/^\//, ''), 'database name') ||
      (dialect === 'postgres' ? decode(url.username, 'user name') || 'postgres' : ''),
    user: decode(url.username, 'user name') || (dialect === 'postgres' ? 'postgres' : 'root'),
    password: url.password ? decode(url.password, 'password') : undefined,
    params,
    schema: params.get('schema') ?? undefined,
  };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InvalidDatabaseUrl(`the ${what} in the database URL has an invalid percent-encoding (encode "%" as %25)`);
  }
}

/** How a target is named in output: never the URL, never the password. */
export function describeUrl(url: DatabaseUrl): string {
  return `database "${url.database}" on ${url.host}:${url.port} as ${url.user}`;
}

export interface PoolerSuspicion {
  reason: string;
}

/**
 * A URL that looks like a transaction-mode pooler (PgBouncer, Supavisor, Neon's pooler). Session
 * state (advisory locks, SET lock_timeout) does not survive between transactions there.
 */
export function poolerSuspicion(url: DatabaseUrl): PoolerSuspicion | undefined {
  if (url.dialect !== 'postgres') return undefined;
  if (url.params.get('pgbouncer') === 'true') return { reason: 'it sets pgbouncer=true' };
  if (url.port === 6432) return { reason: "it uses port 6432, PgBouncer's default" };
  if (url.port === 6543) return { reason: 'it uses port 6543, the transaction pooler port of Supabase' };
  if (/pooler\./i.test(url.host) || /-pooler\b/i.test(url.host)) return { reason: `its host ${url.host} names a pooler` };
  return undefined;
}
