import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLintConfig } from '../../src/lint/config.js';
import { lintSql } from '../../src/lint/engine.js';
import { gradeTable, postgresTableStats } from '../../src/lint/table-stats.js';
import type { LintFinding } from '../../src/lint/types.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

describe('data awareness against a real database', () => {
  let db: TestDatabase;
  let client: pg.Client;
  const stats = () =>
    postgresTableStats({
      query: async (sql: string, params?: readonly unknown[]) => (await client.query(sql, params as unknown[])).rows,
    });

  beforeAll(async () => {
    db = await freshDatabase();
    await db.query(`
      CREATE TABLE "Big" (id bigint PRIMARY KEY, name text, email varchar(20), qty integer, price numeric(10,2));
      INSERT INTO "Big" SELECT g, 'name ' || g, 'u' || g || '@x.io', g % 100, g / 7.0 FROM generate_series(1, 20000) g;
      CREATE TABLE "Small" (id bigint PRIMARY KEY, note text);
      INSERT INTO "Small" SELECT g, 'n' FROM generate_series(1, 300) g;
      CREATE TABLE "Empty" (id bigint PRIMARY KEY, label text);
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id bigint PRIMARY KEY);
      ANALYZE "Big"; ANALYZE "Small"; ANALYZE "Empty"; ANALYZE shop.orders;
    `);
    client = await db.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const lint = async (sql: string, config?: Parameters<typeof readLintConfig>[0]) => {
    const report = await lintSql([{ path: 'm.sql', sql }], {
      stats: stats(),
      database: 'the test database',
      ...(config ? { config: readLintConfig(config, 'test') } : {}),
    });
    return report.findings;
  };
  const of = (findings: LintFinding[], table: string) => findings.find((f) => f.table === table)!;

  it('reads row estimates and sizes, and grades tables by them', async () => {
    const facts = await stats().tableStats([
      { schema: undefined, name: 'Big', display: '"Big"', location: undefined },
      { schema: undefined, name: 'Empty', display: '"Empty"', location: undefined },
      { schema: 'shop', name: 'orders', display: 'shop.orders', location: undefined },
      { schema: undefined, name: 'Missing', display: '"Missing"', location: undefined },
    ]);
    expect(facts.get('"Big"')).toMatchObject({ exists: true, rows: 20000 });
    expect(facts.get('"Big"')!.bytes).toBeGreaterThan(1_000_000);
    expect(facts.get('"Big"')!.columns).toMatchObject({ email: 'character varying(20)', qty: 'integer' });
    expect(gradeTable(facts.get('"Big"')!)).toBe('medium');
    expect(gradeTable(facts.get('"Empty"')!)).toBe('empty');
    expect(facts.get('shop.orders')).toMatchObject({ exists: true, rows: 0 });
    expect(facts.get('"Missing"')).toMatchObject({ exists: false });
  });

  it('grades lock hazards by table size, and states rows and size on every finding', async () => {
    const findings = await lint(
      'CREATE INDEX a ON "Big" (name);\nCREATE INDEX b ON "Small" (note);\nCREATE INDEX c ON "Empty" (label);\nCREATE INDEX d ON "NotYet" (x);',
    );
    expect(findings.map((f) => [f.table, f.severity, f.tableSize])).toEqual([
      ['"Big"', 'error', 'medium'],
      ['"Small"', 'warning', 'small'],
      ['"Empty"', 'info', 'empty'],
      ['"NotYet"', 'info', 'new'],
    ]);
    expect(of(findings, '"Big"')).toMatchObject({ rows: 20000 });
    expect(of(findings, '"Big"').bytes).toBeGreaterThan(0);
  });

  it('raises warnings to errors on large tables (thresholds from the configuration)', async () => {
    const findings = await lint(
      'DROP INDEX "Big_pkey";\nALTER TABLE "Big" ALTER COLUMN email TYPE text;\nALTER TABLE "Big" ALTER COLUMN name SET NOT NULL;',
      { thresholds: { smallRows: 100, largeRows: 10000 } },
    );
    const setNotNull = findings.find((f) => f.rule === 'setting-not-null')!;
    expect([setNotNull.severity, setNotNull.tableSize]).toEqual(['error', 'large']);
    // A catalog-only type change is a warning whatever the size.
    const widen = findings.find((f) => f.rule === 'changing-column-type')!;
    expect(widen.severity).toBe('warning');
    expect(widen.message).toContain('changes varchar(20) to text in the catalog only');
  });

  it('keeps the severity of data loss, and says how much is lost; on a table without rows nothing is lost, so it is a warning', async () => {
    const findings = await lint('DROP TABLE "Empty";\nDROP TABLE "Big";');
    expect(findings.map((f) => [f.table, f.severity, f.rows])).toEqual([
      ['"Empty"', 'warning', 0],
      ['"Big"', 'error', 20000],
    ]);
    expect(findings[0]!.message).toContain('"Empty" is empty on the database, so no data is lost');
  });

  it('uses column types: rewrites, lossy changes and missing USING', async () => {
    const findings = await lint(
      'ALTER TABLE "Big" ALTER COLUMN qty TYPE smallint;\nALTER TABLE "Big" ALTER COLUMN name TYPE integer;\nALTER TABLE "Big" ALTER COLUMN price TYPE numeric(12,2);',
    );
    const [narrow, text, wider] = findings.filter((f) => f.rule === 'changing-column-type');
    expect(narrow!.message).toContain('values outside the range of smallint make the ALTER fail');
    expect(text!.message).toContain('refuses this without USING');
    expect(text!.severity).toBe('error');
    expect(wider!.severity).toBe('warning');
  });

  it("confirms or withdraws a generated rename by the dropped column's type", async () => {
    const rename = await lint('ALTER TABLE "Big" DROP COLUMN name, ADD COLUMN "fullName" TEXT;');
    expect(
      rename.filter((f) => f.rule === 'generated-rename').map((f) => [f.severity, f.message.includes('(text → text)')]),
    ).toEqual([['error', true]]);
    const unrelated = await lint('ALTER TABLE "Big" DROP COLUMN qty, ADD COLUMN "notes" TEXT;');
    expect(unrelated.filter((f) => f.rule === 'generated-rename')).toEqual([]);
  });

  it('says whether a required column can be added', async () => {
    const [full] = (await lint('ALTER TABLE "Big" ADD COLUMN c TEXT NOT NULL;')).filter(
      (f) => f.rule === 'adding-required-field',
    );
    expect(full!.message).toContain('fails: "Big" holds ≈20k rows');
    const [empty] = (await lint('ALTER TABLE "Empty" ADD COLUMN c TEXT NOT NULL;')).filter(
      (f) => f.rule === 'adding-required-field',
    );
    expect(empty!.message).toContain('is empty, so the ALTER succeeds');
  });

  it('treats tables created in the same migration as empty without asking', async () => {
    let asked = 0;
    const counting = {
      tableStats: async (tables: Parameters<ReturnType<typeof stats>['tableStats']>[0]) => {
        asked += tables.length;
        return stats().tableStats(tables);
      },
    };
    const report = await lintSql(
      [
        {
          path: 'm.sql',
          sql: 'CREATE TABLE "Fresh" (id int);\nCREATE INDEX f ON "Fresh" (id);\nALTER TABLE "Fresh" ADD COLUMN x TEXT NOT NULL;',
        },
      ],
      { stats: counting },
    );
    expect(report.findings).toEqual([]);
    expect(asked).toBe(0);
  });
});
