import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

describe('a migration that needs a lock held by a long transaction', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('times out, retries with backoff and succeeds after the transaction ends, while application queries never wait behind it', async () => {
    db = await freshDatabase();
    project = prismaProject({
      '20240101000000_init': 'CREATE TABLE "Account" ("id" SERIAL PRIMARY KEY, "balance" INTEGER NOT NULL DEFAULT 0);\n',
    });
    expect((await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } })).code).toBe(0);
    await db.query('INSERT INTO "Account" ("balance") SELECT g FROM generate_series(1, 1000) g');
    project.migration('20240102000000_add_currency', 'ALTER TABLE "Account" ADD COLUMN "currency" TEXT;\n');

    // A long transaction (a report, a stuck worker) holds a lock that conflicts with ALTER TABLE.
    const longTransaction = await db.connect();
    await longTransaction.query('BEGIN');
    await longTransaction.query('SELECT count(*) FROM "Account"');
    const [{ pid: longPid }] = (await longTransaction.query('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];

    // The application keeps reading the table every 10 ms; record the slowest read.
    const app = await db.connect();
    let worstStall = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        const started = performance.now();
        await app.query('SELECT count(*) FROM "Account"');
        worstStall = Math.max(worstStall, performance.now() - started);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const lockTimeoutMs = 300;
    // The long transaction ends once lockstep has given up on the lock twice (or after 20 s).
    let lockTimeouts = 0;
    let twoTimeoutsSeen: () => void = () => undefined;
    const twoTimeouts = new Promise<void>((resolve) => (twoTimeoutsSeen = resolve));
    const deploy = runCli(
      [
        'deploy',
        '--json',
        '--lock-timeout',
        `${lockTimeoutMs}ms`,
        '--retry-delay',
        '200ms',
        '--retry-max-delay',
        '400ms',
        '--lock-retries',
        '30',
      ],
      {
        cwd: project.dir,
        env: { DATABASE_URL: db.url },
        onStdout: (chunk) => {
          lockTimeouts += chunk.split('"lock-timeout"').length - 1;
          if (lockTimeouts >= 2) twoTimeoutsSeen();
        },
      },
    );
    await Promise.race([twoTimeouts, new Promise((r) => setTimeout(r, 20_000))]);
    await longTransaction.query('COMMIT');
    await longTransaction.end();
    const result = await deploy;
    running = false;
    await loop;
    await app.end();

    expect(result.code).toBe(0);
    const timeouts = events(result.stdout).filter((e) => e.type === 'lock-timeout');
    expect(timeouts.length).toBeGreaterThanOrEqual(2);
    // The long transaction is named; an application read that happened to hold its lock at that moment may be too.
    expect(timeouts[0]!.blockers).toEqual(
      expect.arrayContaining([expect.stringContaining(`pid ${longPid} holds AccessShareLock on "Account"`)]),
    );
    const applied = events(result.stdout).find((e) => e.type === 'migration-applied');
    expect(applied).toMatchObject({
      migration: '20240102000000_add_currency',
      lockWaits: timeouts.length,
      retries: timeouts.length,
    });
    // A naive runner would have queued every read behind the ALTER until the transaction ended; lockstep's
    // worst case is one lock_timeout (plus scheduling noise on a busy test machine).
    expect(worstStall).toBeLessThan(lockTimeoutMs + 700);
    const columns = await db.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'Account' AND column_name = 'currency'`,
    );
    expect(columns).toHaveLength(1);
  });
});
