import { afterEach, describe, expect, it } from 'vitest';
import { deploy, status } from '../../src/index.js';
import { sha256Hex } from '../../src/util/hash.js';
import { events, runCli, withoutProgress } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

const INIT = `-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`;
const POSTS = `-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "authorId" INTEGER NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`;

describe('deploy', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  it('applies pending migrations and writes _prisma_migrations exactly as Prisma does', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': INIT, '20240102000000_posts': POSTS });
    const result = await runCli(['deploy', '--json'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(withoutProgress(result.stderr)).toBe('');
    expect(result.code).toBe(0);
    const applied = events(result.stdout).filter((e) => e.type === 'migration-applied');
    expect(applied.map((e) => e.migration)).toEqual(['20240101000000_init', '20240102000000_posts']);

    const columns = await db.query<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
      character_maximum_length: number | null;
    }>(
      `SELECT column_name, data_type, is_nullable, column_default, character_maximum_length FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      {
        column_name: 'id',
        data_type: 'character varying',
        is_nullable: 'NO',
        column_default: null,
        character_maximum_length: 36,
      },
      {
        column_name: 'checksum',
        data_type: 'character varying',
        is_nullable: 'NO',
        column_default: null,
        character_maximum_length: 64,
      },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        is_nullable: 'YES',
        column_default: null,
        character_maximum_length: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        is_nullable: 'NO',
        column_default: null,
        character_maximum_length: 255,
      },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES', column_default: null, character_maximum_length: null },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        is_nullable: 'YES',
        column_default: null,
        character_maximum_length: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        is_nullable: 'NO',
        column_default: 'now()',
        character_maximum_length: null,
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        is_nullable: 'NO',
        column_default: '0',
        character_maximum_length: null,
      },
    ]);
    const [pk] = await db.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = '_prisma_migrations'::regclass AND contype = 'p'`,
    );
    expect(pk?.conname).toBe('_prisma_migrations_pkey');

    const rows = await db.query<{
      id: string;
      checksum: string;
      migration_name: string;
      logs: string | null;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      started_at: Date;
      applied_steps_count: number;
    }>('SELECT * FROM _prisma_migrations ORDER BY started_at');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rows[0]!.checksum).toBe(sha256Hex(INIT));
    expect(rows[1]!.checksum).toBe(sha256Hex(POSTS));
    for (const row of rows) {
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
    const tables = await db.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.tablename)).toEqual(['Post', 'User', '_prisma_migrations']);
  });

  it('is a no-op when everything is applied', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': INIT });
    const first = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(first.code).toBe(0);
    const before = await db.query('SELECT * FROM _prisma_migrations');
    const second = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Up to date: 1 migration applied, nothing to do');
    expect(await db.query('SELECT * FROM _prisma_migrations')).toEqual(before);
  });

  it('is available as a typed API that resolves only after every migration is applied', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': INIT, '20240102000000_posts': POSTS });
    const seen: string[] = [];
    const result = await deploy({ project: project.dir, url: db.url, onEvent: (e) => seen.push(e.type) });
    expect(result.applied.map((a) => a.name)).toEqual(['20240101000000_init', '20240102000000_posts']);
    expect(result.applied.every((a) => a.mode === 'transaction')).toBe(true);
    expect(seen).toContain('run-finished');
    const after = await status({ project: project.dir, url: db.url });
    expect(after.state).toBe('up-to-date');
    expect(after.counts.applied).toBe(2);
  });

  it('keeps an audit trail of every run in lockstep.audit_log', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': INIT });
    await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    const audit = await db.query<{ event: string; migration: string | null }>(
      'SELECT event, migration FROM lockstep.audit_log ORDER BY id',
    );
    expect(audit).toEqual([
      { event: 'run-started', migration: null },
      { event: 'migration-applied', migration: '20240101000000_init' },
      { event: 'run-finished', migration: null },
    ]);
    // Written in the migration's own transaction, with the time the server measured.
    const [applied] = await db.query<{ duration_ms: number; statements_done: number; attempt: number }>(
      `SELECT duration_ms, statements_done, attempt FROM lockstep.audit_log WHERE event = 'migration-applied'`,
    );
    expect(applied).toMatchObject({ statements_done: 3, attempt: 1 });
    expect(applied!.duration_ms).toBeGreaterThanOrEqual(0);
    expect(applied!.duration_ms).toBeLessThan(60_000);
  });

  it('writes no audit table with --no-audit', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_init': INIT });
    const result = await runCli(['deploy', '--no-audit'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(0);
    const [row] = await db.query<{ found: boolean }>(`SELECT to_regclass('lockstep.audit_log') IS NOT NULL AS found`);
    expect(row?.found).toBe(false);
  });
});
