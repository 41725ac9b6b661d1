import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli, type CliOptions, type CliResult } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

/**
 * A CREATE INDEX CONCURRENTLY whose client goes away: lockstep killed (SIGKILL) while the build
 * waits, or its session ended by the server (pg_terminate_backend). The build is made to wait by a
 * transaction that keeps a write lock on the table open. Afterwards the database holds a valid
 * index with no record that the statement completed (killed client: the server finishes the
 * build) or an INVALID one (terminated session): the next deploy says which, and `deploy --resume`
 * converges from either.
 */
describe('an interrupted CREATE INDEX CONCURRENTLY', () => {
  let db: TestDatabase;
  let project: TestProject;
  let holder: pg.Client | undefined;
  afterEach(async () => {
    await holder?.end().catch(() => undefined);
    holder = undefined;
    await db?.drop();
    project?.cleanup();
  });

  const INIT = { '20240101000000_init': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);\n' };
  const NAME = '20240102000000_email_index';
  const INDEX_SQL =
    'CREATE TABLE "Team" ("id" SERIAL PRIMARY KEY);\nCREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");\nCREATE INDEX CONCURRENTLY "User_id_email_idx" ON "User"("id", "email");\n';
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } });

  /** Starts the deploy with the build held up by an open writing transaction; resolves with the build's backend pid. */
  async function startBlockedBuild(onSpawn?: CliOptions['onSpawn']): Promise<{ running: Promise<CliResult>; pid: number }> {
    db = await freshDatabase();
    project = prismaProject(INIT);
    expect((await cli('deploy')).code).toBe(0);
    project.migration(NAME, INDEX_SQL);
    holder = await db.connect();
    await holder.query('BEGIN');
    await holder.query(`INSERT INTO "User" ("email") VALUES ('a@example.com')`);
    const running = runCli(['deploy', '--json'], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
      ...(onSpawn ? { onSpawn } : {}),
    });
    for (let i = 0; i < 600; i++) {
      const [row] = await db.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY "User_email_idx"%' AND wait_event_type = 'Lock'`,
      );
      if (row) return { running, pid: row.pid };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the index build never started waiting');
  }

  async function backendGone(pid: number): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if ((await db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`backend ${pid} is still there`);
  }

  async function indexes() {
    return db.query<{ name: string; valid: boolean }>(
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = 'User' AND c.relname <> 'User_pkey' ORDER BY 1`,
    );
  }

  async function history() {
    return db.query<{ finished: boolean; rolled_back: boolean; steps: number }>(
      `SELECT finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back, applied_steps_count AS steps FROM _prisma_migrations WHERE migration_name = $1 ORDER BY started_at`,
      [NAME],
    );
  }

  it('killed (SIGKILL) while the build waits: the server finishes the index; the next deploy says so and --resume records it as done', async () => {
    let child: import('node:child_process').ChildProcess | undefined;
    const { running, pid } = await startBlockedBuild((c) => (child = c));
    child!.kill('SIGKILL');
    const killed = await running;
    expect(killed.signal).toBe('SIGKILL');
    // The build's session outlives its client: once the writing transaction ends it completes.
    await holder!.query('COMMIT');
    await backendGone(pid);
    expect(await indexes()).toEqual([{ name: 'User_email_idx', valid: true }]);
    expect(await history()).toEqual([{ finished: false, rolled_back: false, steps: 1 }]);

    const blocked = await cli('deploy');
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('[P3009]');
    expect(blocked.stderr).toContain('the index public.User_email_idx is there, valid and as the statement defines it');
    expect(blocked.stderr).toContain('`lockstep deploy --resume` records statement 2 as done');
    expect(blocked.stderr).not.toContain('resolve --rolled-back');
    const status = await cli('status');
    expect(status.stdout + status.stderr).toContain('`lockstep deploy --resume` records statement 2 as done');

    const resumed = await cli('deploy', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('statement 2 (CREATE INDEX CONCURRENTLY) completed in the server after the interrupted run');
    expect(await indexes()).toEqual([
      { name: 'User_email_idx', valid: true },
      { name: 'User_id_email_idx', valid: true },
    ]);
    expect(await history()).toEqual([
      { finished: false, rolled_back: true, steps: 1 },
      { finished: true, rolled_back: false, steps: 1 },
    ]);
    const audit = await db.query<{ event: string }>(
      `SELECT event FROM lockstep.audit_log WHERE migration = $1 AND event = 'index-already-built'`,
      [NAME],
    );
    expect(audit).toHaveLength(1);
    expect((await cli('status')).code).toBe(0);
    expect((await cli('deploy')).stdout).toContain('Up to date');
  });

  it('its session terminated (pg_terminate_backend) during the build: LS_CONNECTION_LOST with the state; --resume drops the INVALID index and builds it again', async () => {
    const { running, pid } = await startBlockedBuild();
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    const run = await running;
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).not.toContain('LS_INTERNAL');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const error = events(run.stdout).find((e) => e.type === 'error')?.error as {
      code: string;
      state: string;
      recovery: string[];
    };
    expect(error.code).toBe('LS_CONNECTION_LOST');
    expect(error.state).toContain('Statement 1 is in effect');
    expect(error.recovery.join(' ')).toContain('lockstep status');
    await holder!.query('COMMIT');
    expect(await indexes()).toEqual([{ name: 'User_email_idx', valid: false }]);

    const blocked = await cli('deploy');
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('it left the INVALID index public.User_email_idx');
    expect(blocked.stderr).toContain('`lockstep deploy --resume` drops the INVALID index');

    const resumed = await cli('deploy', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('dropped the INVALID index public.User_email_idx');
    expect(await indexes()).toEqual([
      { name: 'User_email_idx', valid: true },
      { name: 'User_id_email_idx', valid: true },
    ]);
    expect(await history()).toEqual([
      { finished: false, rolled_back: true, steps: 1 },
      { finished: true, rolled_back: false, steps: 1 },
    ]);
  });
});
