import { describe, expect, it } from 'vitest';
import type { LockstepError } from '../../src/errors.js';
import { readLintConfig } from '../../src/lint/config.js';
import { lintSql } from '../../src/lint/engine.js';
import { parseAhead, PARSE_AHEAD_BYTES } from '../../src/lint/parse-ahead.js';
import { SourceMap } from '../../src/lint/source-map.js';
import { CHUNK_BYTES } from '../../src/lint/parse.js';
import { lintOne, summary } from './helpers.js';

describe('positions', () => {
  it('are 1-based lines and UTF-16 columns, after multibyte text, CRLF and a BOM', async () => {
    const sql = "\uFEFF-- café ☕ 😀\r\nSELECT '😀é'; ALTER TABLE t DROP COLUMN c;\r\n  CREATE INDEX i ON t (a);";
    const report = await lintOne(sql);
    const byRule = Object.fromEntries(report.findings.map((f) => [f.rule, [f.line, f.column]]));
    expect(byRule['ban-drop-column']).toEqual([2, 15]);
    expect(byRule['require-concurrent-index-creation']).toEqual([3, 3]);
    const drop = report.findings.find((f) => f.rule === 'ban-drop-column')!;
    expect(drop.statement).toMatchObject({ index: 1, line: 2, column: 15, endLine: 2, text: 'ALTER TABLE t DROP COLUMN c' });
    expect(drop.lineText).toBe("SELECT '😀é'; ALTER TABLE t DROP COLUMN c;");
  });

  it('point inside a statement where the parser records a location', async () => {
    const report = await lintOne(
      'ALTER TABLE "Order"\n  ADD CONSTRAINT "Order_u_fkey"\n    FOREIGN KEY ("u") REFERENCES "User"("id");',
    );
    const fk = report.findings.find((f) => f.rule === 'adding-foreign-key-constraint')!;
    expect([fk.line, fk.column]).toEqual([2, 7]);
    expect(fk.statement).toMatchObject({ line: 1, endLine: 3 });
  });

  it('point at the command of a multi-command ALTER TABLE that the finding is about', async () => {
    const report = await lintOne(
      '-- café\nALTER TABLE "Üser" ADD COLUMN "x" numeric(10, 2),\n  DROP COLUMN "a",\n  ALTER COLUMN "b" SET NOT NULL,\n  DROP COLUMN "c";',
    );
    const at = (rule: string) => report.findings.filter((f) => f.rule === rule).map((f) => [f.line, f.column]);
    expect(at('ban-drop-column')).toEqual([
      [3, 3],
      [5, 3],
    ]);
    expect(at('setting-not-null')).toEqual([[4, 3]]);
    expect(at('generated-rename').map(([line]) => line)).toEqual([3, 5]);
    // The statement is still the whole ALTER TABLE.
    expect(report.findings.find((f) => f.rule === 'ban-drop-column')!.statement).toMatchObject({ line: 2, endLine: 5 });
  });

  it('of syntax errors are file:line:column, with multibyte text before them', async () => {
    const report = await lintOne("SELECT 'é😀';\nALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT;");
    expect(report.findings.map((f) => [f.rule, f.line, f.column, f.severity])).toEqual([['syntax-error', 2, 49, 'error']]);
    expect(report.findings[0]!.message).toContain('syntax error at or near ";"');
    expect(report.failed).toBe(true);
  });
});

describe('empty and comment-only files', () => {
  it('an empty file is an error-level finding; a comment-only file is fine', async () => {
    const empty = await lintOne('  \n');
    expect(empty.findings.map((f) => [f.rule, f.severity])).toEqual([['empty-migration', 'error']]);
    const comments = await lintOne('-- nothing to do here\n/* really */\n');
    expect(comments.findings).toEqual([]);
    expect(comments.files[0]!.statements).toBe(0);
    expect(comments.failed).toBe(false);
  });
});

describe('suppressions', () => {
  it('apply to the next statement, with a reason, and are kept in the report', async () => {
    const report = await lintOne(
      '-- lockstep-ignore ban-drop-column: unused since v2\nALTER TABLE t DROP COLUMN c;\nALTER TABLE t DROP COLUMN d;',
    );
    expect(report.findings.map((f) => [f.rule, f.line, f.suppressed])).toEqual([
      ['ban-drop-column', 2, true],
      ['ban-drop-column', 3, false],
    ]);
    expect(report.findings[0]!.suppression).toEqual({ reason: 'unused since v2', line: 1, scope: 'statement' });
    expect(report.summary).toMatchObject({ errors: 1, suppressed: 1 });
  });

  it('after a statement on its last line apply to that statement; block comments work', async () => {
    expect(
      await summary('ALTER TABLE t DROP COLUMN c; -- lockstep-ignore ban-drop-column: reviewed\nALTER TABLE t DROP COLUMN d;'),
    ).toEqual(['ban-drop-column@2']);
    expect(
      await summary(
        '/* lockstep-ignore ban-drop-column, ban-drop-table: reviewed (OPS-1) */\nALTER TABLE t DROP COLUMN c;\nDROP TABLE u;',
      ),
    ).toEqual(['unused-ignore@1', 'ban-drop-table@3']);
    expect(
      await summary('/* lockstep-ignore ban-drop-column, ban-drop-table: reviewed (OPS-1) */\nALTER TABLE t DROP COLUMN c;'),
    ).toEqual(['unused-ignore@1']);
  });

  it('without a reason are not applied and are reported', async () => {
    const report = await lintOne('-- lockstep-ignore ban-drop-column\nALTER TABLE t DROP COLUMN c;');
    expect(report.findings.map((f) => [f.rule, f.line, f.suppressed])).toEqual([
      ['suppression-missing-reason', 1, false],
      ['ban-drop-column', 2, false],
    ]);
    expect(report.failed).toBe(true);
  });

  it('at file level apply everywhere in the file', async () => {
    const sql =
      'ALTER TABLE t DROP COLUMN c;\n-- lockstep-ignore-file ban-drop-column: the columns were archived (DATA-9)\nALTER TABLE u DROP COLUMN d;';
    const report = await lintOne(sql);
    expect(report.findings.every((f) => f.suppressed && f.suppression?.scope === 'file')).toBe(true);
    expect(report.findings).toHaveLength(2);
  });

  it("with unknown rules, no rules, nothing to suppress, or no statement after them are flagged like squawk's unused-ignore", async () => {
    const sql = [
      '-- lockstep-ignore ban-drop-colum: typo',
      'ALTER TABLE t DROP COLUMN c;',
      '-- lockstep-ignore: forgot the rule',
      'SELECT 1;',
      '-- lockstep-ignore ban-drop-table: nothing to suppress here',
      'SELECT 2;',
      '-- lockstep-ignore squawk-ignore disallowed-unique-constraint: copied from squawk',
      'SELECT 3;',
      '-- lockstep-ignore ban-truncate: after the last statement',
    ].join('\n');
    const messages = (await lintOne(sql)).findings
      .filter((f) => f.rule === 'unused-ignore')
      .map((f) => `${f.line}: ${f.message}`);
    expect(messages).toHaveLength(6);
    expect(messages[0]).toContain('unknown rule "ban-drop-colum" (did you mean "ban-drop-column"?)');
    expect(messages[1]).toContain('names no rule');
    expect(messages[2]).toContain('suppresses nothing');
    expect(messages.some((m) => m.includes('"disallowed-unique-constraint" (did you mean "adding-unique-constraint"?)'))).toBe(
      true,
    );
    expect(messages.at(-1)).toContain('after the last statement');
  });

  it('are found only in comments, never in strings or dollar-quoted bodies', async () => {
    const sql =
      "COMMENT ON TABLE t IS '-- lockstep-ignore ban-drop-column: no';\nALTER TABLE t DROP COLUMN c;\nCREATE FUNCTION f() RETURNS int AS $$ -- lockstep-ignore ban-drop-table: no\nSELECT 1 $$ LANGUAGE sql;\nDROP TABLE x;";
    expect(await summary(sql)).toEqual(['ban-drop-column@2', 'ban-drop-table@5']);
  });
});

describe('configuration', () => {
  it('sets severities and turns rules off and on', async () => {
    const config = readLintConfig(
      { rules: { 'ban-drop-column': 'warning', 'ban-drop-table': 'off', 'prefer-jsonb': 'error' } },
      'lockstep.config.json',
    );
    const report = await lintSql(
      [{ path: 'a.sql', sql: 'ALTER TABLE t DROP COLUMN c;\nDROP TABLE x;\nALTER TABLE u ADD COLUMN j JSON;' }],
      { config },
    );
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['ban-drop-column', 'warning'],
      ['prefer-jsonb', 'error'],
    ]);
  });

  it('rejects unknown keys, rules and severities, with the fix', () => {
    const failure = (input: unknown) => {
      try {
        readLintConfig(input, 'lockstep.config.json');
      } catch (error) {
        const e = error as LockstepError;
        return { message: e.message, next: e.recovery.join(' '), exitCode: e.exitCode };
      }
      throw new Error('expected a configuration error');
    };
    expect(failure({ rulez: {} })).toMatchObject({ message: expect.stringContaining('unknown key "rulez"'), exitCode: 2 });
    expect(failure({ rules: { 'ban-drop-colum': 'off' } })).toMatchObject({
      message: expect.stringContaining('unknown rule "ban-drop-colum"'),
      next: expect.stringContaining('Did you mean "ban-drop-column"?'),
    });
    expect(failure({ rules: { 'ban-drop-column': 'fatal' } }).next).toContain('"error", "warning", "info", "off"');
    expect(() => readLintConfig({ rules: { 'syntax-error': 'off' } }, 'lockstep.config.json')).toThrow(/always an error/);
    expect(() => readLintConfig({ postgresVersion: 7 }, 'lockstep.config.json')).toThrow(/postgresVersion 7/);
    expect(() => readLintConfig({ runner: 'flyway' }, 'lockstep.config.json')).toThrow(/runner "flyway"/);
    expect(readLintConfig({ postgresVersion: '16.4', runner: 'prisma' }, 'x')).toMatchObject({
      postgresVersion: 16,
      runner: 'prisma',
    });
  });
});

describe('tables created in the same migration', () => {
  it('are known to be empty: no lock findings on them', async () => {
    const sql =
      'CREATE TABLE "Coupon" ("id" SERIAL NOT NULL, "code" TEXT NOT NULL, CONSTRAINT "Coupon_pkey" PRIMARY KEY ("id"));\nCREATE UNIQUE INDEX "Coupon_code_key" ON "Coupon"("code");\nALTER TABLE "Coupon" ADD CONSTRAINT "Coupon_x_fkey" FOREIGN KEY ("id") REFERENCES "Order"("id");\nALTER TABLE "Coupon" ADD COLUMN "note" TEXT NOT NULL;\nCREATE TABLE "Copy" AS SELECT * FROM "Order";\nCREATE INDEX "Copy_idx" ON "Copy"("id");';
    expect(await summary(sql)).toEqual([]);
  });
});

describe('large files', () => {
  it('are parsed in pieces cut only at real statement boundaries', async () => {
    // Semicolons inside strings, comments, dollar-quoted bodies and BEGIN ATOMIC bodies, spread across many pieces.
    const block = [
      "INSERT INTO t (a) VALUES ('x;y'), ('--;'), (E'\\';');",
      '/* a block comment; with; semicolons */ SELECT 1;',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql;',
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;',
      "SELECT 'é';   -- trailing comment; with a semicolon",
      `SELECT '${'z'.repeat(3000)};';`,
    ].join('\n');
    const copies = Math.ceil((3 * CHUNK_BYTES) / Buffer.byteLength(block)) + 1;
    const sql = `${Array.from({ length: copies }, () => block).join('\n')}\nALTER TABLE t DROP COLUMN c;`;
    expect(Buffer.byteLength(sql)).toBeGreaterThan(3 * CHUNK_BYTES);
    const report = await lintOne(sql);
    expect(report.files[0]!.statements).toBe(copies * 6 + 1);
    expect(report.findings.map((f) => [f.rule, f.line])).toEqual([['ban-drop-column', copies * 6 + 1]]);
  });

  it('report a syntax error far into the file at its real position', async () => {
    const good = 'SELECT 1;\n'.repeat(Math.ceil((2.5 * CHUNK_BYTES) / 10));
    const lines = good.split('\n').length;
    const report = await lintOne(`${good}SELEC 2;\n${good}`);
    expect(report.findings.map((f) => [f.rule, f.line, f.column])).toEqual([['syntax-error', lines, 1]]);
  });
});

describe('files parsed ahead on a worker thread', () => {
  const simple =
    'CREATE TABLE "T" ("id" SERIAL NOT NULL, "name" TEXT, CONSTRAINT "T_pkey" PRIMARY KEY ("id"));\nCREATE INDEX "T_name_idx" ON "T"("name");\n';

  it('give the same statements and positions as the main thread', async () => {
    const copies = Math.ceil((PARSE_AHEAD_BYTES * 1.5) / simple.length);
    const sql = `${simple.repeat(copies)}ALTER TABLE t DROP COLUMN "é";\n`;
    const report = await lintOne(sql);
    expect(report.files[0]!.statements).toBe(copies * 2 + 1);
    expect(report.findings.map((f) => [f.rule, f.line, f.column])).toEqual([['ban-drop-column', copies * 2 + 1, 1]]);
    // The worker really did the parsing: every piece was accepted.
    const map = new SourceMap(sql);
    let statements = 0;
    expect(await parseAhead(map, CHUNK_BYTES, (piece) => (statements += piece.stmts.length))).toBe(map.byteLength);
    expect(statements).toBe(copies * 2 + 1);
  });

  it('fall back to the main thread where a cut lands inside a string or body, and still find syntax errors', async () => {
    const body = `CREATE FUNCTION f() RETURNS text AS $$ SELECT '${';'.repeat(300_000)}' $$ LANGUAGE sql;\n`;
    const sql = `${simple.repeat(Math.ceil(PARSE_AHEAD_BYTES / simple.length))}${body}${simple.repeat(2000)}DROP TABLE x;\n`;
    const report = await lintOne(sql);
    expect(report.findings.map((f) => f.rule)).toEqual(['ban-drop-table']);
    expect(report.findings[0]!.line).toBe(sql.split('\n').length - 1);
    const broken = `${simple.repeat(Math.ceil((PARSE_AHEAD_BYTES * 1.2) / simple.length))}SELEC 1;\n${simple.repeat(100)}`;
    const error = await lintOne(broken);
    expect(error.findings.map((f) => [f.rule, f.line, f.column])).toEqual([
      ['syntax-error', broken.split('\n').indexOf('SELEC 1;') + 1, 1],
    ]);
  });
});

describe('the report', () => {
  it('counts, fails only on unsuppressed errors, and describes each file', async () => {
    const report = await lintSql(
      [
        { path: 'a.sql', sql: '-- CreateTable\nCREATE TABLE a (id int);' },
        { path: 'b.sql', sql: 'ALTER TABLE t ALTER COLUMN c DROP NOT NULL;' },
      ],
      { runner: 'prisma' },
    );
    expect(report.failed).toBe(false);
    expect(report.summary).toMatchObject({ errors: 0, files: 2, statements: 2 });
    expect(report.files).toEqual([
      { path: 'a.sql', statements: 1, generator: 'prisma', execution: 'autocommit' },
      { path: 'b.sql', statements: 1, generator: undefined, execution: 'autocommit' },
    ]);
    expect(report.runner).toBe('prisma');
    expect(report.postgresVersion).toBe(14);
  });
});

describe('a sequence of pending migrations', () => {
  const files = [
    { path: '0001_users.sql', sql: 'CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "legacy" TEXT);' },
    { path: '0002_orders.sql', sql: 'ALTER TABLE "User" ADD COLUMN "note" TEXT;' },
    {
      path: '0003_cleanup.sql',
      sql: 'ALTER TABLE "User" DROP COLUMN "legacy";\nALTER TABLE "User" DROP COLUMN "note";\nCREATE INDEX "User_id_idx" ON "User" ("id");',
    },
  ];
  const rules = (report: Awaited<ReturnType<typeof lintSql>>, file: string) =>
    report.findings.filter((f) => f.file === file).map((f) => f.rule);

  it('treats what an earlier file creates as new: no running app uses it yet', async () => {
    const report = await lintSql(files, { sequence: true });
    expect(rules(report, '0002_orders.sql')).toEqual([]);
    expect(rules(report, '0003_cleanup.sql')).toEqual([]);
  });

  it('without it, lints each file on its own, against tables that may be in use', async () => {
    const report = await lintSql(files);
    expect(rules(report, '0003_cleanup.sql')).toEqual(
      expect.arrayContaining(['ban-drop-column', 'require-concurrent-index-creation']),
    );
  });
});
