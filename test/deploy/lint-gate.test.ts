import { describe, expect, it } from 'vitest';
import { prismaDeploySuite } from '../support/deploy-suite.js';
import { withoutProgress } from '../support/cli.js';

const INIT = 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL, "legacy" TEXT);\n';

describe('the lint gate in deploy', () => {
  const suite = prismaDeploySuite();

  it('refuses pending migrations with error-level findings before applying any, and names the table size', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': INIT });
    expect((await cli('deploy')).code).toBe(0);
    await db.query(`INSERT INTO "User" ("email") SELECT 'u' || g || '@example.com' FROM generate_series(1, 5000) g`);
    await db.query('ANALYZE "User"');
    project.migration('20240102000000_harmless', 'CREATE TABLE "Audit" ("id" SERIAL PRIMARY KEY);\n');
    project.migration('20240103000000_drop_legacy', '-- AlterTable\nALTER TABLE "User" DROP COLUMN "legacy";\n');

    const refused = await cli('deploy');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[LS_LINT_FAILED]');
    expect(refused.stderr).toContain('prisma/migrations/20240103000000_drop_legacy/migration.sql:2:');
    expect(refused.stderr).toContain('ban-drop-column');
    expect(refused.stderr).toMatch(/\("User": ~5\d{3} rows\)/);
    expect(refused.stderr).toContain('-- lockstep-ignore <rule>: <reason>');
    expect(refused.stderr).toContain('lockstep deploy --accept-lint-errors "<reason>"');
    expect(refused.stderr).toContain('no migration was applied');
    const rows = await db.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations');
    expect(rows.map((r) => r.migration_name)).toEqual(['20240101000000_init']);
  });

  it('deploys a whole history to a new database: what an earlier pending migration creates is not in use yet', async () => {
    // A new environment gets every migration at once; a column dropped or renamed later in the
    // history belongs to a table no running app has seen, on this database.
    const { db, cli } = await suite.start({
      '20240101000000_init': INIT,
      '20240102000000_drop_legacy':
        '-- AlterTable\nALTER TABLE "User" DROP COLUMN "legacy";\nALTER TABLE "User" RENAME COLUMN "email" TO "mail";\nCREATE INDEX "User_mail_idx" ON "User"("mail");\n',
    });
    const result = await cli('deploy');
    expect(result.stderr).not.toContain('LS_LINT_FAILED');
    expect(result.code).toBe(0);
    const rows = await db.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations ORDER BY started_at');
    expect(rows.map((r) => r.migration_name)).toEqual(['20240101000000_init', '20240102000000_drop_legacy']);
  });

  it('applies a finding suppressed in the SQL with a reason, and records the suppression', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': INIT });
    expect((await cli('deploy')).code).toBe(0);
    project.migration(
      '20240102000000_drop_legacy',
      '-- lockstep-ignore ban-drop-column: legacy has been unused since release 42\nALTER TABLE "User" DROP COLUMN "legacy";\n',
    );
    const result = await cli('deploy');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 suppressed in the SQL');
    const [audit] = await db.query<{ detail: { findings: Array<{ rule: string; reason: string }> } }>(
      `SELECT detail FROM lockstep.audit_log WHERE event = 'lint-suppressed'`,
    );
    expect(audit?.detail.findings).toEqual([
      expect.objectContaining({ rule: 'ban-drop-column', reason: 'legacy has been unused since release 42' }),
    ]);
  });

  it('applies with --accept-lint-errors and keeps the reason and the findings in the audit log', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_init': INIT });
    expect((await cli('deploy')).code).toBe(0);
    // A table with rows: on an empty one, dropping a column loses nothing and is only a warning.
    await db.query(`INSERT INTO "User" ("email") SELECT 'u' || g || '@example.com' FROM generate_series(1, 100) g`);
    project.migration('20240102000000_drop_legacy', 'ALTER TABLE "User" DROP COLUMN "legacy";\n');
    const result = await cli('deploy', '--accept-lint-errors', 'approved in change request CR-1234');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Deploying despite 1 lint error');
    const [audit] = await db.query<{ detail: { reason: string; findings: Array<{ rule: string }> } }>(
      `SELECT detail FROM lockstep.audit_log WHERE event = 'lint-overridden'`,
    );
    expect(audit?.detail.reason).toBe('approved in change request CR-1234');
    expect(audit?.detail.findings.map((f) => f.rule)).toEqual(['ban-drop-column']);
  });

  it('lets migrations that create a table and index it in later migrations of the same run through', async () => {
    const { cli } = await suite.start({
      '20240101000000_init': INIT,
      '20240102000000_index': 'CREATE INDEX "User_email_idx" ON "User"("email");\n',
      '20240103000000_fk':
        'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL);\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");\n',
    });
    const result = await cli('deploy');
    expect(withoutProgress(result.stderr)).toBe('');
    expect(result.code).toBe(0);
  });
});
