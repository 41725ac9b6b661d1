import { describe, expect, it } from 'vitest';
import { events } from '../support/cli.js';
import { prismaDeploySuite } from '../support/deploy-suite.js';

const INIT = 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);\n';

describe('CREATE INDEX CONCURRENTLY', () => {
  const suite = prismaDeploySuite();

  it('runs outside a transaction, alone or with other statements in its file', async () => {
    const { db, cli } = await suite.start({
      '20240101000000_init': INIT,
      '20240102000000_email_index': 'CREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");\n',
      // prisma migrate deploy fails on this file (CONCURRENTLY inside its implicit transaction); lockstep runs it statement by statement.
      '20240103000000_mixed':
        'ALTER TABLE "User" ADD COLUMN "name" TEXT;\nCREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name");\n',
    });
    const result = await cli('deploy', '--json');
    expect(result.code).toBe(0);
    const applied = events(result.stdout).filter((e) => e.type === 'migration-applied');
    expect(applied.map((e) => [e.migration, e.mode])).toEqual([
      ['20240101000000_init', 'transaction'],
      ['20240102000000_email_index', 'statements'],
      ['20240103000000_mixed', 'statements'],
    ]);
    const indexes = await db.query<{ indexname: string; valid: boolean }>(
      `SELECT c.relname AS indexname, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = 'User' ORDER BY 1`,
    );
    expect(indexes).toEqual([
      { indexname: 'User_email_idx', valid: true },
      { indexname: 'User_name_idx', valid: true },
      { indexname: 'User_pkey', valid: true },
    ]);
    const rows = await db.query<{ applied_steps_count: number }>('SELECT applied_steps_count FROM _prisma_migrations');
    expect(rows.every((r) => r.applied_steps_count === 1)).toBe(true);
  });

  it('reports the INVALID index a failed build leaves, and resumes at the failed statement once the data is fixed', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': INIT });
    expect((await cli('deploy')).code).toBe(0);
    await db.query(`INSERT INTO "User" ("email") VALUES ('a@example.com'), ('a@example.com'), ('b@example.com')`);
    project.migration(
      '20240102000000_unique_email',
      'ALTER TABLE "User" ADD COLUMN "verified" BOOLEAN;\nCREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");\nCREATE INDEX CONCURRENTLY "User_verified_idx" ON "User"("verified");\n',
    );

    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'failed at statement 2 of 3 (prisma/migrations/20240102000000_unique_email/migration.sql:2:1)',
    );
    expect(failed.stderr).toContain('Key (email)=(a@example.com) is duplicated');
    expect(failed.stderr).toContain('statement 1 of 3 is in effect');
    expect(failed.stderr).toContain('INVALID index public.User_email_key');
    expect(failed.stderr).toContain('DROP INDEX CONCURRENTLY IF EXISTS "public"."User_email_key";');
    expect(failed.stderr).toContain('lockstep deploy --resume');
    const [row] = await db.query<{ finished_at: Date | null; applied_steps_count: number; logs: string }>(
      `SELECT finished_at, applied_steps_count, logs FROM _prisma_migrations WHERE migration_name = '20240102000000_unique_email'`,
    );
    expect(row!.finished_at).toBeNull();
    expect(row!.applied_steps_count).toBe(1);
    expect(row!.logs).toContain('23505');

    const status = await cli('status');
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('INVALID index public.User_email_key on User');

    await db.query(`DELETE FROM "User" WHERE "id" = (SELECT max("id") FROM "User" WHERE "email" = 'a@example.com')`);
    const resumed = await cli('deploy', '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Resuming 20240102000000_unique_email at statement 2');
    expect(resumed.stdout).toContain('dropped the INVALID index public.User_email_key');
    const invalid = await db.query(`SELECT 1 FROM pg_index WHERE NOT indisvalid`);
    expect(invalid).toHaveLength(0);
    const history = await db.query<{ finished: boolean; rolled_back: boolean }>(
      `SELECT finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations WHERE migration_name = '20240102000000_unique_email' ORDER BY started_at`,
    );
    expect(history).toEqual([
      { finished: false, rolled_back: true },
      { finished: true, rolled_back: false },
    ]);
    expect((await cli('status')).code).toBe(0);
  });

  it('refuses to resume when a statement that already ran was edited', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': INIT });
    expect((await cli('deploy')).code).toBe(0);
    await db.query(`INSERT INTO "User" ("email") VALUES ('a'), ('a')`);
    project.migration(
      '20240102000000_u',
      'ALTER TABLE "User" ADD COLUMN "x" INTEGER;\nCREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");\n',
    );
    expect((await cli('deploy')).code).toBe(1);
    project.migration(
      '20240102000000_u',
      'ALTER TABLE "User" ADD COLUMN "y" INTEGER;\nCREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");\n',
    );
    const resumed = await cli('deploy', '--resume');
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain('[LS_RESUME_MISMATCH]');
    expect(resumed.stderr).toContain('statement 1');
  });
});
