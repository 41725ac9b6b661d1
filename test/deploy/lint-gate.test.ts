import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

const INIT = 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL, "legacy" TEXT);\n';

describe('the lint gate in deploy', () => {
  let db: TestDatabase;
  let project: TestProject;
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url } });
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('refuses pending migrations with error-level findings before applying any, and names the table size', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': INIT });
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

  it('applies a finding suppressed in the SQL with a reason, and records the suppression', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': INIT });
    expect((await cli('deploy')).code).toBe(0);
    project.migration('20240102000000_drop_legacy', '-- lockstep-ignore ban-drop-column: legacy has been unused since release 42\nALTER TABLE "User" DROP COLUMN "legacy";\n');
    const result = await cli('deploy');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 suppressed in the SQL');
    const [audit] = await db.query<{ detail: { findings: Array<{ rule: string; reason: string }> } }>(`SELECT detail FROM lockstep.audit_log WHERE event = 'lint-suppressed'`);
    expect(audit?.detail.findings).toEqual([expect.objectContaining({ rule: 'ban-drop-column', reason: 'legacy has been unused since release 42' })]);
  });

  it('applies with --accept-lint-errors and keeps the reason and the findings in the audit log', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': INIT });
    expect((await cli('deploy')).code).toBe(0);
    project.migration('20240102000000_drop_legacy', 'ALTER TABLE "User" DROP COLUMN "legacy";\n');
    const result = await cli('deploy', '--accept-lint-errors', 'approved in change request CR-1234');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Deploying despite 1 lint error');
    const [audit] = await db.query<{ detail: { reason: string; findings: Array<{ rule: string }> } }>(`SELECT detail FROM lockstep.audit_log WHERE event = 'lint-overridden'`);
    expect(audit?.detail.reason).toBe('approved in change request CR-1234');
    expect(audit?.detail.findings.map((f) => f.rule)).toEqual(['ban-drop-column']);
  });

  it('lets migrations that create a table and index it in later migrations of the same run through', async () => {
    db = await freshDatabase();
    project = prismaProject({
      '20240101000000_init': INIT,
      '20240102000000_index': 'CREATE INDEX "User_email_idx" ON "User"("email");\n',
      '20240103000000_fk': 'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL);\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");\n',
    });
    const result = await cli('deploy');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
