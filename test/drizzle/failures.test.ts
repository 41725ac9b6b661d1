import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyDrizzleExample, drizzleMigrate, drizzleV1Migrate, type DrizzleProject } from '../support/drizzle.js';

describe('Drizzle migrations that fail', () => {
  let db: TestDatabase;
  let project: DrizzleProject;
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } });
  const count = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations'))[0]!.n);
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('a failure inside a transaction leaves nothing behind and does not block: fix the file and deploy again', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    expect((await cli('deploy')).code).toBe(0);
    project.add(
      '0005_broken',
      ['ALTER TABLE "tasks" ADD COLUMN "points" integer;', 'ALTER TABLE "nope" ADD COLUMN "x" integer;'],
      1742000000000,
    );
    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('[LS_MIGRATION_FAILED]');
    expect(failed.stderr).toContain('relation "nope" does not exist');
    expect(failed.stderr).toContain('No failure is recorded');
    expect(await count()).toBe(5);
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'pending' });
    project.write('0005_broken', 'ALTER TABLE "tasks" ADD COLUMN "points" integer;');
    expect((await cli('deploy')).code).toBe(0);
    expect(await count()).toBe(6);
  });

  it('a journal entry whose SQL file is missing is named by status, and deploy refuses it before applying anything', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    rmSync(join(project.out, '0002_add_due_dates_and_last_login.sql'));
    const status = await cli('status');
    expect(status.stdout).toContain(
      'Missing file: drizzle/0002_add_due_dates_and_last_login.sql does not exist, but drizzle/meta/_journal.json lists 0002_add_due_dates_and_last_login',
    );
    const json = JSON.parse((await cli('status', '--json')).stdout);
    expect(json.problems).toEqual([
      expect.objectContaining({ code: 'LS_FILE_MISSING', migration: '0002_add_due_dates_and_last_login' }),
    ]);
    const deploy = await cli('deploy');
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toContain('[LS_MIGRATION_FILE]');
    expect(deploy.stderr).toContain('drizzle/meta/_journal.json lists 0002_add_due_dates_and_last_login');
    // Refused before anything was created: not even the history table.
    expect(await db.query(`SELECT to_regclass('drizzle.__drizzle_migrations') AS h, to_regclass('public.users') AS t`)).toEqual([
      { h: null, t: null },
    ]);
  });

  it('a statement-by-statement migration that fails part-way blocks later deploys through the audit log, until resolved or resumed', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    expect((await cli('deploy')).code).toBe(0);
    await db.query(`INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com')`);
    await db.query(`INSERT INTO projects (owner_id, name) SELECT id, 'p' FROM users`);
    project.add(
      '0005_unique_project_names',
      [
        'ALTER TABLE "projects" ADD COLUMN "archived" boolean;',
        'CREATE UNIQUE INDEX CONCURRENTLY "projects_name_key" ON "projects" ("name");',
      ],
      1742000000000,
    );
    project.add('0006_later', ['CREATE TABLE "later" ("id" serial PRIMARY KEY);'], 1743000000000);

    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('statement 1 of 2 is in effect');
    expect(failed.stderr).toContain("recorded as failed in lockstep's audit log");
    expect(failed.stderr).toContain('INVALID index public.projects_name_key');
    expect(await count()).toBe(5);

    const blocked = await cli('deploy');
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('[LS_BLOCKED]');
    expect(blocked.stderr).toContain('0005_unique_project_names');
    expect(blocked.stderr).toContain('lockstep deploy --resume');
    expect(blocked.stderr).toContain('lockstep resolve --rolled-back 0005_unique_project_names');
    const status = await cli('status', '--json');
    expect(status.code).toBe(3);
    expect(
      JSON.parse(status.stdout).migrations.find((m: { name: string }) => m.name === '0005_unique_project_names'),
    ).toMatchObject({ state: 'failed', statementsDone: 1 });

    await db.query(`UPDATE projects SET name = name || id`);
    const resumed = await cli('deploy', '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Resuming 0005_unique_project_names at statement 2');
    expect(await count()).toBe(7);
    // drizzle-orm agrees: nothing pending.
    await drizzleMigrate(db.url, project.out);
    expect(await count()).toBe(7);
  });

  it('resolve --rolled-back and --applied close a failure recorded in the audit log', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    expect((await cli('deploy')).code).toBe(0);
    project.add(
      '0005_fails',
      ['CREATE TABLE "t1" ("id" integer);', 'CREATE INDEX CONCURRENTLY "t_missing_idx" ON "missing" ("id");'],
      1742000000000,
    );
    expect((await cli('deploy')).code).toBe(1);
    expect((await cli('deploy')).code).toBe(3);
    const resolved = await cli('resolve', '--rolled-back', '0005_fails');
    expect(resolved.code).toBe(0);
    await db.query('DROP TABLE "t1"');
    project.write('0005_fails', 'CREATE TABLE "t1" ("id" integer);');
    expect((await cli('deploy')).code).toBe(0);

    project.add('0006_by_hand', ['CREATE TABLE "t2" ("id" integer);'], 1743000000000);
    await db.query('CREATE TABLE "t2" ("id" integer)');
    const applied = await cli('resolve', '--applied', '0006_by_hand');
    expect(applied.code).toBe(0);
    expect((await cli('status')).code).toBe(0);
    const again = await cli('resolve', '--applied', '0006_by_hand');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[LS_ALREADY_APPLIED]');
  });

  it('eight concurrent deploys apply each migration once', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    const runs = await Promise.all(Array.from({ length: 8 }, () => cli('deploy')));
    for (const run of runs) expect(run.code).toBe(0);
    const rows = await db.query<{ created_at: string; n: string }>(
      'SELECT created_at, count(*) AS n FROM drizzle.__drizzle_migrations GROUP BY 1',
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
  });

  it('records the v1 folder layout with names, and honours a custom migrations table and schema', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    // drizzle-kit v1 layout: <out>/<timestamp>_<name>/migration.sql, no journal.
    const { rmSync } = await import('node:fs');
    rmSync(project.out, { recursive: true });
    for (const [folder, sql] of [
      ['20250114091512_init', 'CREATE TABLE "users" ("id" serial PRIMARY KEY NOT NULL);'],
      ['20250121143027_posts', 'CREATE TABLE "posts" ("id" serial PRIMARY KEY NOT NULL);'],
    ] as const) {
      mkdirSync(join(project.out, folder), { recursive: true });
      writeFileSync(join(project.out, folder, 'migration.sql'), sql);
    }
    writeFileSync(
      join(project.dir, 'drizzle.config.ts'),
      `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.ts', out: './drizzle', dbCredentials: { url: process.env.DATABASE_URL! }, migrations: { table: 'schema_history', schema: 'ops' } });\n`,
    );
    const result = await cli('deploy');
    expect(result.code).toBe(0);
    const history = await db.query<{ hash: string; created_at: string; name: string; applied: boolean }>(
      'SELECT hash, created_at, name, applied_at IS NOT NULL AS applied FROM ops.schema_history ORDER BY id',
    );
    expect(history.map((r) => [r.name, Number(r.created_at), r.applied])).toEqual([
      ['20250114091512_init', Date.UTC(2025, 0, 14, 9, 15, 12), true],
      ['20250121143027_posts', Date.UTC(2025, 0, 21, 14, 30, 27), true],
    ]);
    const detect = await runCli(['detect', '--json'], { cwd: project.dir });
    expect(JSON.parse(detect.stdout).orms[0]).toMatchObject({ orm: 'drizzle', historyTable: 'ops.schema_history' });
    // drizzle-orm v1 reads the table lockstep wrote and finds nothing to apply.
    await drizzleV1Migrate(db.url, project.out, { migrationsTable: 'schema_history', migrationsSchema: 'ops' });
    expect(await db.query('SELECT count(*)::int AS n FROM ops.schema_history')).toEqual([{ n: 2 }]);
  });
});
