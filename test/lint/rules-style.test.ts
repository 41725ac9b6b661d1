import { describe, expect, it } from 'vitest';
import { enable, findingsOf, summary } from './helpers.js';

const TABLE =
  'CREATE TABLE t (id SERIAL, a INTEGER, b SMALLINT, c TIMESTAMP(3), d TIMESTAMPTZ, e JSON, f JSONB, g VARCHAR(20), h VARCHAR, i CHAR(2), j TEXT, k BIGINT, l INT[]);';
const STYLE = [
  'prefer-identity',
  'prefer-bigint-over-int',
  'prefer-bigint-over-smallint',
  'prefer-timestamptz',
  'prefer-jsonb',
  'prefer-text-field',
  'ban-char-field',
];

describe('style rules', () => {
  it('are off by default', async () => {
    expect(await summary(TABLE)).toEqual([]);
  });

  it('flag the types they name when enabled, in CREATE TABLE, ADD COLUMN and ALTER COLUMN TYPE', async () => {
    const found = await summary(TABLE, enable(...STYLE));
    expect(found.sort()).toEqual(
      [
        'ban-char-field',
        'prefer-bigint-over-int',
        'prefer-bigint-over-int',
        'prefer-bigint-over-int',
        'prefer-bigint-over-smallint',
        'prefer-identity',
        'prefer-jsonb',
        'prefer-text-field',
        'prefer-timestamptz',
      ]
        .map((r) => `${r}@1`)
        .sort(),
    );
    expect(await findingsOf('prefer-jsonb', 'ALTER TABLE t ADD COLUMN m JSON;', enable('prefer-jsonb'))).toHaveLength(1);
    expect(
      await findingsOf('prefer-timestamptz', 'ALTER TABLE t ALTER COLUMN c TYPE TIMESTAMP;', enable('prefer-timestamptz')),
    ).toHaveLength(1);
  });

  it('point at the type', async () => {
    const [finding] = await findingsOf('prefer-jsonb', 'CREATE TABLE t (\n  id BIGINT,\n  meta JSON\n);', enable('prefer-jsonb'));
    expect([finding!.line, finding!.column]).toEqual([3, 8]);
    expect(finding!.message).toContain('"meta" is json');
  });
});

describe('require-table-schema / require-enum-value-ordering (opt-in)', () => {
  it('flag when enabled', async () => {
    expect(
      await summary('ALTER TABLE t ADD COLUMN a TEXT;\nALTER TABLE s.t ADD COLUMN b TEXT;', enable('require-table-schema')),
    ).toEqual(['require-table-schema@1']);
    expect(
      await summary("ALTER TYPE e ADD VALUE 'x';\nALTER TYPE e ADD VALUE 'y' AFTER 'x';", enable('require-enum-value-ordering')),
    ).toEqual(['require-enum-value-ordering@1']);
  });
});

describe('identifier-too-long', () => {
  it('measures names as written, in bytes', async () => {
    const long = 'a'.repeat(64);
    const fits = 'b'.repeat(63);
    const wide = 'é'.repeat(32); // 64 bytes, 32 characters
    const sql = `CREATE TABLE ${long} (${fits} int, "${wide}" int);`;
    const found = await findingsOf('identifier-too-long', sql);
    expect(found.map((f) => f.message.slice(0, 12))).toEqual([`"${'a'.repeat(11)}`, `"${'é'.repeat(11)}`]);
    expect(found[0]!.column).toBe(14);
  });
});

describe('ban-duplicate-column-assignments', () => {
  it('flags duplicates that PostgreSQL only rejects at run time', async () => {
    const sql = [
      'CREATE TABLE t (a int, b int, a text);',
      'UPDATE t SET a = 1, a = 2;',
      'INSERT INTO t (a, a) VALUES (1, 2);',
      'CREATE VIEW v AS SELECT a, a FROM t;',
      'CREATE VIEW w (x, x) AS SELECT 1, 2;',
    ].join('\n');
    expect(await summary(sql)).toEqual([
      'ban-duplicate-column-assignments@1',
      'ban-duplicate-column-assignments@2',
      'ban-duplicate-column-assignments@3',
      'ban-duplicate-column-assignments@4',
      'ban-duplicate-column-assignments@5',
    ]);
  });

  it('allows assignments to different parts of one column', async () => {
    expect(await summary('UPDATE t SET arr[1] = 1, arr[2] = 2;')).toEqual([]);
  });
});
