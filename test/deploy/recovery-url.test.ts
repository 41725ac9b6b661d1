import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { prismaProject, type TestProject } from '../support/project.js';

/** Printed recoveries name the URL source actually used, and never the URL. */
describe('recovery commands and the URL they name', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterEach(async () => {
    await db?.drop();
    project?.cleanup();
  });

  const FAILING = {
    '20240101000000_a': 'CREATE TABLE "a" ("id" INTEGER);\n',
    '20240102000000_b': 'CREATE TABLE "b" ("id" INTEGER);\nSELECT 1/0;\n',
  };

  it('--url with DATABASE_URL unset: the recovery repeats --url without pretending it came from DATABASE_URL', async () => {
    db = await freshDatabase();
    project = prismaProject(FAILING);
    const run = await runCli(['deploy', '--url', db.url], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('resolve --rolled-back 20240102000000_b --url "<the URL you passed>"');
    expect(run.stderr).not.toContain('$DATABASE_URL');
    expect(run.stderr).not.toContain(db.url);
  });

  it('--url "$SOME_VARIABLE": the recovery names that variable', async () => {
    db = await freshDatabase();
    project = prismaProject(FAILING);
    const run = await runCli(['deploy', '--url', db.url], { cwd: project.dir, env: { PRIMARY_DB_URL: db.url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('resolve --rolled-back 20240102000000_b --url "$PRIMARY_DB_URL"');
  });

  it('a URL from DATABASE_URL or the configuration: the recovery adds no --url, and a connection error names the source', async () => {
    db = await freshDatabase();
    project = prismaProject(FAILING);
    const run = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('`lockstep resolve --rolled-back 20240102000000_b`');
    expect(run.stderr).not.toContain('--url');

    const missing = await runCli(['status'], { cwd: project.dir, env: { DATABASE_URL: `${db.url}_missing` } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('fix the database name in DATABASE_URL (url in prisma/schema.prisma, from the environment)');
    expect(missing.stderr).not.toContain('--url');
  });
});
