import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import { events, runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { copyDrizzleExample, drizzleMigrate, drizzleProjectAt, type DrizzleProject } from '../support/drizzle.js';
import { findingsOf, summary } from '../lint/helpers.js';

// Drizzle's way to build an index without blocking writes: leave the migrator's transaction, then
// build it CONCURRENTLY, often under a lock_timeout of its own.
const CONVENTION = [
  'ALTER TABLE "tasks" ADD COLUMN "priority" integer;',
  'COMMIT;',
  "SET lock_timeout = '5s';",
  'CREATE INDEX CONCURRENTLY IF NOT EXISTS "tasks_priority_idx" ON "tasks" USING btree ("priority");',
];
const WHEN = 1742000000000;

describe("Drizzle's COMMIT;--> statement-breakpoint convention", () => {
  let db: TestDatabase;
  let other: TestDatabase | undefined;
  let project: DrizzleProject;
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } });
  const rows = () =>
    db.query<{ hash: string; created_at: string }>(
      'SELECT hash, created_at::text AS created_at FROM drizzle.__drizzle_migrations ORDER BY id',
    );
  const hasColumn = async (database: TestDatabase) =>
    (await database.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'tasks' AND column_name = 'priority'`))
      .length === 1;
  afterEach(async () => {
    await db?.drop();
    await other?.drop();
    other = undefined;
    project?.cleanup();
  });

  it('deploys with no lint error: the statements up to the COMMIT in one transaction, the rest one by one, and one history row, as drizzle-orm records it', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    project.add('0005_tasks_priority', CONVENTION, WHEN);
    const result = await cli('deploy', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const applied = events(result.stdout).find((e) => e.type === 'migration-applied' && e.migration === '0005_tasks_priority');
    expect(applied).toMatchObject({ mode: 'statements', statements: 4 });
    const recorded = await rows();
    expect(recorded).toHaveLength(6);
    expect(recorded.filter((r) => r.created_at === String(WHEN))).toEqual([
      { hash: sha256Hex(readFileSync(join(project.out, '0005_tasks_priority.sql'), 'utf8')), created_at: String(WHEN) },
    ]);
    const [index] = await db.query<{ valid: boolean }>(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'tasks_priority_idx'::regclass`,
    );
    expect(index?.valid).toBe(true);
    // drizzle-orm sees nothing pending.
    await drizzleMigrate(db.url, project.out);
    expect(await rows()).toEqual(recorded);
  });

  it("drizzle-orm itself applies such a file (its COMMIT ends the migrator's transaction), and lockstep agrees with what it recorded", async () => {
    db = await freshDatabase();
    other = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-drizzle-commit-'));
    project = drizzleProjectAt(dir, join(dir, 'drizzle'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', dependencies: { 'drizzle-orm': '^0.45.0' } }));
    writeFileSync(
      join(dir, 'drizzle.config.json'),
      JSON.stringify({ dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' }),
    );
    project.add('0000_tasks', ['CREATE TABLE "tasks" ("id" serial PRIMARY KEY, "title" text NOT NULL);'], WHEN - 1000);
    project.add('0001_tasks_priority', CONVENTION, WHEN);
    await drizzleMigrate(other.url, project.out);
    expect(await hasColumn(other)).toBe(true);
    const theirs = await other.query('SELECT hash, created_at::text AS created_at FROM drizzle.__drizzle_migrations ORDER BY id');
    // lockstep on the database drizzle-orm migrated: nothing pending.
    const status = await runCli(['status', '--json'], { cwd: dir, env: { DATABASE_URL: other.url } });
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'up-to-date', counts: { applied: 2, pending: 0 } });
    // lockstep on a fresh database writes the same rows.
    expect((await cli('deploy')).code).toBe(0);
    expect(await rows()).toEqual(theirs);
  });

  it('a failure after the COMMIT leaves the statements before it in effect, blocks, and resumes at the failed statement; the history row is written once', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    expect((await cli('deploy')).code).toBe(0);
    project.add(
      '0005_tasks_priority',
      [
        ...CONVENTION.slice(0, 3),
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "tasks_priority_idx" ON "tasks" USING btree ("priorty");',
      ],
      WHEN,
    );
    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('its COMMIT at line 2 ends the transaction the statements before it run in');
    expect(failed.stderr).toContain('statements 1-3 of 4 are in effect');
    expect(await hasColumn(db)).toBe(true);
    expect(await rows()).toHaveLength(5);
    const status = await cli('status');
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('run it again from statement 4, the first that did not complete: `lockstep deploy --resume`');

    project.write('0005_tasks_priority', CONVENTION.join('--> statement-breakpoint\n'));
    const resumed = await cli('deploy', '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Resuming 0005_tasks_priority at statement 4');
    expect((await rows()).filter((r) => r.created_at === String(WHEN))).toHaveLength(1);
    expect((await cli('deploy')).stdout).toContain('Up to date: 6 migrations applied');
  });

  it('a failure before the COMMIT rolls back the statements before it: nothing of the migration is in effect', async () => {
    db = await freshDatabase();
    project = copyDrizzleExample();
    expect((await cli('deploy')).code).toBe(0);
    project.add(
      '0005_tasks_priority',
      [
        'ALTER TABLE "tasks" ADD COLUMN "priority" integer;',
        'ALTER TABLE "nope" ADD COLUMN "x" integer;',
        ...CONVENTION.slice(1),
      ],
      WHEN,
    );
    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('no statement of it is in effect');
    expect(await hasColumn(db)).toBe(false);
    expect(await rows()).toHaveLength(5);
  });
});

describe('lint of the convention', () => {
  const sql = CONVENTION.join('--> statement-breakpoint\n');

  it('raises no transaction error under lockstep, and CONCURRENTLY after the COMMIT is where it belongs under every runner', async () => {
    expect(
      (await summary(sql)).filter((f) => f.startsWith('transaction-nesting') || f.startsWith('concurrently-in-transaction')),
    ).toEqual([]);
    for (const runner of ['lockstep', 'prisma', 'drizzle', 'typeorm', 'psql'] as const) {
      expect(await findingsOf('concurrently-in-transaction', sql, { runner }), runner).toEqual([]);
    }
  });

  it("under drizzle's own migrator the COMMIT is a warning that says what it costs, not an error", async () => {
    const [commit, ...rest] = await findingsOf('transaction-nesting', sql, { runner: 'drizzle' });
    expect(rest).toEqual([]);
    expect(commit).toMatchObject({ severity: 'warning', line: 2 });
    expect(commit!.message).toContain('the runner runs the whole file again next time');
  });

  it('still flags what is wrong around it', async () => {
    // CONCURRENTLY before the COMMIT is inside drizzle's transaction.
    const early = `CREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\nSELECT 1;`;
    expect((await findingsOf('concurrently-in-transaction', early, { runner: 'drizzle' })).map((f) => f.line)).toEqual([1]);
    // A BEGIN inside the runner's transaction (and the COMMIT that then ends the runner's), and a second COMMIT with none open.
    expect(
      (await findingsOf('transaction-nesting', 'BEGIN;\nSELECT 1;\nCOMMIT;', { runner: 'drizzle' })).map((f) => f.line),
    ).toEqual([1, 3]);
    expect((await findingsOf('transaction-nesting', 'SELECT 1;\nCOMMIT;\nCOMMIT;')).map((f) => f.line)).toEqual([3]);
    // psql runs no transaction of its own: there the COMMIT has none to end.
    expect((await findingsOf('transaction-nesting', sql, { runner: 'psql' })).map((f) => f.message)).toEqual([
      'COMMIT with no transaction open.',
    ]);
  });

  it('an enum value added before the COMMIT may be used after it', async () => {
    const enumSql = `ALTER TYPE "status" ADD VALUE 'blocked';\nCOMMIT;\nUPDATE "tasks" SET "status" = 'blocked' WHERE "blocked_by" IS NOT NULL;`;
    for (const runner of ['lockstep', 'drizzle'] as const)
      expect(await findingsOf('enum-value-used-in-transaction', enumSql, { runner }), runner).toEqual([]);
    const sameTransaction = `ALTER TYPE "status" ADD VALUE 'blocked';\nUPDATE "tasks" SET "status" = 'blocked';\nCOMMIT;\nSELECT 1;`;
    expect(await findingsOf('enum-value-used-in-transaction', sameTransaction, { runner: 'lockstep' })).toHaveLength(1);
  });
});
