import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startPasswordServer, type PasswordServer } from '../support/password-server.js';
import { prismaProject, type TestProject } from '../support/project.js';
import pg from 'pg';

describe('secrets', () => {
  let server: PasswordServer;
  let project: TestProject;
  beforeAll(async () => {
    server = await startPasswordServer();
  });
  afterAll(async () => {
    project?.cleanup();
    await server?.stop();
  });

  it('never appear in any output, log line, error, history row or audit row', async () => {
    project = prismaProject({
      '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n',
      '20240102000000_b': 'CREATE INDEX CONCURRENTLY "a_id_idx" ON "a"("id");\n',
      '20240103000000_bad': 'SELECT * FROM "missing";\n',
    });
    const url = server.url('shop');
    const outputs: string[] = [];
    const run = async (args: string[], env: Record<string, string> = { DATABASE_URL: url }) => {
      const result = await runCli(args, { cwd: project.dir, env });
      outputs.push(result.stdout, result.stderr);
      return result;
    };
    expect((await run(['deploy'])).code).toBe(1);
    await run(['deploy', '--json']);
    await run(['status']);
    await run(['status', '--json']);
    await run(['resolve', '--rolled-back', '20240103000000_bad', '--json']);
    await run(['deploy', '--url', url, '--json']);
    await run(['deploy', '--url', url]);
    // A pooled URL and a wrong password produce warnings and errors that must not echo the URL either.
    await run(['status'], { DATABASE_URL: `${url}?pgbouncer=true` });
    await run(['deploy'], { DATABASE_URL: server.url('shop', 'wrong-Passw0rd-123') });
    await run(['deploy'], { DATABASE_URL: server.url('nosuchdb') });
    project.write('.env', `DATABASE_URL="${url}"\n`);
    await run(['deploy', '--json'], {});

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const stored = JSON.stringify([
      (await client.query('SELECT * FROM _prisma_migrations')).rows,
      (await client.query('SELECT * FROM lockstep.audit_log')).rows,
    ]);
    await client.end();

    const everything = outputs.join('\n') + stored;
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of [server.password, encodeURIComponent(server.password), 'wrong-Passw0rd-123', url]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/postgres(ql)?:\/\/[^\s"]*:[^\s"@*]+@/);
  });
});
