import { afterEach, describe, expect, it } from 'vitest';
import { deployedExample, type DeployedExample } from './helpers.js';
import { withoutProgress } from '../support/cli.js';

/** A database whose schema exists with no history: as `prisma db push` or a hand-made schema leaves it. */
async function withoutHistory(example: DeployedExample, historyTable: string): Promise<void> {
  await example.db.query(`DROP TABLE ${historyTable}`);
  await example.db.query('DROP SCHEMA IF EXISTS lockstep CASCADE');
}

describe('baseline --check', () => {
  let example: DeployedExample | undefined;
  afterEach(async () => {
    await example?.cleanup();
    example = undefined;
  });

  it('marks the migrations when the live schema matches them', async () => {
    example = await deployedExample('prisma-shop');
    await withoutHistory(example, '_prisma_migrations');
    const run = await example.cli('baseline', '--check');
    expect(withoutProgress(run.stderr)).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Recorded 7 migrations as applied without running them');
    const rows = await example.db.query('SELECT migration_name FROM _prisma_migrations');
    expect(rows).toHaveLength(7);
    expect((await example.cli('drift', '--no-schema')).code).toBe(0);
  });

  it('checks against the migrations up to --to only', async () => {
    example = await deployedExample('drizzle-app');
    await withoutHistory(example, 'drizzle.__drizzle_migrations');
    // The live schema has every migration; up to 0002 it lacks the index of 0003 and the enum value of 0004.
    const early = await example.cli('baseline', '--check', '--to', '0002_add_due_dates_and_last_login');
    expect(early.code).toBe(3);
    expect(early.stderr).toContain(
      'error [LS_BASELINE_DRIFT] The live schema does not match the migrations up to 0002_add_due_dates_and_last_login (3 migrations, replayed into PGlite',
    );
    expect(early.stderr).toContain(
      "it differs in 2 ways:\n  - enum public.task_status: value 'blocked' added outside the migrations\n  - index public.tasks_due_at_idx: added outside the migrations (USING btree (due_at))",
    );
    expect(await example.db.query(`SELECT 1 FROM pg_tables WHERE tablename = '__drizzle_migrations'`)).toEqual([]);
    expect((await example.cli('baseline', '--check')).code).toBe(0);
  });

  it('refuses, with the differences, and records nothing when the live schema differs', async () => {
    example = await deployedExample('prisma-shop');
    await withoutHistory(example, '_prisma_migrations');
    await example.db.query('ALTER TABLE "User" ADD COLUMN nickname text');
    await example.db.query(`ALTER TABLE "Order" ALTER COLUMN "shippingAddress" TYPE varchar(32)`);
    const run = await example.cli('baseline', '--check');
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'error [LS_BASELINE_DRIFT] The live schema does not match the migrations up to 20250402071509_order_created_at_index_concurrently (7 migrations, replayed into PGlite',
    );
    expect(run.stderr).toContain(
      'it differs in 2 ways:\n  - column public."Order"."shippingAddress": live is varchar(32) NULL, history says text NULL\n  - column public."User".nickname: added outside the migrations (text NULL)\n  Database: Unchanged: lockstep recorded nothing.',
    );
    expect(run.stderr).toContain('lockstep baseline --check --to <migration>');
    expect(await example.db.query(`SELECT 1 FROM pg_tables WHERE tablename = '_prisma_migrations'`)).toEqual([]);
  });
});
