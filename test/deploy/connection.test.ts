import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli, withoutProgress } from '../support/cli.js';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

const A = 'CREATE TABLE "a" ("id" INTEGER);\n';

function withPort(url: string, port: number, params = ''): string {
  const u = new URL(url);
  u.port = String(port);
  return `${u.toString()}${params}`;
}

describe('choosing and checking the connection', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it("prefers Prisma's directUrl over the pooled url, and warns about a pooled URL without one", async () => {
    db = await freshDatabase();
    const schema = `datasource db {\n  provider  = "postgresql"\n  url       = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")\n}\n`;
    project = prismaProject({ '20240101000000_a': A }, { schema });
    // The pooled URL points nowhere: lockstep must not use it.
    const pooled = withPort(db.url, 6432, '?pgbouncer=true');
    const direct = await runCli(['deploy', '--json'], { cwd: project.dir, env: { DATABASE_URL: pooled, DIRECT_URL: db.url } });
    expect(direct.code).toBe(0);
    expect(events(direct.stdout).filter((e) => e.type === 'warning')).toEqual([]);

    project.write('prisma/schema.prisma', `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n`);
    const warned = await runCli(['status'], { cwd: project.dir, env: { DATABASE_URL: `${db.url}?pgbouncer=true` } });
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(
      'looks like a transaction-mode pooler (it sets pgbouncer=true) and no direct URL is configured',
    );
  });

  it('reads the URL from prisma.config.ts and the project .env, and honours a custom migrations path', async () => {
    db = await freshDatabase();
    project = prismaProject({}, { lockToml: null });
    project.remove('prisma');
    project.write('db/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    project.write('db/sql-migrations/20240101000000_a/migration.sql', A);
    project.write(
      'prisma.config.ts',
      `import 'dotenv/config';\nimport { defineConfig, env } from 'prisma/config';\n\nexport default defineConfig({\n  schema: 'db/schema.prisma',\n  migrations: { path: 'db/sql-migrations' },\n  datasource: { url: env('APP_DATABASE_URL') },\n});\n`,
    );
    project.write('.env', `APP_DATABASE_URL=${db.url}\n`);
    const result = await runCli(['deploy', '--json'], { cwd: project.dir });
    expect(withoutProgress(result.stderr)).toBe('');
    expect(result.code).toBe(0);
    expect(events(result.stdout).find((e) => e.type === 'run-started')).toMatchObject({ embedded: false });
    expect(
      (await db.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations')).map((r) => r.migration_name),
    ).toEqual(['20240101000000_a']);
  });

  it("--config takes a schema elsewhere, as Prisma's --schema does; its migrations folder is next to it", async () => {
    db = await freshDatabase();
    project = prismaProject({}, { lockToml: null });
    project.remove('prisma');
    project.write('db/schema.prisma', 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n');
    project.write('db/migrations/20240101000000_a/migration.sql', A);
    const env = { DATABASE_URL: db.url };
    const unfound = await runCli(['status'], { cwd: project.dir, env });
    expect(unfound.code).toBe(2);
    expect(unfound.stderr).toContain('The migrations folder prisma/migrations does not exist (');
    const result = await runCli(['deploy', '--config', 'db/schema.prisma'], { cwd: project.dir, env });
    expect(result.code).toBe(0);
    expect(
      (await db.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations')).map((r) => r.migration_name),
    ).toEqual(['20240101000000_a']);
  });

  it('--project and --cwd choose the project; --url wins over the configuration', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': A });
    const viaProject = await runCli(['status', '--project', project.dir, '--url', db.url]);
    expect(viaProject.code).toBe(1);
    // The command it suggests works from where it was run, and never holds the URL itself (nor
    // claims it came from DATABASE_URL, which is not set here).
    expect(viaProject.stdout).toContain(`run \`lockstep deploy --project ${project.dir} --url "<the URL you passed>"\``);
    const viaCwd = await runCli(['deploy', '--cwd', project.dir, '--url', db.url], {
      env: { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/nothing' },
    });
    expect(viaCwd.code).toBe(0);
  });

  it('warns before applying when the connection headroom is tight', async () => {
    db = await freshDatabase();
    const role = `lockstep_tight_${randomBytes(4).toString('hex')}`;
    await db.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 2`);
    await db.query(`GRANT ALL ON SCHEMA public TO ${role}; GRANT CREATE ON DATABASE ${db.name} TO ${role}`);
    try {
      project = prismaProject({ '20240101000000_a': A });
      const url = new URL(db.url);
      url.username = role;
      const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: url.toString() } });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('Connection headroom is tight: this role may open 2 connections and has 1 open');
    } finally {
      await db.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    }
  });
});
