import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import { prismaDeploySuite } from '../support/deploy-suite.js';

const A = 'CREATE TABLE "a" ("id" INTEGER);\n';
const B = 'CREATE TABLE "b" ("id" INTEGER);\n';
const C = 'CREATE TABLE "c" ("id" INTEGER);\n';

describe('a database whose schema exists without a history (P3005) and baseline', () => {
  const suite = prismaDeploySuite();

  it('refuses to deploy onto a non-empty database without history, explains it, and changes nothing', async () => {
    const { db, cli } = await suite.start({ '20240101000000_a': A, '20240102000000_b': B });
    await db.query(A); // created by `prisma db push` or by hand
    const result = await cli('deploy');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('[P3005]');
    expect(result.stderr).toContain('public.a');
    expect(result.stderr).toContain('lockstep baseline');
    const tables = await db.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.map((t) => t.tablename)).toEqual(['a']);
    const schemas = await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'lockstep'`);
    expect(schemas).toHaveLength(0);
    const status = await cli('status');
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('If the schema matches all migrations on disk: `lockstep baseline`, then `lockstep deploy`');
  });

  it('baseline --to marks the migrations the schema already has, and deploy applies the rest', async () => {
    const { db, cli } = await suite.start({ '20240101000000_a': A, '20240102000000_b': B, '20240103000000_c': C });
    await db.query(A);
    await db.query(B);
    const result = await cli('baseline', '--to', '20240102000000_b');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Recorded 2 migrations as applied without running them');
    expect(result.stdout).toContain('20240103000000_c');
    const rows = await db.query<{
      migration_name: string;
      logs: string;
      checksum: string;
      applied_steps_count: number;
      same: boolean;
    }>(
      'SELECT migration_name, logs, checksum, applied_steps_count, started_at = finished_at AS same FROM _prisma_migrations ORDER BY started_at',
    );
    expect(rows).toEqual([
      { migration_name: '20240101000000_a', logs: '', checksum: sha256Hex(A), applied_steps_count: 0, same: true },
      { migration_name: '20240102000000_b', logs: '', checksum: sha256Hex(B), applied_steps_count: 0, same: true },
    ]);
    const deploy = await cli('deploy');
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain('20240103000000_c');
    expect((await cli('status')).code).toBe(0);
  });

  it('refuses to baseline an empty database, a database with history, or an unknown migration', async () => {
    const { cli } = await suite.start({ '20240101000000_a': A });
    const empty = await cli('baseline');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('[LS_BASELINE_EMPTY]');
    const unknown = await cli('baseline', '--to', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Pass --to with one of: 20240101000000_a');
    expect((await cli('deploy')).code).toBe(0);
    const again = await cli('baseline');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[LS_HAS_HISTORY]');
  });
});
