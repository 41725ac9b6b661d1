import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseUrl } from '../url.js';
import { quoteIdent, type PgSession } from './session.js';

type ClientConfig = pg.ClientConfig;

/** node-postgres client options for a parsed URL, honouring the libpq/Prisma parameters that matter. */
export function clientConfig(url: DatabaseUrl, applicationName: string): ClientConfig {
  const params = url.params;
  const config: ClientConfig = {
    host: url.host,
    port: url.port,
    user: url.user,
    database: url.database,
    application_name: params.get('application_name') ?? applicationName,
    connectionTimeoutMillis: Number(params.get('connect_timeout') ?? '10') * 1000 || 10_000,
    keepAlive: true,
  };
  if (url.password !== undefined) config.password = url.password;
  const sslmode = params.get('sslmode');
  const sslaccept = params.get('sslaccept');
  if (sslmode === 'require' || sslmode === 'no-verify' || sslaccept === 'accept_invalid_certs') {
    config.ssl = { rejectUnauthorized: false };
  } else if (sslmode === 'verify-ca' || sslmode === 'verify-full') {
    const rootCert = params.get('sslrootcert');
    config.ssl = { rejectUnauthorized: true, ...(rootCert ? { ca: readFileSync(rootCert, 'utf8') } : {}) };
  }
  return config;
}

class NodePgSession implements PgSession {
  readonly kind = 'server' as const;
  constructor(
    private readonly client: pg.Client,
    readonly pid: number,
    readonly serverVersion: number,
  ) {}

  async query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    const result = await this.client.query(sql, params as unknown[] | undefined);
    return result.rows as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async execCounting(sql: string, onStatementDone: () => void): Promise<void> {
    const connection = this.client.connection;
    connection.on('commandComplete', onStatementDone);
    try {
      await this.client.query(sql);
    } finally {
      connection.off('commandComplete', onStatementDone);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

export async function openNodeSession(url: DatabaseUrl, applicationName: string): Promise<PgSession> {
  const client = new pg.Client(clientConfig(url, applicationName));
  // A dropped connection must surface as a failed query, never as an unhandled 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    if (url.schema) await client.query(`SET search_path TO ${quoteIdent(url.schema)}`);
    const { rows } = await client.query<{ pid: number; version: string }>(
      `SELECT pg_backend_pid() AS pid, current_setting('server_version_num') AS version`,
    );
    const row = rows[0]!;
    const version = Number(row.version);
    // If lockstep's process dies or its connection breaks while a statement runs, the server
    // notices within a second and cancels it (PostgreSQL 14 and later; a platform without the
    // check keeps the default), instead of running the rest of a migration nobody will see end.
    if (version >= 140000) await client.query(`SET client_connection_check_interval = '1s'`).catch(() => undefined);
    return new NodePgSession(client, row.pid, version);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}
