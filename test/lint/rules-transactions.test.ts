import { describe, expect, it } from 'vitest';
import { lintSql } from '../../src/lint/engine.js';
import { findingsOf, summary } from './helpers.js';

const CIC = 'CREATE INDEX CONCURRENTLY i ON t (a);';

describe('concurrently-in-transaction', () => {
  it("follows each runner's transaction model", async () => {
    const withOther = `ALTER TABLE t ADD COLUMN a TEXT;\n${CIC}`;
    expect(await findingsOf('concurrently-in-transaction', withOther)).toEqual([]); // lockstep runs it statement by statement
    expect(await findingsOf('concurrently-in-transaction', withOther, { runner: 'prisma' })).toHaveLength(1);
    expect(await findingsOf('concurrently-in-transaction', CIC, { runner: 'prisma' })).toEqual([]); // alone in its file
    expect(await findingsOf('concurrently-in-transaction', CIC, { runner: 'drizzle' })).toHaveLength(1);
    expect(await findingsOf('concurrently-in-transaction', CIC, { runner: 'typeorm' })).toHaveLength(1);
    expect(await findingsOf('concurrently-in-transaction', withOther, { runner: 'psql' })).toEqual([]);
  });

  it('flags it inside an explicit BEGIN ... COMMIT under every runner', async () => {
    for (const runner of ['lockstep', 'prisma', 'psql'] as const) {
      expect(await findingsOf('concurrently-in-transaction', `BEGIN;\n${CIC}\nCOMMIT;`, { runner }), runner).toHaveLength(1);
    }
  });

  it('covers the other statements PostgreSQL refuses in a transaction', async () => {
    const sql = 'SELECT 1;\nDROP INDEX CONCURRENTLY i;\nVACUUM t;\nREINDEX TABLE CONCURRENTLY t;';
    expect((await findingsOf('concurrently-in-transaction', sql, { runner: 'prisma' })).map((f) => f.line)).toEqual([2, 3, 4]);
    expect(
      await findingsOf('concurrently-in-transaction', "SELECT 1;\nALTER TYPE e ADD VALUE 'x';", {
        runner: 'prisma',
        postgresVersion: 11,
      }),
    ).toHaveLength(1);
    expect(
      await findingsOf('concurrently-in-transaction', "SELECT 1;\nALTER TYPE e ADD VALUE 'x';", {
        runner: 'prisma',
        postgresVersion: 12,
      }),
    ).toEqual([]);
  });

  it('tells each runner what to do', async () => {
    const [prisma] = await findingsOf('concurrently-in-transaction', `SELECT 1;\n${CIC}`, { runner: 'prisma' });
    expect(prisma!.message).toContain('alone in a migration of its own');
    const [drizzle] = await findingsOf('concurrently-in-transaction', CIC, { runner: 'drizzle' });
    expect(drizzle!.message).toContain("drizzle's migrator runs all pending migrations in one transaction");
  });
});

describe('enum-value-used-in-transaction', () => {
  const add = `ALTER TYPE "Role" ADD VALUE 'SUPPORT';`;
  const use = `ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'SUPPORT';`;

  it('flags a new value used in the same transaction', async () => {
    expect(await findingsOf('enum-value-used-in-transaction', `${add}\n${use}`)).toHaveLength(1);
    expect(await findingsOf('enum-value-used-in-transaction', `${add}\n${use}`, { runner: 'prisma' })).toHaveLength(1);
    expect(
      await findingsOf('enum-value-used-in-transaction', `${add}\nUPDATE "User" SET "role" = 'SUPPORT' WHERE id = 1;`),
    ).toHaveLength(1);
  });

  it('accepts it in separate transactions', async () => {
    expect(await findingsOf('enum-value-used-in-transaction', `${add}\n${use}`, { runner: 'psql' })).toEqual([]);
    expect(await findingsOf('enum-value-used-in-transaction', `${add}\n${use}`, { runner: 'psql' })).toEqual([]);
    expect(await findingsOf('enum-value-used-in-transaction', `BEGIN;\n${add}\nCOMMIT;\n${use}`, { runner: 'psql' })).toEqual([]);
    expect(
      await findingsOf('enum-value-used-in-transaction', `BEGIN;\n${add}\n${use}\nCOMMIT;`, { runner: 'psql' }),
    ).toHaveLength(1);
  });

  it('follows Drizzle across migrations: all pending ones share one transaction', async () => {
    const files = [
      { path: '0001_add.sql', sql: add },
      { path: '0002_use.sql', sql: use },
    ];
    const drizzle = await lintSql(files, { runner: 'drizzle' });
    expect(drizzle.findings.filter((f) => f.rule === 'enum-value-used-in-transaction').map((f) => f.file)).toEqual([
      '0002_use.sql',
    ]);
    const prisma = await lintSql(files, { runner: 'prisma' });
    expect(prisma.findings.filter((f) => f.rule === 'enum-value-used-in-transaction')).toEqual([]);
  });
});

describe('transaction-nesting / ban-uncommitted-transaction', () => {
  it('flags nested BEGIN and COMMIT without BEGIN', async () => {
    expect(await summary('BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;', { runner: 'psql' })).toEqual(['transaction-nesting@2']);
    expect(await summary('SELECT 1;\nCOMMIT;', { runner: 'psql' })).toEqual(['transaction-nesting@2']);
  });

  it('flags any transaction control under runners that hold a transaction across files', async () => {
    expect(await summary('BEGIN;\nSELECT 1;\nCOMMIT;', { runner: 'drizzle' })).toEqual([
      'transaction-nesting@1',
      'transaction-nesting@3',
    ]);
    expect(await summary('BEGIN;\nSELECT 1;\nCOMMIT;', { runner: 'lockstep' })).toEqual([]);
  });

  it('flags a BEGIN that is never committed', async () => {
    expect(await summary('BEGIN;\nSELECT 1;', { runner: 'psql' })).toEqual(['ban-uncommitted-transaction@1']);
    expect(await summary('BEGIN;\nSELECT 1;\nROLLBACK;', { runner: 'psql' })).toEqual([]);
  });
});

describe('prefer-robust-stmts', () => {
  const sql =
    "CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\nALTER TABLE u ADD COLUMN c TEXT;\nALTER TABLE u ADD CONSTRAINT k CHECK (c <> '') NOT VALID;\nDROP TABLE v;";

  it('flags non-idempotent statements where a file runs without a transaction', async () => {
    expect((await findingsOf('prefer-robust-stmts', sql, { runner: 'psql' })).map((f) => f.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stays quiet where the runner wraps the file or resumes it', async () => {
    expect(await findingsOf('prefer-robust-stmts', sql, { runner: 'prisma' })).toEqual([]);
    expect(await findingsOf('prefer-robust-stmts', sql, { runner: 'lockstep' })).toEqual([]);
    expect(await findingsOf('prefer-robust-stmts', CIC, { runner: 'lockstep' })).toEqual([]);
  });

  it('reports a CONCURRENTLY build without IF NOT EXISTS under runners that do not clean up after it', async () => {
    const [finding] = await findingsOf('prefer-robust-stmts', CIC, { runner: 'prisma' });
    expect(finding!.message).toContain('INVALID index');
  });
});

describe('require-lock-timeout / require-statement-timeout', () => {
  it('never fires for lockstep, which sets both', async () => {
    expect(await summary('ALTER TABLE t ADD COLUMN c TEXT;')).toEqual([]);
  });

  it('fires once per file for other runners, at the first statement that blocks the app', async () => {
    const sql =
      'CREATE TABLE n (id int);\nCREATE INDEX ni ON n (id);\nALTER TABLE t ADD COLUMN c TEXT;\nALTER TABLE t ADD COLUMN d TEXT;';
    const lock = await findingsOf('require-lock-timeout', sql, { runner: 'prisma' });
    expect(lock.map((f) => [f.line, f.severity])).toEqual([[3, 'warning']]);
    expect(lock[0]!.message).toContain('ACCESS EXCLUSIVE lock on t');
    expect((await findingsOf('require-statement-timeout', sql, { runner: 'prisma' })).map((f) => f.line)).toEqual([3]);
  });

  it('reports files whose DDL blocks nothing as info', async () => {
    const [finding] = await findingsOf('require-lock-timeout', 'CREATE TABLE n (id int);\nCREATE INDEX ni ON n (id);', {
      runner: 'drizzle',
    });
    expect([finding!.line, finding!.severity]).toEqual([2, 'info']);
  });

  it('counts foreign keys to existing tables as blocking', async () => {
    const [finding] = await findingsOf('require-lock-timeout', 'CREATE TABLE n (id int, u int REFERENCES "User"(id));', {
      runner: 'prisma',
    });
    expect(finding!.severity).toBe('warning');
    expect(finding!.message).toContain('SHARE ROW EXCLUSIVE lock on "User"');
  });

  it('is satisfied by SET lock_timeout before the statement, but not by 0 or RESET', async () => {
    expect(
      await findingsOf('require-lock-timeout', "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c TEXT;", { runner: 'psql' }),
    ).toEqual([]);
    expect(
      await findingsOf('require-lock-timeout', 'SET LOCAL lock_timeout TO 2000;\nALTER TABLE t ADD COLUMN c TEXT;', {
        runner: 'psql',
      }),
    ).toEqual([]);
    expect(
      await findingsOf('require-lock-timeout', "SET lock_timeout = '0';\nALTER TABLE t ADD COLUMN c TEXT;", { runner: 'psql' }),
    ).toHaveLength(1);
    expect(
      await findingsOf(
        'require-lock-timeout',
        "SET lock_timeout = '2s';\nRESET lock_timeout;\nALTER TABLE t ADD COLUMN c TEXT;",
        { runner: 'psql' },
      ),
    ).toHaveLength(1);
    expect(
      await findingsOf('require-lock-timeout', "ALTER TABLE t ADD COLUMN c TEXT;\nSET lock_timeout = '2s';", { runner: 'psql' }),
    ).toHaveLength(1);
  });
});
