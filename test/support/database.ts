import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  name: string;
  /** URL of the test database, as the superuser. */
  url: string;
  /** Runs SQL in the test database on a short-lived connection. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** A connection of its own, for holding locks or running loops. */
  connect(): Promise<pg.Client>;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  return inject('pgAdminUrl');
}

export function urlFor(database: string, base = adminUrl()): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs SQL on the server's maintenance database (roles, databases). */
export async function adminQuery(sql: string): Promise<void> {
  await withClient(adminUrl(), (c) => c.query(sql));
}

/** A new, empty database of its own for one test. */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `lockstep_t_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl(), (c) => c.query(`CREATE DATABASE ${name}`));
  const url = urlFor(name);
  return {
    name,
    url,
    query: async <Row>(sql: string, params?: unknown[]) =>
      withClient(url, async (c) => (await c.query(sql, params)).rows as Row[]),
    connect: async () => {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
    drop: async () => {
      await withClient(adminUrl(), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
    },
  };
}
