import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli, type CliResult } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyTypeormExample, type TypeormProject } from '../support/typeorm.js';

/** Waits until `check` is true, polling; fails the test after `ms`. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Terminates the backends of the test database that `where` selects from pg_stat_activity; returns how many. */
async function terminate(db: TestDatabase, where: string): Promise<number> {
  const rows = await db.query<{ pid: number }>(
    `SELECT pg_terminate_backend(pid) AS done, pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND ${where}`,
  );
  return rows.length;
}

function started(
  project: TypeormProject,
  db: TestDatabase,
  args: string[],
  onEvent: (event: { type: string }) => void,
): { done: Promise<CliResult>; child: () => ChildProcess | undefined } {
  let child: ChildProcess | undefined;
  let buffered = '';
  const done = runCli(args, {
    cwd: project.dir,
    env: { DATABASE_URL: db.url },
    onSpawn: (c) => (child = c),
    onStdout: (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const event of events(lines.join('\n'))) onEvent(event);
    },
  });
  return { done, child: () => child };
}

describe('TypeORM: a connection that breaks is LS_CONNECTION_LOST, never LS_INTERNAL', () => {
  let db: TestDatabase;
  let project: TypeormProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('while a migration runs: the error names the migration and the state of its transaction', async () => {
    db = await freshDatabase();
    project = copyTypeormExample();
    project.migration('SlowBackfill', 1742000000000, ['SELECT pg_sleep(30)']);
    let running = false;
    const run = started(project, db, ['deploy', '--json'], (event) => {
      if (event.type === 'migration-started' && (event as { migration?: string }).migration === 'SlowBackfill1742000000000')
        running = true;
    });
    await until(() => running, 'the slow migration to start');
    await until(async () => (await terminate(db, `query LIKE '%pg_sleep(30)%'`)) > 0, 'its backend to be terminated');
    const result = await run.done;
    expect(result.code).toBe(1);
    const error = events(result.stdout).find((e) => e.type === 'error')?.error as {
      code: string;
      message: string;
      state: string;
      recovery: string[];
    };
    expect(error.code).toBe('LS_CONNECTION_LOST');
    expect(error.message).toContain(
      'while migration SlowBackfill1742000000000 was running the up() method of src/migration/1742000000000-SlowBackfill.ts, at the query `SELECT pg_sleep(30)`',
    );
    expect(error.message).toContain('terminating connection due to administrator command');
    expect(error.state).toContain("The server rolls the migration's transaction back");
    expect(error.recovery.join('\n')).toContain('lockstep status');
    expect(result.stdout + result.stderr).not.toContain('LS_INTERNAL');
    // The earlier migrations stay applied; the one that was running is not recorded.
    const rows = await db.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).not.toContain('SlowBackfill1742000000000');
    expect(rows).toHaveLength(4);
  });

  it.each(['1', '0.3'] as const)('while it waits for the migration lock (TypeORM %s)', async (release) => {
    db = await freshDatabase();
    project = copyTypeormExample(release);
    project.migration('SlowBackfill', 1742000000000, ['SELECT pg_sleep(30)']);
    // The first deploy holds the lock while its slow migration runs; the second waits for it.
    let holding = false;
    const first = started(project, db, ['deploy', '--json'], (event) => {
      if (event.type === 'migration-started' && (event as { migration?: string }).migration === 'SlowBackfill1742000000000')
        holding = true;
    });
    try {
      await until(() => holding, 'the first deploy to take the lock');
      let waiting = false;
      const second = started(project, db, ['deploy', '--json'], (event) => {
        if (event.type === 'lock-waiting') waiting = true;
      });
      await until(() => waiting, 'the second deploy to wait for the lock');
      // The waiting session polls for the lock; its connection is the one that is not running pg_sleep.
      await until(
        async () => (await terminate(db, `application_name = 'lockstep deploy' AND query NOT LIKE '%pg_sleep%'`)) > 0,
        'the waiting backend to be terminated',
      );
      const result = await second.done;
      expect(result.code).toBe(1);
      const error = events(result.stdout).find((e) => e.type === 'error')?.error as {
        code: string;
        message: string;
        state: string;
        recovery: string[];
      };
      expect(error.code).toBe('LS_CONNECTION_LOST');
      expect(error.message).toContain(
        'The connection to the database broke while lockstep deploy was using it: terminating connection due to administrator command',
      );
      expect(error.message).not.toContain('Query runner already released');
      expect(error.state).toContain('No migration was running');
      expect(error.recovery).toEqual([
        'Run `lockstep status` to see what is recorded, then `lockstep deploy` again once the database is reachable.',
      ]);
    } finally {
      first.child()?.kill('SIGKILL');
      await first.done;
    }
  });
});
