import { describe, expect, it } from 'vitest';
import { findingsOf, lintOne, summary } from './helpers.js';

describe('ban-drop-table / ban-drop-column / ban-drop-schema / ban-drop-database', () => {
  it('flags drops of existing objects', async () => {
    expect(await summary('DROP TABLE "Session", audit.events;')).toEqual(['ban-drop-table@1', 'ban-drop-table@1']);
    expect(await summary('ALTER TABLE "User" DROP COLUMN "name", DROP COLUMN IF EXISTS "nick";')).toEqual([
      'ban-drop-column@1',
      'ban-drop-column@1',
    ]);
    expect(await summary('DROP SCHEMA reporting CASCADE;')).toEqual(['ban-drop-schema@1']);
    expect(await summary('DROP DATABASE shop;')).toEqual(['ban-drop-database@1']);
  });

  it('does not flag what the migration itself created', async () => {
    expect(await summary('CREATE TABLE tmp (id int);\nALTER TABLE tmp DROP COLUMN id;\nDROP TABLE tmp;')).toEqual([]);
  });

  it('does not flag drops of other objects', async () => {
    expect(
      await summary('DROP VIEW v; DROP FUNCTION f(); DROP TYPE t; ALTER TABLE "User" DROP CONSTRAINT "User_email_check";'),
    ).toEqual([]);
  });

  it("says CASCADE drops dependants and quotes Prisma's own warning", async () => {
    const sql = `/*
  Warnings:

  - You are about to drop the \`Session\` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropTable
DROP TABLE "Session" CASCADE;`;
    const [finding] = await findingsOf('ban-drop-table', sql);
    expect(finding!.message).toContain('CASCADE also drops the views and foreign keys');
    expect(finding!.message).toContain(
      'Prisma warned when it generated this migration: "You are about to drop the `Session` table.',
    );
    expect(finding!.line).toBe(8);
    expect(finding!.table).toBe('"Session"');
  });
});

describe('ban-truncate / ban-truncate-cascade', () => {
  it('flags TRUNCATE of existing tables, and CASCADE separately', async () => {
    expect(await summary('TRUNCATE a, b;')).toEqual(['ban-truncate@1', 'ban-truncate@1']);
    expect((await summary('TRUNCATE a CASCADE;')).sort()).toEqual(['ban-truncate-cascade@1', 'ban-truncate@1']);
  });

  it('leaves tables created in the migration alone', async () => {
    expect(await summary('CREATE TABLE seed (id int);\nTRUNCATE seed;')).toEqual([]);
  });
});

describe('generated-rename', () => {
  it('recognises DROP COLUMN + ADD COLUMN on one table, in one statement or two', async () => {
    expect(
      await findingsOf('generated-rename', 'ALTER TABLE "User" DROP COLUMN "name", ADD COLUMN "fullName" TEXT;'),
    ).toHaveLength(1);
    const [finding] = await findingsOf(
      'generated-rename',
      'ALTER TABLE "User" ADD COLUMN "fullName" TEXT;\nALTER TABLE "User" DROP COLUMN "name";',
    );
    expect(finding!.line).toBe(2);
    expect(finding!.message).toContain('every value of "name" is deleted and "fullName" starts empty');
  });

  it('does not pair columns of different tables, or columns this migration added', async () => {
    expect(await findingsOf('generated-rename', 'ALTER TABLE a DROP COLUMN x;\nALTER TABLE b ADD COLUMN y TEXT;')).toEqual([]);
    const added = 'ALTER TABLE a ADD COLUMN n INTEGER;\nALTER TABLE a DROP COLUMN n, ADD COLUMN m BIGINT;';
    expect(await findingsOf('generated-rename', added)).toEqual([]);
    expect(await findingsOf('ban-drop-column', added)).toEqual([]);
  });

  it('does not report a dropped column whose data an UPDATE of the migration copies into another column', async () => {
    const merged =
      'ALTER TABLE "widget" ADD COLUMN "url" text;\nUPDATE "widget" SET "url" = "base_url" || "endpoint";\nALTER TABLE "widget" ALTER COLUMN "url" SET NOT NULL;\nALTER TABLE "widget" DROP COLUMN "base_url";\nALTER TABLE "widget" DROP COLUMN "endpoint";';
    expect(await findingsOf('generated-rename', merged)).toEqual([]);
    // Dropping the old columns is still reported: the running app version reads them.
    expect((await findingsOf('ban-drop-column', merged)).map((f) => f.line)).toEqual([4, 5]);
    // An UPDATE of another table does not carry the data over.
    expect(await findingsOf('generated-rename', merged.replace('UPDATE "widget"', 'UPDATE "other"'))).toHaveLength(2);
  });

  it('speaks Prisma and Drizzle', async () => {
    const prisma = '-- AlterTable\nALTER TABLE "User" DROP COLUMN "name",\nADD COLUMN "fullName" TEXT;';
    expect((await findingsOf('generated-rename', prisma))[0]!.message).toContain('@map("name")');
    const drizzle =
      'ALTER TABLE "users" DROP COLUMN "name";--> statement-breakpoint\nALTER TABLE "users" ADD COLUMN "full_name" text;';
    expect((await findingsOf('generated-rename', drizzle))[0]!.message).toContain('drizzle-kit');
    const report = await lintOne(drizzle);
    expect(report.files[0]!.generator).toBe('drizzle');
  });
});
