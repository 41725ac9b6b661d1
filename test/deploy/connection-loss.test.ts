import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli, type CliResult } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

/**
 * The server ends lockstep's session (pg_terminate_backend, as a failover or an operator would)
 * at points outside a migration's statements: the answer is LS_CONNECTION_LOST with the state of
 * the database and the way on, never LS_INTERNAL, and the next run converges.
 */
describe('a connection that breaks outside a migration', () => {
  let db: TestDatabase;
  let project: TestProject;
  let holder: pg.Client | undefined;
  afterEach(async () => {
    await holder?.end().catch(() => undefined);
    holder = undefined;
    await db?.drop();
    project?.cleanup();
  });

  const INIT = { '20240101000000_init': 'CREATE TABLE "a" ("id" INTEGER);\n' };

  /** The pid of the lockstep session, once `ready` holds for it. */
  async function lockstepBackend(application: string, ready = 'true'): Promise<number> {
    for (let i = 0; i < 400; i++) {
      const [row] = await db.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND ${ready}`,
        [application],
      );
      if (row) return row.pid;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no session of ${application} appeared`);
  }

  function expectConnectionLost(run: CliResult, during: string) {
    expect(run.stderr).not.toContain('LS_INTERNAL');
    expect(run.stdout).not.toContain('LS_INTERNAL');
    const error = events(run.stdout).find((e) => e.type === 'error')?.error as
      | { code: string; message: string; state: string; recovery: string[]; exitCode: number }
      | undefined;
    expect(error, run.stdout + run.stderr).toBeDefined();
    expect(error!.code).toBe('LS_CONNECTION_LOST');
    expect(error!.exitCode).toBe(1);
    expect(run.code).toBe(1);
    expect(error!.message).toContain(during);
    expect(error!.state.length).toBeGreaterThan(0);
    expect(error!.recovery.join(' ')).toContain('lockstep status');
    return error!;
  }

  it('while waiting for the migration lock', async () => {
    db = await freshDatabase();
    project = prismaProject(INIT);
    holder = await db.connect();
    await holder.query('SELECT pg_advisory_lock(72707369)');
    const running = runCli(['deploy', '--json', '--lock-wait', '60s'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    const pid = await lockstepBackend('lockstep deploy', `query LIKE '%pg_try_advisory_lock%'`);
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    const run = await running;
    const error = expectConnectionLost(run, 'while lockstep was waiting for the migration lock');
    expect(error.state).toContain('No migration was applied by this run');
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE tablename = '_prisma_migrations'`)).toHaveLength(0);

    await holder.end();
    holder = undefined;
    const next = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('Applied 1 migration');
  });

  for (const [mode, name, sql] of [
    ['in one transaction', '20240102000000_alter', 'ALTER TABLE "a" ADD COLUMN "b" INTEGER;\n'],
    ['statement by statement', '20240102000000_alter', 'BEGIN;\nALTER TABLE "a" ADD COLUMN "b" INTEGER;\nCOMMIT;\n'],
  ] as const) {
    it(`during a retry's pause, ${mode}`, async () => {
      db = await freshDatabase();
      project = prismaProject(INIT);
      expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } })).code).toBe(0);
      project.migration(name, sql);
      // A long transaction holds a lock the ALTER needs.
      holder = await db.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM "a"');
      let stdout = '';
      let sawTimeout: () => void = () => undefined;
      const timedOut = new Promise<void>((resolve) => (sawTimeout = resolve));
      const running = runCli(['deploy', '--json', '--lock-timeout', '100ms', '--retry-delay', '4s', '--lock-retries', '3'], {
        cwd: project.dir,
        env: { DATABASE_URL: db.url },
        onStdout: (chunk) => {
          stdout += chunk;
          if (stdout.includes('"type":"lock-timeout"')) sawTimeout();
        },
      });
      await timedOut;
      const pid = await lockstepBackend('lockstep deploy');
      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      const run = await running;
      expectConnectionLost(run, name);
      await holder.end();
      holder = undefined;

      // Nothing of the migration is in effect, status says how it stands, and the next run gets through.
      expect(
        await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'a' AND column_name = 'b'`),
      ).toHaveLength(0);
      const status = await runCli(['status', '--json'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
      expect(status.stdout + status.stderr).not.toContain('LS_INTERNAL');
      const next = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
      if (sql.startsWith('BEGIN') && next.code === 3) {
        // Statement by statement: recorded as started and not finished, so it blocks until resolved.
        expect((await runCli(['resolve', '--rolled-back', name], { cwd: project.dir, env: { DATABASE_URL: db.url } })).code).toBe(
          0,
        );
        expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } })).code).toBe(0);
      } else {
        expect(next.code, next.stderr).toBe(0);
      }
      expect(
        await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'a' AND column_name = 'b'`),
      ).toHaveLength(1);
    });
  }

  it('while reading the migration history, in status and in deploy', async () => {
    db = await freshDatabase();
    project = prismaProject(INIT);
    expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } })).code).toBe(0);
    project.migration('20240102000000_b', 'CREATE TABLE "b" ("id" INTEGER);\n');

    for (const command of ['status', 'deploy']) {
      // The history table is locked by another transaction, so lockstep's read of it waits.
      holder = await db.connect();
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE _prisma_migrations IN ACCESS EXCLUSIVE MODE');
      const running = runCli([command, '--json'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
      const pid = await lockstepBackend(`lockstep ${command}`, `wait_event_type = 'Lock'`);
      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      const run = await running;
      const error = expectConnectionLost(run, 'while lockstep was reading the migration history');
      expect(error.state).toContain(
        command === 'status' ? 'Unchanged: lockstep status only reads the database.' : 'No migration was applied by this run',
      );
      await holder.query('ROLLBACK');
      await holder.end();
      holder = undefined;
    }
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'b'`)).toHaveLength(0);
    const next = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('Applied 1 migration');
  });
});
