import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { drizzleMigrate } from '../support/drizzle.js';
import { prismaProject, type TestProject } from '../support/project.js';

/** A Drizzle project of two migrations whose drizzle.config.json names `migrations`. */
function drizzleProject(migrations: Record<string, unknown> | undefined): TestProject {
  const project = prismaProject({}, { lockToml: null });
  project.remove('prisma');
  project.write(
    'package.json',
    JSON.stringify({ name: 'app', dependencies: { 'drizzle-orm': '^0.45.0' }, devDependencies: { 'drizzle-kit': '^0.31.0' } }),
  );
  project.write(
    'drizzle.config.json',
    JSON.stringify({ dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle', ...(migrations ? { migrations } : {}) }),
  );
  const out = join(project.dir, 'drizzle');
  mkdirSync(join(out, 'meta'), { recursive: true });
  const entries = [
    { idx: 0, version: '7', when: 1700000000000, tag: '0000_accounts', breakpoints: true },
    { idx: 1, version: '7', when: 1700000100000, tag: '0001_invoices', breakpoints: true },
  ];
  writeFileSync(join(out, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
  writeFileSync(join(out, '0000_accounts.sql'), 'CREATE TABLE "accounts" ("id" serial PRIMARY KEY, "email" text NOT NULL);\n');
  writeFileSync(join(out, '0001_invoices.sql'), 'CREATE TABLE "invoices" ("id" serial PRIMARY KEY, "account_id" integer);\n');
  return project;
}

describe('history in another place than the configuration names', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it("Drizzle: the app's migrate() kept its history in drizzle.__drizzle_migrations, the config names public.migrations: deploy and status refuse and name both", async () => {
    db = await freshDatabase();
    project = drizzleProject({ table: 'migrations', schema: 'public' });
    // The app migrated at runtime with drizzle-orm's defaults.
    await drizzleMigrate(db.url, join(project.dir, 'drizzle'));
    await db.query(`INSERT INTO accounts (email) VALUES ('a@example.com')`);
    const env = { DATABASE_URL: db.url };

    const deploy = await runCli(['deploy'], { cwd: project.dir, env });
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toContain(
      '[LS_HISTORY_ELSEWHERE] lockstep reads the drizzle history from public.migrations (as drizzle.config.json configures it), which does not exist',
    );
    expect(deploy.stderr).toContain('drizzle.__drizzle_migrations: 2 migrations recorded, the newest created_at 1700000100000');
    expect(deploy.stderr).toContain(
      "Set `migrations: { schema: 'drizzle', table: '__drizzle_migrations' }` in drizzle.config.json",
    );
    expect(deploy.stderr).toContain('Unchanged: lockstep applied nothing and created nothing.');
    expect(await db.query(`SELECT to_regclass('public.migrations') AS t`)).toEqual([{ t: null }]);
    expect(await db.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).toEqual([{ n: 2 }]);

    const status = await runCli(['status'], { cwd: project.dir, env });
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('[LS_HISTORY_ELSEWHERE]');

    // The fix it names: the config names the table the history is in; then nothing is pending.
    project.write(
      'drizzle.config.json',
      JSON.stringify({
        dialect: 'postgresql',
        schema: './src/schema.ts',
        out: './drizzle',
        migrations: { schema: 'drizzle', table: '__drizzle_migrations' },
      }),
    );
    const fixed = await runCli(['deploy'], { cwd: project.dir, env });
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('Up to date: 2 migrations applied');
  });

  it('Drizzle with its history table in public: a pushed database without history is refused, not migrated from 0000', async () => {
    db = await freshDatabase();
    project = drizzleProject({ table: 'migrations', schema: 'public' });
    // drizzle-kit push built the schema; no migration was ever recorded.
    await db.query('CREATE TABLE "accounts" ("id" serial PRIMARY KEY, "email" text NOT NULL)');
    const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      '[LS_NEEDS_BASELINE] The database is not empty (it has 1 table: public.accounts) but has no public.migrations table',
    );
    expect(await db.query(`SELECT to_regclass('public.migrations') AS t`)).toEqual([{ t: null }]);
  });

  it('an empty history table on a database with tables needs a baseline too (every ORM)', async () => {
    db = await freshDatabase();
    project = drizzleProject(undefined);
    // drizzle-orm creates its table before it migrates; a first migration that failed on an existing table leaves it empty.
    await db.query(
      'CREATE SCHEMA drizzle; CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
    );
    await db.query('CREATE TABLE "accounts" ("id" serial PRIMARY KEY, "email" text NOT NULL)');
    const drizzle = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(drizzle.code).toBe(3);
    expect(drizzle.stderr).toContain('but has no migration recorded in drizzle.__drizzle_migrations');
    const status = await runCli(['status', '--json'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'needs-baseline', existingTables: ['public.accounts'] });

    const prisma = prismaProject({ '20240101000000_init': 'CREATE TABLE "Order" ("id" INTEGER);\n' });
    try {
      const other = await freshDatabase();
      try {
        await other.query(`CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL,
          logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
        await other.query('CREATE TABLE "Order" ("id" INTEGER)');
        const result = await runCli(['deploy'], { cwd: prisma.dir, env: { DATABASE_URL: other.url } });
        expect(result.code).toBe(3);
        expect(result.stderr).toContain(
          '[P3005] The database is not empty (it has 1 table: public.Order) but has no migration recorded in public._prisma_migrations',
        );
      } finally {
        await other.drop();
      }
    } finally {
      prisma.cleanup();
    }
  });

  it('Prisma: history in schema app while the URL selects public (no ?schema=): refused, with the URL parameter that fixes it', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': 'CREATE TABLE "Order" ("id" INTEGER);\n' });
    await db.query('CREATE SCHEMA app');
    const first = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: `${db.url}?schema=app` } });
    expect(first.code).toBe(0);
    const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[LS_HISTORY_ELSEWHERE] lockstep reads the prisma history from public._prisma_migrations');
    expect(result.stderr).toContain('app._prisma_migrations: 1 migration recorded, the newest 20240101000000_init');
    expect(result.stderr).toContain('Add `schema=app` to the database URL');
    expect(await db.query(`SELECT to_regclass('public._prisma_migrations') AS t`)).toEqual([{ t: null }]);
  });

  it("other tenants' and other apps' histories are not this project's: a tenant's first deploy goes ahead", async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': 'CREATE TABLE "Order" ("id" INTEGER);\n' });
    await db.query('CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b');
    expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: `${db.url}?schema=tenant_a` } })).code).toBe(0);
    const second = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: `${db.url}?schema=tenant_b` } });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(await db.query(`SELECT count(*)::int AS n FROM tenant_b._prisma_migrations`)).toEqual([{ n: 1 }]);

    // A Drizzle app next to another app's Drizzle history (none of its migrations) is told about its own tables only.
    const drizzle = drizzleProject(undefined);
    try {
      await db.query(
        `CREATE SCHEMA other_app; CREATE TABLE other_app.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint); INSERT INTO other_app.__drizzle_migrations (hash, created_at) VALUES ('0123abcd', 1600000000000)`,
      );
      const fresh = await runCli(['deploy'], { cwd: drizzle.dir, env: { DATABASE_URL: db.url } });
      expect(fresh.code).toBe(0);
      await db.query('DROP SCHEMA drizzle CASCADE');
      const pushed = await runCli(['deploy'], { cwd: drizzle.dir, env: { DATABASE_URL: db.url } });
      expect(pushed.code).toBe(3);
      expect(pushed.stderr).toContain('[LS_NEEDS_BASELINE]');
    } finally {
      drizzle.cleanup();
    }
  });
});
