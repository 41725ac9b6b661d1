import { afterEach, describe, expect, it } from 'vitest';
import { runCli, withoutProgress } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

/** Starts a deploy and SIGKILLs it once `marker` appears in its output (or a statement is running). */
async function killDuring(project: TestProject, db: TestDatabase, waitFor: (db: TestDatabase) => Promise<boolean>) {
  let child: import('node:child_process').ChildProcess | undefined;
  const run = runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url }, onSpawn: (c) => (child = c) });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !(await waitFor(db))) await new Promise((r) => setTimeout(r, 50));
  child!.kill('SIGKILL');
  return run;
}

// A transactional migration reaches the server as one query that starts with BEGIN; a statement-by-statement one, statement by statement.
const sleeping = (db: TestDatabase) =>
  db
    .query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(30)%' AND state = 'active'`,
    )
    .then((r) => r.length > 0);

describe('a deploy killed in the middle of a migration', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('leaves no row for a transactional migration, and the next deploy converges', async () => {
    db = await freshDatabase();
    project = prismaProject({
      '20240101000000_init': 'CREATE TABLE "a" ("id" INTEGER);\n',
      '20240102000000_slow': 'CREATE TABLE "b" ("id" INTEGER);\nSELECT pg_sleep(30);\nCREATE TABLE "c" ("id" INTEGER);\n',
    });
    const killed = await killDuring(project, db, sleeping);
    expect(killed.signal).toBe('SIGKILL');
    // The server notices the dead client by itself (client_connection_check_interval) and rolls
    // back, long before the 30 s sleep would have ended and the query gone on to its COMMIT.
    const killedAt = Date.now();
    while (await sleeping(db)) {
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await db.query<{ migration_name: string; finished_at: Date | null }>(
      'SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY started_at',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(['20240101000000_init']);
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'b'`)).toHaveLength(0);

    project.migration('20240102000000_slow', 'CREATE TABLE "b" ("id" INTEGER);\nCREATE TABLE "c" ("id" INTEGER);\n');
    const next = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain('The previous deploy');
    expect(next.stderr).toContain('stopped before it finished');
    const after = await db.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY started_at',
    );
    expect(after.map((r) => r.migration_name)).toEqual(['20240101000000_init', '20240102000000_slow']);
  });

  it('records how far a statement-by-statement migration got, blocks, and resumes from there', async () => {
    db = await freshDatabase();
    project = prismaProject({
      '20240101000000_init': 'CREATE TABLE "a" ("id" INTEGER);\n',
      '20240102000000_steps': [
        'CREATE INDEX CONCURRENTLY "a_id_idx" ON "a"("id");',
        'SELECT pg_sleep(30);',
        'CREATE INDEX CONCURRENTLY "a_id2_idx" ON "a"("id");',
        '',
      ].join('\n'),
    });
    await killDuring(project, db, sleeping);
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'`,
    );
    const [row] = await db.query<{ finished_at: Date | null; applied_steps_count: number; logs: string | null }>(
      `SELECT finished_at, applied_steps_count, logs FROM _prisma_migrations WHERE migration_name = '20240102000000_steps'`,
    );
    // The history says exactly what happened: started, one statement done, not finished.
    expect(row).toMatchObject({ finished_at: null, applied_steps_count: 1, logs: null });

    const blocked = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('statement 1 of it is in effect');
    expect(blocked.stderr).toContain('lockstep deploy --resume');

    project.migration(
      '20240102000000_steps',
      'CREATE INDEX CONCURRENTLY "a_id_idx" ON "a"("id");\nSELECT 1;\nCREATE INDEX CONCURRENTLY "a_id2_idx" ON "a"("id");\n',
    );
    const resumed = await runCli(['deploy', '--resume'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(withoutProgress(resumed.stderr)).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Resuming 20240102000000_steps at statement 2');
    const indexes = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'a' ORDER BY 1`);
    expect(indexes.map((i) => i.indexname)).toEqual(['a_id2_idx', 'a_id_idx']);
    const status = await runCli(['status'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(status.code).toBe(0);
  });
});
