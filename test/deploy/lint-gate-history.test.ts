import { describe, expect, it } from 'vitest';
import { prismaDeploySuite } from '../support/deploy-suite.js';

const ACCOUNT = 'CREATE TABLE "Account" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL, "legacy" TEXT);\n';

describe('the lint gate over a run of pending migrations', () => {
  const suite = prismaDeploySuite();

  it('a lint-blocked deploy on an empty database creates nothing: no history table, no audit table', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': ACCOUNT });
    project.migration(
      '20240102000000_index',
      'BEGIN;\nCREATE INDEX CONCURRENTLY "Account_email_idx" ON "Account"("email");\nCOMMIT;\n',
    );
    const refused = await cli('deploy');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[LS_LINT_FAILED]');
    expect(refused.stderr).toContain('Database: Unchanged: no migration was applied, and nothing was created.');
    expect(await db.query(`SELECT nspname FROM pg_namespace WHERE nspname = 'lockstep'`)).toEqual([]);
    expect(await db.query(`SELECT to_regclass('public._prisma_migrations') AS t, to_regclass('public."Account"') AS a`)).toEqual([
      { t: null, a: null },
    ]);
  });

  it('follows ALTER TABLE ... RENAME TO: a table created earlier in the run stays new under its new name', async () => {
    const { db, cli } = await suite.start({
      '20240101000000_init': ACCOUNT,
      '20240102000000_rename': 'ALTER TABLE "Account" RENAME TO "User";\n',
      '20240103000000_drop_legacy':
        'ALTER TABLE "User" DROP COLUMN "legacy";\nALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;\n',
    });
    const result = await cli('deploy');
    expect(result.stderr).not.toContain('LS_LINT_FAILED');
    expect(result.code).toBe(0);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations')).map((r) => r.n)).toEqual([3]);
  });

  it('a live table renamed in the run is graded by its size on the database under its new name', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': ACCOUNT });
    expect((await cli('deploy')).code).toBe(0);
    await db.query(`INSERT INTO "Account" ("email") SELECT 'u' || g || '@example.com' FROM generate_series(1, 3000) g`);
    await db.query('ANALYZE "Account"');
    project.migration(
      '20240102000000_rename',
      '-- lockstep-ignore renaming-table: the old name is kept by a view until v3\nALTER TABLE "Account" RENAME TO "User";\n',
    );
    project.migration('20240103000000_drop_legacy', 'ALTER TABLE "User" DROP COLUMN "legacy";\n');
    const refused = await cli('deploy');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ban-drop-column');
    expect(refused.stderr).toMatch(/\("User": ~3\d{3} rows\)/);
  });

  it('a destructive change to a table that is empty on the live database is a warning, not an error', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': ACCOUNT });
    expect((await cli('deploy')).code).toBe(0);
    await db.query('ANALYZE "Account"');
    project.migration('20240102000000_drop_legacy', 'ALTER TABLE "Account" DROP COLUMN "legacy";\n');
    const result = await cli('deploy');
    expect(result.stderr).not.toContain('LS_LINT_FAILED');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Lint of the pending migrations: 0 errors, 1 warning');
  });
});
