import { describe, expect, it } from 'vitest';
import { SqlSyntaxError } from '../../src/sql/postgres/parser.js';
import { splitStatements, type SqlStatement } from '../../src/sql/postgres/statements.js';

async function only(sql: string): Promise<SqlStatement> {
  const statements = await splitStatements(sql);
  expect(statements).toHaveLength(1);
  return statements[0]!;
}

describe('splitStatements: splitting', () => {
  it('returns no statements for empty, blank and comment-only input', async () => {
    expect(await splitStatements('')).toEqual([]);
    expect(await splitStatements('  \n\t\r\n ')).toEqual([]);
    expect(await splitStatements('-- just a note\n/* and a block\n   comment */\n')).toEqual([]);
    expect(await splitStatements(';;')).toEqual([]);
  });

  it('splits a Prisma-style file and reports text, index, line, column and end line', async () => {
    const sql = [
      '-- CreateTable',
      'CREATE TABLE "User" (',
      '    "id" SERIAL NOT NULL,',
      '    "email" TEXT NOT NULL,',
      '',
      '    CONSTRAINT "User_pkey" PRIMARY KEY ("id")',
      ');',
      '',
      '-- CreateIndex',
      'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");',
      '',
    ].join('\n');
    const statements = await splitStatements(sql);
    expect(statements.map((s) => ({ index: s.index, line: s.line, column: s.column, endLine: s.endLine, kind: s.kind }))).toEqual(
      [
        { index: 0, line: 2, column: 1, endLine: 7, kind: 'CreateStmt' },
        { index: 1, line: 10, column: 1, endLine: 10, kind: 'IndexStmt' },
      ],
    );
    expect(statements[0]!.text).toBe(
      'CREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n)',
    );
    expect(statements[1]!.text).toBe('CREATE UNIQUE INDEX "User_email_key" ON "User"("email")');
  });

  it('leaves comments before and between statements out of the statement text', async () => {
    const sql = '/* header\n   block */\n-- first\nSELECT 1;\n\n-- between\n/* more */ SELECT 2;\n';
    const statements = await splitStatements(sql);
    expect(statements.map((s) => s.text)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(statements.map((s) => [s.line, s.column])).toEqual([
      [4, 1],
      [7, 12],
    ]);
  });

  it('keeps a dollar-quoted function body with semicolons as one statement', async () => {
    const body =
      'CREATE FUNCTION touch() RETURNS trigger AS $fn$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$fn$ LANGUAGE plpgsql';
    const sql = `${body};\nCREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW EXECUTE FUNCTION touch();\nDO $$ BEGIN PERFORM 1; PERFORM 2; END $$;`;
    const statements = await splitStatements(sql);
    expect(statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt', 'CreateTrigStmt', 'DoStmt']);
    expect(statements[0]!.text).toBe(body);
    expect(statements[0]!.line).toBe(1);
    expect(statements[0]!.endLine).toBe(6);
    expect(statements[1]!.line).toBe(7);
    expect(statements[2]!.text).toBe('DO $$ BEGIN PERFORM 1; PERFORM 2; END $$');
    expect(statements[2]!.line).toBe(8);
  });

  it('does not split on semicolons inside string literals, quoted identifiers or comments', async () => {
    const sql = `INSERT INTO "a;b" VALUES ('x; y'); /* ; */ SELECT 'it''s; fine' -- ; trailing\n;`;
    const statements = await splitStatements(sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]!.text).toBe(`INSERT INTO "a;b" VALUES ('x; y')`);
    expect(statements[1]!.text).toBe(`SELECT 'it''s; fine' -- ; trailing`);
  });

  it('takes a final statement without a semicolon', async () => {
    const statements = await splitStatements('SELECT 1;\nALTER TABLE t ADD COLUMN c int\n\n');
    expect(statements.map((s) => s.text)).toEqual(['SELECT 1', 'ALTER TABLE t ADD COLUMN c int']);
    expect(statements[1]!.line).toBe(2);
    expect(statements[1]!.endLine).toBe(2);
  });

  it('takes a single statement without a semicolon', async () => {
    const statement = await only('  DROP TABLE t');
    expect(statement.text).toBe('DROP TABLE t');
    expect([statement.line, statement.column]).toEqual([1, 3]);
  });

  it('ignores empty statements between semicolons', async () => {
    const statements = await splitStatements('SELECT 1;;\n;SELECT 2;');
    expect(statements.map((s) => [s.index, s.text])).toEqual([
      [0, 'SELECT 1'],
      [1, 'SELECT 2'],
    ]);
  });

  it('several statements on one line get their own columns', async () => {
    const statements = await splitStatements('SELECT 1; SELECT 22;   SELECT 333');
    expect(statements.map((s) => [s.text, s.line, s.column])).toEqual([
      ['SELECT 1', 1, 1],
      ['SELECT 22', 1, 11],
      ['SELECT 333', 1, 24],
    ]);
  });

  it('maps byte offsets to the right text and position after multibyte identifiers and strings', async () => {
    const sql =
      'CREATE TABLE "Bücher" ("titel" text);\nCREATE TABLE "日本語" (x int);  COMMENT ON TABLE "日本語" IS \'表 😀\';\nSELECT \'😀😀\'; SELECT 2;';
    const statements = await splitStatements(sql);
    expect(statements.map((s) => s.text)).toEqual([
      'CREATE TABLE "Bücher" ("titel" text)',
      'CREATE TABLE "日本語" (x int)',
      'COMMENT ON TABLE "日本語" IS \'表 😀\'',
      "SELECT '😀😀'",
      'SELECT 2',
    ]);
    // Columns count characters (UTF-16 code units, as JavaScript strings do), not bytes.
    expect(statements.map((s) => [s.line, s.column])).toEqual([
      [1, 1],
      [2, 1],
      [2, 30],
      [3, 1],
      [3, 16],
    ]);
    for (const statement of statements) {
      const lineText = sql.split('\n')[statement.line - 1]!;
      expect(lineText.slice(statement.column - 1).startsWith(statement.text)).toBe(true);
    }
  });

  it('places a statement correctly after a comment with multibyte text', async () => {
    const statements = await splitStatements('/* 😀 */ SELECT 1; -- ü\nSELECT 2');
    expect(statements.map((s) => [s.text, s.line, s.column])).toEqual([
      ['SELECT 1', 1, 10],
      ['SELECT 2', 2, 1],
    ]);
  });

  it('handles CRLF line endings', async () => {
    const statements = await splitStatements('-- c\r\nSELECT 1;\r\n\r\nSELECT\r\n  2;\r\n');
    expect(statements.map((s) => [s.text, s.line, s.column, s.endLine])).toEqual([
      ['SELECT 1', 2, 1, 2],
      ['SELECT\r\n  2', 4, 1, 5],
    ]);
  });

  it('rejects invalid SQL with a SqlSyntaxError', async () => {
    await expect(splitStatements('SELECT 1;\nCREATE TABEL t (id int);')).rejects.toMatchObject({
      name: 'SqlSyntaxError',
      line: 2,
      column: 8,
    });
    await expect(splitStatements('SELECT 1;\nCREATE TABEL t (id int);')).rejects.toBeInstanceOf(SqlSyntaxError);
  });
});

describe('splitStatements: classification', () => {
  it('plain DDL runs in a transaction and blocks', async () => {
    const statement = await only('ALTER TABLE "User" ADD COLUMN "name" TEXT;');
    expect(statement).toMatchObject({ kind: 'AlterTableStmt', nonBlocking: false });
    expect(statement.outsideTransaction).toBeUndefined();
    expect(statement.transactionControl).toBeUndefined();
    expect(statement.concurrentIndex).toBeUndefined();
  });

  describe('CREATE INDEX', () => {
    it('CONCURRENTLY with a schema-qualified table', async () => {
      const statement = await only('CREATE INDEX CONCURRENTLY "Order_createdAt_idx" ON "shop"."Order" ("createdAt");');
      expect(statement).toMatchObject({
        kind: 'IndexStmt',
        outsideTransaction: 'CREATE INDEX CONCURRENTLY',
        nonBlocking: true,
        concurrentIndex: { schema: 'shop', table: 'Order', name: 'Order_createdAt_idx' },
      });
    });

    it('CONCURRENTLY on an unqualified table, unique, IF NOT EXISTS', async () => {
      const statement = await only('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON orders (id);');
      expect(statement.concurrentIndex).toEqual({ schema: undefined, table: 'orders', name: 'idx' });
      expect(statement.outsideTransaction).toBe('CREATE INDEX CONCURRENTLY');
    });

    it('CONCURRENTLY without an index name has no name to look for', async () => {
      const statement = await only('CREATE INDEX CONCURRENTLY ON orders (id)');
      expect(statement.concurrentIndex).toEqual({ schema: undefined, table: 'orders', name: undefined });
    });

    it('unquoted names are folded to lower case, quoted ones kept', async () => {
      const statement = await only('CREATE INDEX CONCURRENTLY MyIdx ON MySchema."MyTable" (a)');
      expect(statement.concurrentIndex).toEqual({ schema: 'myschema', table: 'MyTable', name: 'myidx' });
    });

    it('without CONCURRENTLY runs in a transaction and blocks writes', async () => {
      const statement = await only('CREATE INDEX idx ON s.t (a)');
      expect(statement).toMatchObject({ kind: 'IndexStmt', nonBlocking: false });
      expect(statement.outsideTransaction).toBeUndefined();
      expect(statement.concurrentIndex).toBeUndefined();
    });
  });

  it('DROP INDEX CONCURRENTLY vs DROP INDEX and DROP TABLE', async () => {
    const [concurrent, plain, table] = await splitStatements(
      'DROP INDEX CONCURRENTLY IF EXISTS s.idx; DROP INDEX idx; DROP TABLE t;',
    );
    expect(concurrent).toMatchObject({ kind: 'DropStmt', outsideTransaction: 'DROP INDEX CONCURRENTLY', nonBlocking: true });
    expect(concurrent!.concurrentIndex).toBeUndefined();
    expect(plain).toMatchObject({ kind: 'DropStmt', nonBlocking: false });
    expect(plain!.outsideTransaction).toBeUndefined();
    expect(table!.outsideTransaction).toBeUndefined();
  });

  it('REINDEX: CONCURRENTLY in both syntaxes, SYSTEM and DATABASE, and plain', async () => {
    const statements = await splitStatements(
      'REINDEX INDEX CONCURRENTLY idx; REINDEX (CONCURRENTLY) TABLE t; REINDEX (VERBOSE) TABLE CONCURRENTLY t; REINDEX TABLE t; REINDEX INDEX idx; REINDEX DATABASE d; REINDEX SYSTEM d;',
    );
    expect(statements.map((s) => [s.outsideTransaction, s.nonBlocking])).toEqual([
      ['REINDEX CONCURRENTLY', true],
      ['REINDEX CONCURRENTLY', true],
      ['REINDEX CONCURRENTLY', true],
      [undefined, false],
      [undefined, false],
      ['REINDEX SYSTEM/DATABASE', false],
      ['REINDEX SYSTEM/DATABASE', false],
    ]);
  });

  it('VACUUM runs outside a transaction; only VACUUM FULL blocks; ANALYZE alone runs anywhere', async () => {
    const statements = await splitStatements(
      'VACUUM; VACUUM t; VACUUM (VERBOSE, ANALYZE) t; VACUUM ANALYZE t; VACUUM FULL t; VACUUM (FULL) t; VACUUM FULL ANALYZE t; ANALYZE; ANALYZE t (a);',
    );
    expect(statements.every((s) => s.kind === 'VacuumStmt')).toBe(true);
    expect(statements.map((s) => [s.text, s.outsideTransaction, s.nonBlocking])).toEqual([
      ['VACUUM', 'VACUUM', true],
      ['VACUUM t', 'VACUUM', true],
      ['VACUUM (VERBOSE, ANALYZE) t', 'VACUUM', true],
      ['VACUUM ANALYZE t', 'VACUUM', true],
      ['VACUUM FULL t', 'VACUUM FULL', false],
      ['VACUUM (FULL) t', 'VACUUM FULL', false],
      ['VACUUM FULL ANALYZE t', 'VACUUM FULL', false],
      ['ANALYZE', undefined, false],
      ['ANALYZE t (a)', undefined, false],
    ]);
  });

  it('CREATE/DROP DATABASE, tablespaces, subscriptions and ALTER SYSTEM run outside a transaction', async () => {
    const statements = await splitStatements(
      [
        'CREATE DATABASE d',
        'DROP DATABASE IF EXISTS d',
        "CREATE TABLESPACE ts LOCATION '/data'",
        'DROP TABLESPACE ts',
        "CREATE SUBSCRIPTION sub CONNECTION 'host=h' PUBLICATION p",
        'DROP SUBSCRIPTION sub',
        "ALTER SYSTEM SET work_mem = '64MB'",
        'ALTER SYSTEM RESET ALL',
        'ALTER DATABASE d SET TABLESPACE ts',
        "ALTER DATABASE d SET work_mem = '1MB'",
      ].join(';\n'),
    );
    expect(statements.map((s) => s.outsideTransaction)).toEqual([
      'CREATE DATABASE',
      'DROP DATABASE',
      'CREATE TABLESPACE',
      'DROP TABLESPACE',
      'CREATE SUBSCRIPTION',
      'DROP SUBSCRIPTION',
      'ALTER SYSTEM',
      'ALTER SYSTEM',
      'ALTER DATABASE SET TABLESPACE',
      undefined,
    ]);
    expect(statements.every((s) => !s.nonBlocking)).toBe(true);
  });

  it('DETACH PARTITION CONCURRENTLY vs plain DETACH and ATTACH', async () => {
    const [concurrent, plain, attach] = await splitStatements(
      'ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY; ALTER TABLE measurements DETACH PARTITION measurements_2020; ALTER TABLE measurements ATTACH PARTITION m FOR VALUES IN (1);',
    );
    expect(concurrent).toMatchObject({
      kind: 'AlterTableStmt',
      outsideTransaction: 'DETACH PARTITION CONCURRENTLY',
      nonBlocking: true,
    });
    expect(plain!.outsideTransaction).toBeUndefined();
    expect(plain!.nonBlocking).toBe(false);
    expect(attach!.outsideTransaction).toBeUndefined();
  });

  it('CLUSTER without a table runs outside a transaction; with a table it does not', async () => {
    const [bare, withIndex, tableOnly] = await splitStatements('CLUSTER; CLUSTER t USING t_pkey; CLUSTER t;');
    expect(bare).toMatchObject({ kind: 'ClusterStmt', outsideTransaction: 'CLUSTER without a table', nonBlocking: false });
    expect(withIndex!.outsideTransaction).toBeUndefined();
    expect(tableOnly!.outsideTransaction).toBeUndefined();
    expect(withIndex!.nonBlocking).toBe(false);
  });

  it('transaction control statements', async () => {
    const statements = await splitStatements(
      "BEGIN; START TRANSACTION ISOLATION LEVEL SERIALIZABLE; COMMIT; END; ROLLBACK; ABORT; SAVEPOINT s; RELEASE SAVEPOINT s; ROLLBACK TO SAVEPOINT s; PREPARE TRANSACTION 'x'",
    );
    expect(statements.map((s) => [s.text.split(' ')[0], s.transactionControl])).toEqual([
      ['BEGIN', 'begin'],
      ['START', 'begin'],
      ['COMMIT', 'commit'],
      ['END', 'commit'],
      ['ROLLBACK', 'rollback'],
      ['ABORT', 'rollback'],
      ['SAVEPOINT', 'other'],
      ['RELEASE', 'other'],
      ['ROLLBACK', 'other'],
      ['PREPARE', 'other'],
    ]);
    expect(statements.every((s) => s.kind === 'TransactionStmt' && s.outsideTransaction === undefined && !s.nonBlocking)).toBe(
      true,
    );
  });

  it('a BEGIN ... COMMIT wrapped migration keeps the statements in between unclassified', async () => {
    const statements = await splitStatements('BEGIN;\nALTER TABLE t ADD COLUMN c int;\nCOMMIT;\n');
    expect(statements.map((s) => s.transactionControl)).toEqual(['begin', undefined, 'commit']);
    expect(statements.map((s) => s.line)).toEqual([1, 2, 3]);
  });

  it('SELECT and DML are ordinary statements', async () => {
    const statements = await splitStatements(
      "INSERT INTO t VALUES (1); UPDATE t SET a = 2; DELETE FROM t; SELECT pg_sleep(0); SET lock_timeout = '1s';",
    );
    expect(statements.map((s) => s.kind)).toEqual(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'SelectStmt', 'VariableSetStmt']);
    expect(
      statements.every((s) => s.outsideTransaction === undefined && !s.nonBlocking && s.transactionControl === undefined),
    ).toBe(true);
  });

  it('keeps the parse node for later analysis', async () => {
    const statement = await only('CREATE TABLE t (id int)');
    expect(Object.keys(statement.node)).toEqual(['CreateStmt']);
  });
});

describe('splitStatements: positions in a long file', () => {
  it('gives every statement its own text, line and column, with multi-byte characters and blank lines between them', async () => {
    const parts: string[] = [];
    const expected: Array<{ text: string; line: number; column: number }> = [];
    let line = 1;
    for (let i = 0; i < 300; i++) {
      const text = `INSERT INTO t VALUES (${i}, 'é€😀 ${'ü'.repeat(i % 7)}\nsecond line')`;
      const indent = i % 3 === 0 ? '  ' : '';
      expected.push({ text, line, column: indent.length + 1 });
      parts.push(`${indent}${text};\n${i % 2 === 0 ? '\n' : ''}`);
      line += 2 + (i % 2 === 0 ? 1 : 0);
    }
    const statements = await splitStatements(parts.join(''));
    expect(statements.map((s) => ({ text: s.text, line: s.line, column: s.column }))).toEqual(expected);
    expect(statements.every((s) => s.endLine === s.line + 1)).toBe(true);
  });
});

describe('splitStatements: a file big enough to be parsed in pieces', () => {
  it('cut in pieces: every statement with its text and line, multi-byte characters included', async () => {
    const expected = Array.from(
      { length: 20_000 },
      (_, i) => `INSERT INTO "ü" VALUES (${i}, '${'é€'.repeat(i % 50)}${'z'.repeat(200)}')`,
    );
    const sql = expected.map((text, i) => `${text};${i % 5 === 0 ? '\n\n' : '\n'}`).join('');
    expect(Buffer.byteLength(sql)).toBeGreaterThan(4 * 1024 * 1024);
    const statements = await splitStatements(sql);
    expect(statements).toHaveLength(expected.length);
    let line = 1;
    for (const [i, statement] of statements.entries()) {
      if (statement.text !== expected[i] || statement.line !== line || statement.column !== 1)
        throw new Error(
          `statement ${i}: ${statement.text.slice(0, 60)} at ${statement.line}:${statement.column}, expected line ${line}`,
        );
      line += i % 5 === 0 ? 2 : 1;
    }
  });

  it('where a cut falls inside a string, a comment or a function body, as parsed whole', async () => {
    const expected: string[] = [];
    for (let i = 0; i < 9000; i++) {
      const kind = i % 4;
      expected.push(
        kind === 0
          ? `INSERT INTO t VALUES (${i}, '${'x;'.repeat(400)}')`
          : kind === 1
            ? `CREATE FUNCTION f${i}() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ${'PERFORM 1; '.repeat(60)}END $$`
            : kind === 2
              ? `/* ${'a; '.repeat(200)} */ SELECT ${i}`
              : `SELECT ${i} -- trailing; comment`,
      );
    }
    const sql = expected.map((text, i) => (i % 4 === 3 ? `${text}\n;` : `${text};`)).join('\n');
    expect(Buffer.byteLength(sql)).toBeGreaterThan(4 * 1024 * 1024);
    const statements = await splitStatements(sql);
    // As for a small file: a comment before a statement is not part of its text.
    const texts = expected.map((text, i) => (i % 4 === 2 ? `SELECT ${i}` : text));
    const firstDifference = statements.findIndex((s, i) => s.text !== texts[i]);
    expect(
      firstDifference === -1
        ? undefined
        : [statements[firstDifference]!.text.slice(0, 200), texts[firstDifference]!.slice(0, 200)],
    ).toBeUndefined();
    expect(statements).toHaveLength(texts.length);
    expect(statements[8999]!.line).toBe(sql.split('\n').length - 1);
  });

  it('places a syntax error in a big file exactly', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `INSERT INTO t VALUES (${i}, '${'y'.repeat(80)}');`);
    lines[30_000] = 'INSERT INTO t VALUES (1,, 2);';
    const error = await splitStatements(lines.join('\n')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect((error as SqlSyntaxError).line).toBe(30_001);
  });
});

describe('splitStatements: long statements keep their text, not their parse tree', () => {
  /** The tree without its `location` fields, which count from where the text was parsed. */
  const withoutLocations = (node: unknown): unknown =>
    JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'location' ? undefined : value)));

  it('gives a long statement the same tree, parsed again from its text, and its classification', async () => {
    const long = `CREATE INDEX CONCURRENTLY "big_idx" ON "t" ("a") WHERE "b" <> '${'q'.repeat(5000)}'`;
    const short = `INSERT INTO "t" ("a") VALUES ('${'w'.repeat(100)}')`;
    const statements = await splitStatements(`${short};\n${long};\n${short};\n`);
    expect(statements.map((s) => s.kind)).toEqual(['InsertStmt', 'IndexStmt', 'InsertStmt']);
    const [, index] = statements;
    expect(index!.outsideTransaction).toBe('CREATE INDEX CONCURRENTLY');
    expect(index!.concurrentIndex).toEqual({ schema: undefined, table: 't', name: 'big_idx' });
    expect(Object.keys(index!)).toContain('node');
    const alone = await only(long);
    expect(withoutLocations(index!.node)).toEqual(withoutLocations(alone.node));
    expect(JSON.stringify(index!.node)).toContain('q'.repeat(5000));
  });
});
