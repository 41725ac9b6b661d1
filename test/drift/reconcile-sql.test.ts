import { afterEach, describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/sql/postgres/statements.js';
import type { TestDatabase } from '../support/database.js';
import { deployedExample, messages, type DeployedExample } from './helpers.js';

/** Runs a --sql script as psql -f would: statement by statement on one session, outside any transaction block. */
async function runScript(db: TestDatabase, script: string): Promise<void> {
  const client = await db.connect();
  try {
    for (const statement of await splitStatements(script)) await client.query(statement.text);
  } finally {
    await client.end();
  }
}

describe('drift --sql', () => {
  let example: DeployedExample | undefined;
  afterEach(async () => {
    await example?.cleanup();
    example = undefined;
  });

  it('prints statements that, run against the live database, remove every non-destructive drift', async () => {
    example = await deployedExample('prisma-shop');
    const db = example.db;
    await db.query('DROP INDEX "Order_createdAt_idx"');
    await db.query('ALTER TABLE "Product" ALTER COLUMN stock SET DEFAULT 5');
    await db.query('ALTER TABLE "Order" ALTER COLUMN "shippingAddress" TYPE varchar(200)');
    await db.query('ALTER TABLE "Review" DROP CONSTRAINT "Review_userId_fkey"');
    await db.query(
      'ALTER TABLE "Review" ADD CONSTRAINT "Review_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"(id) ON DELETE CASCADE ON UPDATE CASCADE NOT VALID',
    );
    await db.query('ALTER TABLE "Category" DROP CONSTRAINT "Category_parentId_fkey"');
    await db.query('ALTER TABLE "User" DROP COLUMN name');
    await db.query('ALTER TABLE "OrderItem" DROP CONSTRAINT "OrderItem_pkey"');
    await db.query('ALTER TABLE "Product" ALTER COLUMN description SET NOT NULL');
    await db.query('CREATE INDEX "Product_name_idx" ON "Product" (name)');

    const before = await example.driftJson('--no-schema');
    expect(before.code).toBe(3);
    expect(before.result.differences).toHaveLength(9);
    expect(before.result.sql.some((s) => s.destructive)).toBe(false);

    const run = await example.cli('drift', '--sql', '--no-schema');
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('Drift: 9 differences between the live database and the migration history.\n');
    const script = run.stdout;
    expect(script.split('\n').slice(0, 5)).toEqual([
      `-- Statements that bring database "${db.name}" on 127.0.0.1:5432 back to its migration history (lockstep drift --sql).`,
      '-- Review before running. Statements marked "-- destructive" can lose data.',
      '-- CONCURRENTLY statements cannot run inside a transaction block: run the file as it is (psql -f), not wrapped in BEGIN/COMMIT.',
      'SET search_path TO "public";',
      '',
    ]);
    expect(script).toContain('ALTER TABLE "public"."User" ADD COLUMN "name" text;');
    expect(script).toContain(
      'ALTER TABLE "public"."Category" ADD CONSTRAINT "Category_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Category"(id) ON UPDATE CASCADE ON DELETE SET NULL NOT VALID;\nALTER TABLE "public"."Category" VALIDATE CONSTRAINT "Category_parentId_fkey";',
    );
    expect(script).toContain(
      'CREATE UNIQUE INDEX CONCURRENTLY "OrderItem_pkey" ON public."OrderItem" USING btree (id);\nALTER TABLE "public"."OrderItem" ADD CONSTRAINT "OrderItem_pkey" PRIMARY KEY USING INDEX "OrderItem_pkey";',
    );
    expect(script.split('\n').filter((line) => line.endsWith(' -- destructive'))).toEqual([]);

    await runScript(db, script);
    const after = await example.driftJson('--no-schema');
    expect(messages(after.result)).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('marks the statements that can lose data, and says what must be done by hand', async () => {
    example = await deployedExample('drizzle-app');
    await example.db.query('ALTER TABLE users ADD COLUMN nickname text');
    await example.db.query('ALTER TABLE tasks ALTER COLUMN title TYPE varchar(500)');
    await example.db.query('CREATE TABLE scratch (id int)');
    await example.db.query(`ALTER TYPE task_status ADD VALUE 'archived'`);
    const run = await example.cli('drift', '--sql', '--no-schema');
    expect(run.code).toBe(3);
    const lines = run.stdout
      .split('\n')
      .filter((line) => line && !line.startsWith('-- Statements') && !line.startsWith('-- Review') && !line.startsWith('SET '));
    expect(lines).toEqual([
      'ALTER TABLE "public"."tasks" ALTER COLUMN "title" TYPE text USING "title"::text;',
      'ALTER TABLE "public"."users" DROP COLUMN "nickname"; -- destructive',
      'DROP TABLE "public"."scratch"; -- destructive',
      `-- by hand: PostgreSQL cannot drop a value from an enum: recreate public.task_status without 'archived' and convert every column of that type (rows that hold the value must change first) -- destructive`,
    ]);
  });

  it('says there is nothing to do when the database is in sync', async () => {
    example = await deployedExample('drizzle-app');
    const run = await example.cli('drift', '--sql', '--no-schema');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `-- Statements that bring database "${example.db.name}" on 127.0.0.1:5432 back to its migration history (lockstep drift --sql).\n-- Nothing to do: the live database matches the history.\n`,
    );
    expect(run.stderr).toBe('In sync: the live database matches the migration history.\n');
  });
});
