import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli, withoutProgress } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyDrizzleExample, DRIZZLE_KIT, drizzleMigrate, type DrizzleProject } from '../support/drizzle.js';
import { REPO_ROOT } from '../support/project.js';
import { sha256Hex } from '../../src/util/hash.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Row {
  id: number;
  hash: string;
  created_at: string;
}

const rows = (db: TestDatabase) => db.query<Row>('SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id');
const tables = (db: TestDatabase) =>
  db
    .query<{ t: string }>(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('public', 'drizzle') ORDER BY 1`,
    )
    .then((r) => r.map((x) => x.t));

describe('Drizzle projects', () => {
  let db: TestDatabase;
  let other: TestDatabase | undefined;
  let project: DrizzleProject;
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } });
  afterEach(async () => {
    await db?.drop();
    await other?.drop();
    other = undefined;
    project?.cleanup();
  });

  it('writes __drizzle_migrations exactly as drizzle-orm migrate() does', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    const result = await cli('deploy', '--json');
    expect(withoutProgress(result.stderr)).toBe('');
    expect(result.code).toBe(0);
    expect(
      events(result.stdout)
        .filter((e) => e.type === 'migration-applied')
        .map((e) => [e.migration, e.mode]),
    ).toEqual([
      ['0000_init', 'transaction'],
      ['0001_add_tasks', 'transaction'],
      ['0002_add_due_dates_and_last_login', 'transaction'],
      ['0003_tasks_due_at_index_concurrently', 'statements'],
      ['0004_add_blocked_task_status', 'transaction'],
    ]);
    const journal = project.journal();
    const lockstepRows = await rows(db);
    expect(lockstepRows.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
    expect(lockstepRows.map((r) => r.hash)).toEqual(
      journal.entries.map((e) => sha256Hex(readFileSync(join(project.out, `${e.tag}.sql`), 'utf8'))),
    );
    const ddl = await db.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'drizzle' AND table_name = '__drizzle_migrations' ORDER BY ordinal_position`,
    );
    expect(ddl).toEqual([
      {
        column_name: 'id',
        data_type: 'integer',
        is_nullable: 'NO',
        column_default: "nextval('drizzle.__drizzle_migrations_id_seq'::regclass)",
      },
      { column_name: 'hash', data_type: 'text', is_nullable: 'NO', column_default: null },
      { column_name: 'created_at', data_type: 'bigint', is_nullable: 'YES', column_default: null },
    ]);
    // drizzle-orm agrees that nothing is pending: migrate() is a no-op and adds no row.
    await drizzleMigrate(db.url, project.out);
    expect(await rows(db)).toEqual(lockstepRows);
  });

  it('continues what drizzle-orm migrate() started, and drizzle-orm continues what lockstep started', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    // drizzle-orm first, with the first three migrations only.
    const full = readFileSync(join(project.out, 'meta', '_journal.json'), 'utf8');
    const journal = JSON.parse(full) as { entries: unknown[] };
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(project.out, 'meta', '_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, 3) }, null, 2),
    );
    await drizzleMigrate(db.url, project.out);
    const drizzleRows = await rows(db);
    expect(drizzleRows).toHaveLength(3);
    writeFileSync(join(project.out, 'meta', '_journal.json'), full);
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'pending', counts: { applied: 3, pending: 2, edited: 0 } });
    const deployed = await cli('deploy');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain('2 pending migrations (3 already applied)');
    expect(await rows(db)).toHaveLength(5);
    // drizzle-kit migrate (the CLI) finds nothing to do either.
    const kit = spawnSync(process.execPath, [DRIZZLE_KIT, 'migrate'], {
      cwd: project.dir,
      env: { ...process.env, DATABASE_URL: db.url, NODE_PATH: join(REPO_ROOT, 'node_modules') },
      encoding: 'utf8',
    });
    expect(kit.status).toBe(0);
    expect(await rows(db)).toHaveLength(5);

    // Now lockstep first and drizzle-orm after.
    other = await freshDatabase();
    writeFileSync(
      join(project.out, 'meta', '_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, 2) }, null, 2),
    );
    expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: other.url } })).code).toBe(0);
    // drizzle-orm cannot run the CONCURRENTLY migration inside its one transaction: apply that one with lockstep,
    // then let drizzle-orm apply the rest.
    writeFileSync(
      join(project.out, 'meta', '_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, 4) }, null, 2),
    );
    expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: other.url } })).code).toBe(0);
    writeFileSync(join(project.out, 'meta', '_journal.json'), full);
    await drizzleMigrate(other.url, project.out);
    const otherRows = await other.query<Row>('SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id');
    expect(otherRows.map((r) => r.created_at)).toEqual((await rows(db)).map((r) => r.created_at));
  });

  it('refuses a migration older than the newest applied one, which drizzle-orm would skip silently, and applies it with --allow-out-of-order', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    expect((await cli('deploy')).code).toBe(0);
    // A branch merged late: its journal time is older than the newest applied migration.
    project.add(
      '0005_add_labels',
      ['CREATE TABLE "labels" ("id" serial PRIMARY KEY NOT NULL, "name" text NOT NULL);\n'],
      1739000000000,
    );
    const status = await cli('status', '--json');
    const report = JSON.parse(status.stdout) as { migrations: Array<{ name: string; state: string; outOfOrder: boolean }> };
    expect(report.migrations.find((m) => m.name === '0005_add_labels')).toMatchObject({ state: 'pending', outOfOrder: true });

    // drizzle-orm's migrator does not apply it and says nothing.
    await drizzleMigrate(db.url, project.out);
    expect(await tables(db)).not.toContain('public.labels');

    const refused = await cli('deploy');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[LS_OUT_OF_ORDER]');
    expect(refused.stderr).toContain('0005_add_labels');
    expect(refused.stderr).toContain("Drizzle's migrator skips such a migration without a word");
    expect(refused.stderr).toContain('lockstep deploy --allow-out-of-order');

    const allowed = await cli('deploy', '--allow-out-of-order');
    expect(allowed.code).toBe(0);
    expect(await tables(db)).toContain('public.labels');
    const after = await rows(db);
    expect(after.map((r) => Number(r.created_at))).toContain(1739000000000);
    // drizzle-orm stays consistent: its high-water mark is unchanged and it re-runs nothing.
    await drizzleMigrate(db.url, project.out);
    expect(await rows(db)).toEqual(after);
    expect((await cli('status')).code).toBe(0);
  });

  it('reports an applied migration whose SQL changed, which drizzle never checks', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    expect((await cli('deploy')).code).toBe(0);
    project.write('0002_add_due_dates_and_last_login', 'ALTER TABLE "tasks" ADD COLUMN "due_at" timestamp;');
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout).problems).toEqual([
      expect.objectContaining({ code: 'LS_EDITED', migration: '0002_add_due_dates_and_last_login' }),
    ]);
    const strict = await cli('deploy', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('drizzle/0002_add_due_dates_and_last_login.sql was edited after it was applied');
  });
});
