import { describe, expect, it } from 'vitest';
import { events } from '../support/cli.js';
import { prismaDeploySuite } from '../support/deploy-suite.js';

const A = 'CREATE TABLE "a" ("id" INTEGER);\n';
const B = 'CREATE TABLE "b" ("id" INTEGER);\n';
const C = 'CREATE TABLE "c" ("id" INTEGER);\n';

describe('history that disagrees with the files', () => {
  const suite = prismaDeploySuite();

  it('names an applied migration whose file was edited; warns by default and refuses with --strict', async () => {
    const { db, project, cli } = await suite.start({ '20240101000000_a': A, '20240102000000_b': B });
    expect((await cli('deploy')).code).toBe(0);
    project.migration('20240102000000_b', 'CREATE TABLE "b" ("id" BIGINT);\n');
    project.migration('20240103000000_c', C);

    const strict = await cli('deploy', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('[LS_STRICT]');
    expect(strict.stderr).toContain('prisma/migrations/20240102000000_b/migration.sql was edited after it was applied');
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'c'`)).toHaveLength(0);

    const status = await cli('status', '--json');
    const report = JSON.parse(status.stdout) as {
      counts: { edited: number };
      problems: Array<{ code: string; migration: string }>;
    };
    expect(report.counts.edited).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'LS_EDITED', migration: '20240102000000_b' })]);

    const lenient = await cli('deploy', '--json');
    expect(lenient.code).toBe(0);
    expect(
      events(lenient.stdout)
        .filter((e) => e.type === 'warning')
        .map((e) => e.code),
    ).toContain('LS_EDITED');
    expect(
      events(lenient.stdout)
        .filter((e) => e.type === 'migration-applied')
        .map((e) => e.migration),
    ).toEqual(['20240103000000_c']);
  });

  it('does not count a line-ending conversion as an edit', async () => {
    const { project, cli } = await suite.start({ '20240101000000_a': 'CREATE TABLE "a" (\n  "id" INTEGER\n);\n' });
    expect((await cli('deploy')).code).toBe(0);
    project.migration('20240101000000_a', 'CREATE TABLE "a" (\r\n  "id" INTEGER\r\n);\r\n');
    const status = await cli('status', '--json');
    expect(JSON.parse(status.stdout).counts.edited).toBe(0);
    expect((await cli('deploy', '--strict')).code).toBe(0);
  });

  it('names history rows that have no folder on disk', async () => {
    const { project, cli } = await suite.start({ '20240101000000_a': A, '20240102000000_b': B });
    expect((await cli('deploy')).code).toBe(0);
    project.remove('prisma/migrations/20240102000000_b');
    const status = await cli('status');
    expect(status.stdout).toMatch(/missing\s+20240102000000_b/);
    const deploy = await cli('deploy');
    expect(deploy.code).toBe(0);
    expect(deploy.stderr).toContain('20240102000000_b is recorded in the history but is not on disk');
    expect((await cli('deploy', '--strict')).code).toBe(1);
  });

  it('names a migration that arrives out of order and applies it after the others', async () => {
    const { project, cli } = await suite.start({ '20240101000000_a': A, '20240103000000_c': C });
    expect((await cli('deploy')).code).toBe(0);
    project.migration('20240102000000_b', B);
    const status = await cli('status', '--json');
    const report = JSON.parse(status.stdout) as {
      state: string;
      migrations: Array<{ name: string; state: string; outOfOrder: boolean }>;
    };
    expect(report.state).toBe('pending');
    expect(report.migrations.find((m) => m.name === '20240102000000_b')).toMatchObject({ state: 'pending', outOfOrder: true });
    expect(status.code).toBe(1);
    const strict = await cli('deploy', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('20240102000000_b is not applied but sorts before migrations that are');
    const deploy = await cli('deploy');
    expect(deploy.code).toBe(0);
    expect(deploy.stderr).toContain('20240102000000_b is not applied but sorts before');
    expect((await cli('status')).code).toBe(0);
  });

  it('refuses to run with a missing migrations folder when the database has history', async () => {
    const { project, cli } = await suite.start({ '20240101000000_a': A });
    expect((await cli('deploy')).code).toBe(0);
    project.remove('prisma/migrations');
    const result = await cli('deploy');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[LS_MIGRATIONS_MISSING]');
    expect(result.stderr).toContain('The migrations folder prisma/migrations does not exist');
    expect(result.stderr).toContain('this build is missing its migrations');
  });
});
