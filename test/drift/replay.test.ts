import { afterEach, describe, expect, it } from 'vitest';
import { drift, isLockstepError, type LockstepError } from '../../src/index.js';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';
import { copyTypeormExample, type TypeormProject } from '../support/typeorm.js';

const DOC =
  'CREATE TABLE "Doc" (\n    "id" SERIAL NOT NULL,\n    "title" TEXT NOT NULL,\n    CONSTRAINT "Doc_pkey" PRIMARY KEY ("id")\n);\n';

describe('replaying the history', () => {
  let db: TestDatabase | undefined;
  let project: TestProject | undefined;
  let typeorm: TypeormProject | undefined;
  const cli = (...args: string[]) => runCli(args, { cwd: project!.dir, env: { DATABASE_URL: db!.url } });
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
    typeorm?.cleanup();
    db = project = typeorm = undefined;
  });

  it('a migration that fails on an empty database: which one, which statement, why, and what to do (exit 1)', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20250101000000_docs': DOC });
    const deployed = await cli('deploy');
    expect(deployed.code, deployed.stderr).toBe(0);
    // Someone created pg_trgm by hand; the next migration relies on it without creating it.
    await db.query('CREATE EXTENSION pg_trgm');
    project.migration(
      '20250102000000_docs_title_search',
      '-- CreateIndex\nCREATE INDEX "Doc_title_trgm_idx" ON "Doc" USING gin ("title" gin_trgm_ops);\n',
    );
    project.migration('20250103000000_docs_body', 'ALTER TABLE "Doc" ADD COLUMN "body" TEXT;\n');
    const again = await cli('deploy');
    expect(again.code, again.stderr).toBe(0);

    const run = await cli('drift');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error [LS_DRIFT_REPLAY_FAILED] Replaying the migration history into PGlite (PostgreSQL 18.');
    expect(run.stderr).toContain(
      'failed at 20250102000000_docs_title_search (prisma/migrations/20250102000000_docs_title_search/migration.sql, statement 1 at line 2): operator class "gin_trgm_ops" does not exist for access method "gin" (SQLSTATE 42704).',
    );
    expect(run.stderr).toContain('  Database: Unchanged: lockstep only read the live database.');
    expect(run.stderr).toContain(
      'replay into a real, empty scratch database instead: `lockstep drift --shadow-url "$SHADOW_DATABASE_URL"`',
    );
    expect(run.stderr).toContain(
      'fix prisma/migrations/20250102000000_docs_title_search/migration.sql so that the history replays',
    );
  });

  it('a history that records a migration whose file is gone cannot be replayed (exit 1)', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20250101000000_docs': DOC, '20250102000000_more': 'ALTER TABLE "Doc" ADD COLUMN "body" TEXT;\n' });
    const deployed = await cli('deploy');
    expect(deployed.code, deployed.stderr).toBe(0);
    project.remove('prisma/migrations/20250102000000_more');
    const run = await cli('drift');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '[LS_DRIFT_HISTORY_INCOMPLETE] The history records 20250102000000_more as applied, but its file is not in prisma/migrations, so lockstep cannot replay the history',
    );
  });

  it('a migration left half-applied: the replay includes the statements the history records as done', async () => {
    db = await freshDatabase();
    project = prismaProject({
      '20250101000000_docs': DOC,
      '20250102000000_split':
        'CREATE TABLE "Tag" ("id" INTEGER NOT NULL);\nCREATE INDEX CONCURRENTLY "Tag_id_idx" ON "Tag" ("id");\nCREATE TABLE "DocTag" ("docId" INTEGER REFERENCES "Nowhere"("id"));\n',
      '20250103000000_later': 'ALTER TABLE "Doc" ADD COLUMN "body" TEXT;\n',
    });
    const deployed = await cli('deploy');
    expect(deployed.code).toBe(1);
    const run = await cli('drift', '--json', '--no-schema');
    const result = JSON.parse(run.stdout) as {
      inSync: boolean;
      differences: unknown[];
      notes: string[];
      replay: { migrations: string[]; partial: unknown[]; pending: string[] };
    };
    expect(result.differences).toEqual([]);
    expect(run.code).toBe(0);
    expect(result.replay).toMatchObject({
      migrations: ['20250101000000_docs', '20250102000000_split'],
      partial: [{ migration: '20250102000000_split', statements: 2 }],
      pending: ['20250103000000_later'],
    });
    expect(result.notes).toEqual([
      '1 migration is not applied yet and not part of the comparison: 20250103000000_later.',
      '20250102000000_split is recorded as failed after 2 statements: the replay includes those statements only.',
    ]);
  });

  it('a TypeORM migration outside a transaction that stopped part-way: its completed queries are replayed', async () => {
    db = await freshDatabase();
    typeorm = copyTypeormExample();
    typeorm.migration(
      'HalfDone',
      1742000000000,
      [
        'CREATE INDEX CONCURRENTLY "invoice_due_date_idx" ON "invoice" ("dueDate")',
        'ALTER TABLE "nowhere" ADD COLUMN "x" integer',
      ],
      '    transaction = false as const\n',
    );
    const run = (...args: string[]) => runCli(args, { cwd: typeorm!.dir, env: { DATABASE_URL: db!.url } });
    expect((await run('deploy')).code).toBe(1);
    const drifted = await run('drift', '--json');
    const result = JSON.parse(drifted.stdout) as { differences: unknown[]; replay: { partial: unknown[] } };
    expect(result.differences).toEqual([]);
    expect(result.replay.partial).toEqual([{ migration: 'HalfDone1742000000000', statements: 1 }]);
    expect(drifted.code).toBe(0);
  });

  it('the API: drift() resolves with typed differences, and throws a LockstepError when the history cannot be replayed', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20250101000000_docs': DOC });
    const deployed = await cli('deploy');
    expect(deployed.code, deployed.stderr).toBe(0);
    await db.query('ALTER TABLE "Doc" ADD COLUMN "draft" BOOLEAN NOT NULL DEFAULT true');
    const result = await drift({ project: project.dir, url: db.url, schema: false });
    expect(result.inSync).toBe(false);
    expect(result.differences).toMatchObject([
      {
        object: 'column',
        change: 'extra',
        name: 'public.Doc.draft',
        table: 'public."Doc"',
        message: 'column public."Doc".draft: added outside the migrations (boolean NOT NULL DEFAULT true)',
      },
    ]);
    expect(result.sql).toMatchObject([{ sql: 'ALTER TABLE "public"."Doc" DROP COLUMN "draft";', destructive: true }]);

    project.migration('20250101000000_docs', `${DOC}SELECT * FROM "Missing";\n`);
    const error = await drift({ project: project.dir, url: db.url }).catch((e: unknown) => e);
    expect(isLockstepError(error)).toBe(true);
    expect(error as LockstepError).toMatchObject({
      code: 'LS_DRIFT_REPLAY_FAILED',
      exitCode: 1,
      details: { migration: '20250101000000_docs', statement: 2, sqlState: '42P01' },
    });
  });
});
