import { describe, expect, it } from 'vitest';
import { lineAndColumn, loadParser, nodeKind, parsePostgres, SqlSyntaxError } from '../../src/sql/postgres/parser.js';

async function syntaxError(sql: string): Promise<SqlSyntaxError> {
  try {
    await parsePostgres(sql);
  } catch (error) {
    expect(error).toBeInstanceOf(SqlSyntaxError);
    return error as SqlSyntaxError;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(sql)}`);
}

describe('parsePostgres', () => {
  it('returns nothing for empty and blank text without loading the parser', async () => {
    expect(await parsePostgres('')).toEqual([]);
    expect(await parsePostgres(' \n\t ')).toEqual([]);
  });

  it('returns nothing for comment-only text', async () => {
    expect(await parsePostgres('-- a comment\n/* another */')).toEqual([]);
  });

  it('gives byte offsets and lengths in the UTF-8 source', async () => {
    const sql = "SELECT 'é';  SELECT 2";
    const raws = await parsePostgres(sql);
    expect(raws.map((r) => [r.byteStart, r.byteLength])).toEqual([
      [0, 11],
      // 'é' is two bytes, so the second statement starts at byte 14 (character 13).
      [14, 8],
    ]);
    const bytes = Buffer.from(sql, 'utf8');
    expect(
      raws.map((r) =>
        bytes
          .subarray(r.byteStart, r.byteStart + r.byteLength)
          .toString('utf8')
          .trim(),
      ),
    ).toEqual(["SELECT 'é'", 'SELECT 2']);
  });

  it('gives the last statement the rest of the text when it has no semicolon', async () => {
    const sql = 'SELECT 1; SELECT 2 ';
    const raws = await parsePostgres(sql);
    expect(raws[1]!.byteStart + raws[1]!.byteLength).toBe(Buffer.byteLength(sql));
  });

  it('loads the parser once', async () => {
    expect(await loadParser()).toBe(await loadParser());
  });
});

describe('SqlSyntaxError', () => {
  it('points at the first token of an unknown statement', async () => {
    const error = await syntaxError('SELEC 1;');
    expect(error.name).toBe('SqlSyntaxError');
    expect(error.message).toContain('syntax error at or near "SELEC"');
    expect([error.line, error.column]).toEqual([1, 1]);
  });

  it('points at the offending token on a later line', async () => {
    const error = await syntaxError('SELECT 1;\nSELECT 2;\nALTER TABLE t ADD COLUMN c int NOT NUL;\n');
    expect(error.message).toContain('"NUL"');
    expect([error.line, error.column]).toEqual([3, 36]);
  });

  it('reports the end of the input for an incomplete statement', async () => {
    const error = await syntaxError('SELECT 1;\nCREATE TABLE t (');
    expect(error.message).toContain('end of input');
    expect(error.line).toBe(2);
  });

  it('reports an unterminated string where it starts', async () => {
    const error = await syntaxError("SELECT 1;\nSELECT 'oops");
    expect(error.message).toContain('unterminated quoted string');
    expect([error.line, error.column]).toEqual([2, 8]);
  });

  it('counts characters, not bytes, after multibyte text on the same line', async () => {
    const error = await syntaxError('SELECT "日本語" FROM FROM;');
    expect([error.line, error.column]).toEqual([1, 19]);
  });

  it('counts characters, not bytes, after multibyte text on earlier lines', async () => {
    const error = await syntaxError("COMMENT ON TABLE t IS 'Größe und Gewicht';\nSELECT 1 FROM FROM;");
    expect([error.line, error.column]).toEqual([2, 15]);
  });

  it('counts a character outside the Basic Multilingual Plane the way the text is indexed', async () => {
    const sql = "SELECT '😀' FROM FROM;";
    const error = await syntaxError(sql);
    expect(error.line).toBe(1);
    expect(sql.slice(error.column - 1)).toBe('FROM;');
  });

  it('after several emoji on an earlier line', async () => {
    const sql = "SELECT '🎉🎉🎉';\nSELECT '👍' FROM FROM;";
    const error = await syntaxError(sql);
    expect(error.line).toBe(2);
    expect(sql.split('\n')[1]!.slice(error.column - 1)).toBe('FROM;');
  });
});

describe('lineAndColumn', () => {
  it('is 1-based', () => {
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('abc', 2)).toEqual({ line: 1, column: 3 });
  });

  it('starts a new line after each LF', () => {
    const text = 'ab\ncd\n\nef';
    expect(lineAndColumn(text, 3)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn(text, 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn(text, 7)).toEqual({ line: 4, column: 1 });
  });

  it('treats an offset on the LF itself as the end of that line', () => {
    expect(lineAndColumn('ab\ncd', 2)).toEqual({ line: 1, column: 3 });
  });
});

describe('nodeKind', () => {
  it('returns the single key of a node and its body', () => {
    expect(nodeKind({ SelectStmt: { limitOption: 'LIMIT_OPTION_DEFAULT' } } as never)).toEqual({
      kind: 'SelectStmt',
      body: { limitOption: 'LIMIT_OPTION_DEFAULT' },
    });
  });

  it('handles an empty node', () => {
    expect(nodeKind({} as never)).toEqual({ kind: 'Unknown', body: {} });
  });
});
