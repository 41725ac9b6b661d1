import { afterEach, describe, expect, it } from 'vitest';
import { runCli, withoutProgress } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

describe('concurrent deploys', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('eight processes started at once on one database apply each migration exactly once and all exit 0', async () => {
    db = await freshDatabase();
    const migrations: Record<string, string> = {};
    for (let i = 1; i <= 6; i++) {
      // Each migration takes a moment so that the processes really overlap.
      migrations[`2024010${i}000000_step_${i}`] = `CREATE TABLE "t${i}" ("id" INTEGER);\nSELECT pg_sleep(0.15);\n`;
    }
    // A non-transactional one too: its progress rows must not be duplicated either.
    migrations['20240107000000_index'] = 'CREATE INDEX CONCURRENTLY "t1_id_idx" ON "t1"("id");\n';
    project = prismaProject(migrations);

    const runs = await Promise.all(
      Array.from({ length: 8 }, () => runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } })),
    );
    for (const run of runs) {
      expect(withoutProgress(run.stderr)).toBe('');
      expect(run.code).toBe(0);
    }
    const rows = await db.query<{ migration_name: string; n: string }>(
      'SELECT migration_name, count(*) AS n FROM _prisma_migrations GROUP BY 1 ORDER BY 1',
    );
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    const applyingRuns = runs.filter((r) => /✓/.test(r.stdout));
    expect(applyingRuns).toHaveLength(1);
    expect(runs.filter((r) => r.stdout.includes('Up to date: 7 migrations applied'))).toHaveLength(7);
  });

  it('waits for the lock while another session holds it and says who holds it', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    const holder = await db.connect();
    await holder.query(`SET application_name = 'prisma-migrate-deploy'`);
    await holder.query('SELECT pg_advisory_lock(72707369)');
    // Release the lock once lockstep reports that it is waiting (or after 20 s, and the assertions fail).
    let reportedWaiting: () => void = () => undefined;
    const waitingReported = new Promise<void>((resolve) => (reportedWaiting = resolve));
    const running = runCli(['deploy', '--json'], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
      onStdout: (chunk) => chunk.includes('"lock-waiting"') && reportedWaiting(),
    });
    await Promise.race([waitingReported, new Promise((r) => setTimeout(r, 20_000))]);
    await holder.query('SELECT pg_advisory_unlock(72707369)');
    await holder.end();
    const result = await running;
    expect(result.code).toBe(0);
    const waiting = result.stdout.split('\n').find((line) => line.includes('"lock-waiting"'));
    expect(waiting).toBeDefined();
    expect(waiting).toContain('application \\"prisma-migrate-deploy\\"');
    expect(waiting).toMatch(/pid \d+/);
    expect(waiting).toContain('connected since');
  });

  it('gives up after --lock-wait with exit code 3 and names the holder', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': 'CREATE TABLE "a" ("id" INTEGER);\n' });
    const holder = await db.connect();
    await holder.query(`SET application_name = 'stuck-deploy'`);
    await holder.query('SELECT pg_advisory_lock(72707369)');
    try {
      const result = await runCli(['deploy', '--lock-wait', '1s'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('[LS_LOCK_TIMEOUT]');
      expect(result.stderr).toContain('application "stuck-deploy"');
      expect(result.stderr).toContain('pg_terminate_backend(');
      const [exists] = await db.query<{ found: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS found`);
      expect(exists?.found).toBe(false);
    } finally {
      await holder.end();
    }
  });
});
