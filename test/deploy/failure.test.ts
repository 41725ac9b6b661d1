import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import type { TestDatabase } from '../support/database.js';
import { prismaDeploySuite } from '../support/deploy-suite.js';

const INIT = 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);\n';
const BROKEN = 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n\nALTER TABLE "Missing" ADD COLUMN "x" INTEGER;\n';
const FIXED = 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n';
const LATER = 'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY);\n';

interface Row {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
  checksum: string;
  started_at: Date;
}

describe('a failing migration', () => {
  const suite = prismaDeploySuite();
  const rows = (db: TestDatabase) => db.query<Row>('SELECT * FROM _prisma_migrations ORDER BY started_at');

  it('is recorded as failed with its error, blocks the next deploy, and recovers through resolve --rolled-back', async () => {
    const { db, project, cli } = await suite.start({
      '20240101000000_init': INIT,
      '20240102000000_broken': BROKEN,
      '20240103000000_later': LATER,
    });

    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      '[P3018] Migration 20240102000000_broken failed at statement 2 of 2 (prisma/migrations/20240102000000_broken/migration.sql:3:1)',
    );
    expect(failed.stderr).toContain('relation "Missing" does not exist');
    expect(failed.stderr).toContain('none of its statements is in effect');
    expect(failed.stderr).toContain('lockstep resolve --rolled-back 20240102000000_broken');
    expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace

    let history = await rows(db);
    expect(history.map((r) => [r.migration_name, r.finished_at !== null])).toEqual([
      ['20240101000000_init', true],
      ['20240102000000_broken', false],
    ]);
    const failedRow = history[1]!;
    expect(failedRow.logs).toContain('relation "Missing" does not exist');
    expect(failedRow.logs).toContain('42P01');
    expect(failedRow.applied_steps_count).toBe(0);
    expect(failedRow.checksum).toBe(sha256Hex(BROKEN));
    // The transaction rolled back: the first statement is not in effect either.
    expect(
      await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'name'`),
    ).toHaveLength(0);

    const blocked = await cli('deploy');
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('[P3009]');
    expect(blocked.stderr).toContain('20240102000000_broken');
    expect(blocked.stderr).toContain('relation "Missing" does not exist');
    expect(blocked.stderr).toContain('lockstep resolve --rolled-back 20240102000000_broken');
    expect(blocked.stderr).toContain('lockstep resolve --applied 20240102000000_broken');
    expect(await rows(db)).toHaveLength(2);

    const statusBlocked = await cli('status');
    expect(statusBlocked.code).toBe(3);
    expect(statusBlocked.stdout).toMatch(/failed\s+20240102000000_broken/);

    const resolved = await cli('resolve', '--rolled-back', '20240102000000_broken');
    expect(resolved.code).toBe(0);
    history = await rows(db);
    expect(history[1]!.rolled_back_at).not.toBeNull();

    project.migration('20240102000000_broken', FIXED);
    const fixed = await cli('deploy');
    expect(fixed.code).toBe(0);
    history = await rows(db);
    expect(history.map((r) => [r.migration_name, r.finished_at !== null, r.rolled_back_at !== null])).toEqual([
      ['20240101000000_init', true, false],
      ['20240102000000_broken', false, true],
      ['20240102000000_broken', true, false],
      ['20240103000000_later', true, false],
    ]);
    expect(history[2]!.checksum).toBe(sha256Hex(FIXED));
    expect((await cli('status')).code).toBe(0);
  });

  it('can be resolved as applied, with the rows prisma migrate resolve writes', async () => {
    const { db, cli } = await suite.start({ '20240101000000_init': INIT, '20240102000000_broken': BROKEN });
    expect((await cli('deploy')).code).toBe(1);
    await db.query('ALTER TABLE "User" ADD COLUMN "name" TEXT');

    const resolved = await cli('resolve', '--applied', '20240102000000_broken');
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('Recorded 20240102000000_broken as applied');
    const history = await rows(db);
    const [failedRow, appliedRow] = history.filter((r) => r.migration_name === '20240102000000_broken');
    expect(failedRow!.rolled_back_at).not.toBeNull();
    expect(appliedRow!.logs).toBe('');
    expect(appliedRow!.started_at.getTime()).toBe(appliedRow!.finished_at!.getTime());
    expect(appliedRow!.applied_steps_count).toBe(0);
    expect(appliedRow!.checksum).toBe(sha256Hex(BROKEN));

    const again = await cli('resolve', '--applied', '20240102000000_broken');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[P3008]');
    expect((await cli('deploy')).code).toBe(0);
  });

  it('refuses resolve requests that do not match the history', async () => {
    const { cli } = await suite.start({ '20240101000000_init': INIT });
    const noTable = await cli('resolve', '--rolled-back', '20240101000000_init');
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toContain('[P3011]');
    expect((await cli('deploy')).code).toBe(0);
    const notFailed = await cli('resolve', '--rolled-back', '20240101000000_init');
    expect(notFailed.code).toBe(2);
    expect(notFailed.stderr).toContain('[P3012]');
    const unknown = await cli('resolve', '--applied', 'init');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('[P3017]');
    expect(unknown.stderr).toContain('Did you mean 20240101000000_init?');
    const both = await cli('resolve');
    expect(both.code).toBe(2);
  });

  it('does not record a failed row when a lock timeout exhausts its retries, so the next deploy just tries again', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': INIT, '20240102000000_alter': FIXED });
    expect((await cli('deploy', '--no-audit')).code).toBe(0);
    project.migration('20240103000000_more', 'ALTER TABLE "User" ADD COLUMN "age" INTEGER;\n');
    const holder = await db.connect();
    await holder.query('BEGIN; LOCK TABLE "User" IN ACCESS SHARE MODE');
    try {
      const result = await cli('deploy', '--lock-timeout', '100ms', '--lock-retries', '2', '--retry-delay', '50ms');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('[LS_LOCK_NOT_GRANTED]');
      expect(result.stderr).toContain(`pg_terminate_backend(`);
      expect(result.stdout).toContain('was not granted its lock within lock_timeout');
      expect(result.stdout).toContain('holds AccessShareLock on "User"');
      expect((await rows(db)).map((r) => r.migration_name)).not.toContain('20240103000000_more');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const retried = await cli('deploy');
    expect(retried.code).toBe(0);
    expect((await rows(db)).map((r) => r.migration_name)).toContain('20240103000000_more');
  });
});
