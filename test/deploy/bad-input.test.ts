import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { freshDatabase, urlFor, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/global-setup.js';
import { startPasswordServer, type PasswordServer } from '../support/password-server.js';
import { prismaProject, type TestProject } from '../support/project.js';

/** Every failure is one message with what happened, the database's state and what to run; never a stack trace. */
function expectCleanFailure(result: CliResult, code: number, id: string) {
  expect(result.code).toBe(code);
  expect(result.stderr).toContain(`[${id}]`);
  expect(result.stderr).toContain('Database:');
  expect(result.stderr).toContain('Next:');
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe('bad input', () => {
  let db: TestDatabase | undefined;
  let project: TestProject;
  let auth: PasswordServer;
  beforeAll(async () => {
    auth = await startPasswordServer();
  });
  afterAll(async () => {
    await auth?.stop();
  });
  afterEach(async () => {
    await db?.drop();
    db = undefined;
    project?.cleanup();
  });
  const A = 'CREATE TABLE "a" ("id" INTEGER);\n';

  it('an unreachable server', async () => {
    project = prismaProject({ '20240101000000_a': A });
    const port = await freePort();
    const result = await runCli(['deploy'], {
      cwd: project.dir,
      env: { DATABASE_URL: `postgresql://app:pw-123456@127.0.0.1:${port}/shop` },
    });
    expectCleanFailure(result, 2, 'LS_CONNECT_REFUSED');
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toContain('DATABASE_URL');
  });

  it('a wrong password', async () => {
    project = prismaProject({ '20240101000000_a': A });
    const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: auth.url('shop', 'not-the-password') } });
    expectCleanFailure(result, 2, 'LS_AUTH_FAILED');
    expect(result.stderr).toContain(`rejected the password for user "${auth.user}"`);
    expect(result.stderr + result.stdout).not.toContain('not-the-password');
  });

  it('a database that does not exist', async () => {
    project = prismaProject({ '20240101000000_a': A });
    const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: urlFor('lockstep_no_such_db') } });
    expectCleanFailure(result, 2, 'LS_DATABASE_MISSING');
    expect(result.stderr).toContain('createdb');
  });

  it('a missing or empty migrations folder on a database without history is refused: there is nothing to deploy', async () => {
    db = await freshDatabase();
    project = prismaProject({});
    const empty = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(
      '[LS_NO_MIGRATIONS] Nothing to deploy: The migrations folder prisma/migrations has no migrations',
    );
    project.remove('prisma/migrations');
    const missing = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('The migrations folder prisma/migrations does not exist');
  });

  it('a migration folder without migration.sql, an empty file, a file that is not UTF-8', async () => {
    db = await freshDatabase();
    project = prismaProject({ '20240101000000_a': A });
    project.write('prisma/migrations/20240102000000_nofile/README.md', 'oops');
    project.migration('20240103000000_empty', '');
    project.write(
      'prisma/migrations/20240104000000_latin1/migration.sql',
      Buffer.from([0x2d, 0x2d, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a, 0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x31, 0x3b, 0x0a]),
    );
    const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expectCleanFailure(result, 2, 'LS_MIGRATION_FILE');
    expect(result.stderr).toContain('prisma/migrations/20240102000000_nofile/migration.sql does not exist');
    expect(result.stderr).toContain('P3015');
    expect(result.stderr).toContain('prisma/migrations/20240103000000_empty/migration.sql is empty');
    expect(result.stderr).toContain(
      'prisma/migrations/20240104000000_latin1/migration.sql is not valid UTF-8: the first invalid byte is at offset 6',
    );
    expect(result.stderr).toContain('none was applied');
    // Nothing was applied, not even the valid first migration, and nothing was created: no row can lie.
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'a'`)).toHaveLength(0);
    expect(await db.query(`SELECT to_regclass('_prisma_migrations') AS t`)).toEqual([{ t: null }]);
  });

  it('a syntax error in a migration', async () => {
    db = await freshDatabase();
    project = prismaProject({
      '20240101000000_a': A,
      '20240102000000_typo': '-- AddColumn\nALTER TABLE "a"\n  ADD COLUMN "b" INTEGR NOT NULL DEFAULT;\n',
    });
    const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: db.url } });
    expectCleanFailure(result, 1, 'LS_MIGRATION_SYNTAX');
    expect(result.stderr).toContain('prisma/migrations/20240102000000_typo/migration.sql:3:');
    expect(result.stderr).toContain('syntax error');
    expect(await db.query(`SELECT to_regclass('_prisma_migrations') AS t`)).toEqual([{ t: null }]);
  });

  it('a provider in migration_lock.toml that is not PostgreSQL', async () => {
    project = prismaProject(
      { '20240101000000_a': A },
      { lockToml: '# Please do not edit this file manually\nprovider = "mysql"\n' },
    );
    const result = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: urlFor('postgres') } });
    expectCleanFailure(result, 2, 'LS_PROVIDER_UNSUPPORTED');
    expect(result.stderr).toContain('prisma/migrations/migration_lock.toml records provider "mysql"');
  });

  it('a URL that is not a URL, and a directory that is not a project', async () => {
    project = prismaProject({ '20240101000000_a': A });
    const bad = await runCli(['deploy'], { cwd: project.dir, env: { DATABASE_URL: 'not a url with secret p4ss' } });
    expectCleanFailure(bad, 2, 'LS_BAD_DATABASE_URL');
    expect(bad.stderr).not.toContain('p4ss');
    const nowhere = await runCli(['deploy', '--project', '/tmp'], { env: {} });
    expectCleanFailure(nowhere, 2, 'LS_NO_PROJECT');
  });

  it('bad flags', async () => {
    project = prismaProject({ '20240101000000_a': A });
    const badDuration = await runCli(['deploy', '--lock-timeout', 'soon', '--embedded'], { cwd: project.dir });
    expectCleanFailure(badDuration, 2, 'LS_BAD_OPTION');
    const unknown = await runCli(['deploy', '--frobnicate'], { cwd: project.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
  });
});
